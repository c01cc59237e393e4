export { type GovernanceConfig, governanceSchema } from './config.js';
export { ConfigGovernance, type GovernanceView, governedCatalog, type TagGovernance } from './governance.js';
