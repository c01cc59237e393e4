export { OUTBOX_DEFAULTS, type OutboxConfig, OVERFLOW_POLICIES, type OverflowPolicy, outboxSchema } from './config.js';
export { type Delivery, Forwarder, type ForwarderOptions } from './forwarder.js';
export type { SinkHealth } from './health.js';
export { Outbox, type OutboxOptions, type OutboxRow, type OutboxStats, type QueuedRow } from './outbox.js';
