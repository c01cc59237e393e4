export { buildCatalog, type CatalogEntry } from './catalog.js';
export { type GovernanceConfig, governanceSchema } from './config.js';
export { ConfigGovernance, type GovernanceView, governedCatalog, type TagGovernance } from './governance.js';
export { FOREIGN_KEY_BASE, type OwnerRule, type OwnershipStats, TagOwnership } from './ownership.js';
