import type { OutboxStats } from './outbox.js';

/**
 * What an outbound sink with store-and-forward reports in hub health (`sinks[]`): its connection and
 * its visible backlog.
 */
export interface SinkHealth extends OutboxStats {
  name: string;
  kind: string;
  /** Where it sends, e.g. `mqtt://broker:1883` (never with credentials). */
  target: string;
  state: 'connected' | 'disconnected' | 'stopped';
  lastDeliveredAt?: number;
  lastError?: string;
}
