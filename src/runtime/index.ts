export { Backoff, type ReconnectConfig, reconnectSchema } from './backoff.js';
export { type CommandOutcome, isMachineCommandTarget, type MachineCommandTarget } from './commands.js';
export {
  type ConnectionHealth,
  type Connector,
  type Link,
  livenessSchema,
  NotConnected,
  Supervisor,
  type SupervisorContext,
  type SupervisorOptions,
} from './supervisor.js';
