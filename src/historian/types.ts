import type { TagCatalog, TagDefinition, TagRecord } from '../model/tag.js';
import type { HubEvent, Sink } from '../pipeline/types.js';

/** One stored value as queries return it. Timestamps are epoch milliseconds. */
export interface StoredSample {
  ts: number;
  serverTs: number;
  value: number | string | null;
  status: number;
}

export interface RawQuery {
  tagKey: number;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  /** Maximum rows to return; the page's `next` continues after the last row. */
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface RawPage {
  samples: StoredSample[];
  /** Present when more rows exist in the range. */
  next?: string;
}

export type AggregateFn = 'min' | 'max' | 'avg' | 'twa' | 'first' | 'last' | 'count';

export interface AggregateQuery {
  tagKey: number;
  from: number;
  to: number;
  /** Bucket width in ms; buckets are aligned to `from`. */
  bucketMs: number;
  fns: readonly AggregateFn[];
  /**
   * Only samples whose StatusCode is Good (severity bits 00) enter aggregates; a bucket with no
   * good sample has null aggregates and `count` 0. Uncertain and Bad samples are counted apart.
   */
}

export interface AggregateBucket {
  /** Bucket start, epoch ms. */
  ts: number;
  count: number;
  /** Samples in the bucket with Bad or Uncertain status (excluded from the aggregates). */
  badCount: number;
  min?: number | null;
  max?: number | null;
  avg?: number | null;
  /** Time-weighted average, step interpolation (value holds until the next sample), within the bucket. */
  twa?: number | null;
  first?: number | null;
  last?: number | null;
  /** Timestamps of the first and last sample, for min/max/first/last downsampling that keeps peaks. */
  firstTs?: number | null;
  lastTs?: number | null;
}

export interface LatestValue extends StoredSample {
  tagKey: number;
}

export interface HistorianStats {
  /** Values accepted by `write` since open. */
  accepted: number;
  /** Values durable on disk since open. */
  persisted: number;
  /** Accepted but not yet durable. */
  backlog: number;
  /** Bytes of the database files. */
  diskBytes: number;
  lastFlushAt?: number;
  /**
   * Present while writes fail (disk full, read-only file system…): what failed and what to do.
   * Accepted values stay in memory (`backlog`) and are written once the cause is gone.
   */
  lastError?: string;
}

/** One value that replaces what is stored at its (tag, source timestamp): a correction. */
export interface CorrectionRow {
  tagKey: number;
  ts: number;
  serverTs: number;
  /** NaN or null = no value (a Bad row); a string for String tags. */
  value: number | string | null;
  status: number;
}

export interface RetentionRule {
  /** Retention class name; `default` applies to tags with no class. */
  class: string;
  /** Keep values this many ms; older ones are dropped. */
  maxAgeMs: number;
}

/**
 * The historian: the storage interface of both engines, the embedded SQLite one
 * (src/historian/sqliteHistorian.ts) and the PostgreSQL one for central hubs (src/historian/postgres/),
 * chosen by `historian.engine` through src/historian/registry.ts. Both pass the same behaviour suite
 * (test/historian/suite.ts). It is a `Sink` (values in) and a `TagCatalog` (tag registration) and
 * answers queries.
 */
export interface Historian extends Sink, TagCatalog {
  /** Opens or creates the store, recovering anything a crash left in the write-ahead staging. */
  open(): Promise<void>;
  upsertTags(defs: readonly TagDefinition[]): Promise<TagRecord[]>;
  listTags(): Promise<TagRecord[]>;
  getTag(id: string): Promise<TagRecord | undefined>;
  latest(tagKeys?: readonly number[]): Promise<LatestValue[]>;
  raw(q: RawQuery): Promise<RawPage>;
  aggregate(q: AggregateQuery): Promise<AggregateBucket[]>;
  appendEvent(e: HubEvent): void;
  events(q: { from?: number; to?: number; source?: string; limit: number }): Promise<HubEvent[]>;
  setRetention(rules: readonly RetentionRule[]): void;
  /** Drops expired values; runs in slices so ingestion is never blocked for long. */
  applyRetention(now?: number): Promise<{ deletedChunks: number }>;
  stats(): HistorianStats;
  /**
   * Corrections: replaces the value and status stored at each row's (tag, source timestamp), the one
   * way to change a stored value (`write` keeps the first value at a timestamp and drops later ones).
   * Summaries and roll-ups of the touched spans are recomputed and `latest` follows when the newest
   * row changes. A row with nothing stored at its timestamp is stored as new. Durable on return.
   * Returns how many stored values were replaced.
   */
  correct(rows: readonly CorrectionRow[]): Promise<number>;
}
