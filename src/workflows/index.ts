/**
 * The workflows door: rules (triggers → actions), work orders (a small CMMS in the hub) with
 * automatic scheduling into planned downtime, and the shared interfaces delivery implements.
 */
export {
  type Rule,
  type RuleInput,
  ruleSchema,
  type WorkflowsConfig,
  type WorkflowsConfigInput,
  workflowsConfigSchema,
} from './config.js';
export { Workflows, type WorkflowsDeps } from './engine.js';
export { type DowntimeWindow, downtimeWindows, plan } from './scheduling.js';
export type { RuleVersion, ScheduleEntry } from './store.js';
export * from './types.js';
export { TRANSITIONS, WorkOrderBook } from './workorders.js';
