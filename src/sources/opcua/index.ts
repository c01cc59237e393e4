export { type CommandOutcome, isMachineCommandTarget, type MachineCommandTarget } from './commands.js';
export {
  effectiveSubscription,
  type OpcuaSourceConfig,
  type OpcuaSourceInput,
  opcuaSourceSchema,
  type SubscriptionParams,
} from './config.js';
export { resolveConfiguredNodeId } from './discovery.js';
export { createOpcuaSource, type OpcuaSourceDeps } from './source.js';
export { BAD_NO_COMMUNICATION } from './values.js';
