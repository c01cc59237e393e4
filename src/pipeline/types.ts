import type { Logger } from 'pino';
import type { SampleBatch } from '../model/sample.js';
import type { TagCatalog } from '../model/tag.js';

/**
 * Where values go. The runtime calls `write` on the hot path: it must not block and must not do
 * I/O inline; it accepts the batch (keeping a reference; batches are immutable) and returns.
 * `flush` makes everything accepted so far durable. `close` flushes and releases resources.
 */
export interface Sink {
  readonly name: string;
  write(batch: SampleBatch): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A hub event: connections, gaps, configuration, later alarms and maintenance. */
export interface HubEvent {
  /** Epoch milliseconds. */
  ts: number;
  /** Dotted kind, e.g. `connection.lost`, `connection.restored`, `subscription.revised`, `tag.rejected`. */
  kind: string;
  severity: 'info' | 'warning' | 'error';
  /** The source connection name, when the event concerns one. */
  source?: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface EventSink {
  emit(event: HubEvent): void;
}

/** Connection state as a source reports it; the runtime and health endpoint read it. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed' | 'stopped';

export interface SourceHealth {
  name: string;
  kind: string;
  endpoint: string;
  state: ConnectionState;
  securityMode: string;
  securityPolicy: string;
  /** SHA-1 thumbprint of the server certificate, hex, when known. */
  serverCertificateThumbprint?: string;
  tags: number;
  /** Tags the server or the config rejected, with their reasons. */
  rejectedTags: number;
  monitoredItems: number;
  valuesReceived: number;
  lastValueAt?: number;
  connectedSince?: number;
  reconnects: number;
  lastError?: string;
}

export interface SourceContext {
  catalog: TagCatalog;
  sink: Sink;
  events: EventSink;
  log: Logger;
}

/**
 * A source of values. `start` must return once the source is running (connected or retrying in the
 * background); it must not throw for network errors, only for configuration errors.
 */
export interface Source {
  readonly name: string;
  readonly kind: string;
  /**
   * Whether a lost connection is written as a BadNoCommunication gap marker per tag. The hub marks its
   * own downtime (a stop, a crash) the same way for the tags of such sources.
   */
  readonly marksGaps: boolean;
  start(ctx: SourceContext): Promise<void>;
  stop(): Promise<void>;
  health(): SourceHealth;
}
