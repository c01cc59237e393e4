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

/** A value of a per-kind health detail: plain JSON scalars (undefined = not known yet). */
export type HealthDetail = string | number | boolean | undefined;

/**
 * The health of one source: a protocol-neutral core (the same for every kind, owned mostly by the
 * runtime's supervisor) plus per-kind `details` (OPC UA security and monitored items, Modbus request
 * counters, MQTT subscriptions). Nothing in the core is shaped by one protocol.
 */
export interface SourceHealth<
  D extends Readonly<Record<string, HealthDetail>> = Readonly<Record<string, HealthDetail>>,
> {
  name: string;
  kind: string;
  /** The peer, without secrets (e.g. `opc.tcp://plc1:4840`, `modbus-tcp://10.0.0.5:502/1`, `mqtt://broker:1883`). */
  endpoint: string;
  state: ConnectionState;
  tags: number;
  /** Tags (or messages) the peer or the config rejected, with their reasons in the events. */
  rejectedTags: number;
  valuesReceived: number;
  /** Epoch ms of the last value received. */
  lastValueAt?: number;
  /** Epoch ms of the last value or keep-alive received: what the liveness check looks at. */
  lastContactAt?: number;
  connectedSince?: number;
  reconnects: number;
  lastError?: string;
  details: D;
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
