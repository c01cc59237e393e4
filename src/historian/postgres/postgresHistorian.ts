import pg from 'pg';
import { type Logger, pino } from 'pino';
import { GotthardError } from '../../errors.js';
import { SampleBatch } from '../../model/sample.js';
import type { TagDefinition, TagRecord } from '../../model/tag.js';
import type { HubEvent } from '../../pipeline/types.js';
import { validatedRetention } from '../retention.js';
import type {
  AggregateBucket,
  AggregateQuery,
  CorrectionRow,
  Historian,
  HistorianStats,
  LatestValue,
  RawPage,
  RawQuery,
  RetentionRule,
  StoredSample,
} from '../types.js';
import { floatArray, intArray, textArray } from './arrays.js';
import {
  type PostgresHistorianConfig,
  type PostgresHistorianOptions,
  postgresHistorianOptionsSchema,
} from './options.js';
import {
  GOOD_MASK,
  ident,
  msOf,
  ROLLUP_COLUMNS,
  ROLLUP_MERGE,
  rollupSelect,
  tablesDdl,
  timescaleDdl,
} from './schema.js';

/** Largest number of buckets one aggregate query may ask for (as the embedded engine). */
const MAX_BUCKETS = 100_000;
const MINUTE = 60_000;
/**
 * A partition is analysed once this many rows were written to it since its last ANALYZE and they
 * are at least a tenth of what it held then (autovacuum's analyze_scale_factor, but at once: a
 * bulk import into old partitions otherwise leaves them without statistics until autovacuum comes).
 */
const ANALYZE_MIN_ROWS = 10_000;
const ANALYZE_FRACTION = 0.1;

/**
 * One page of raw values of a tag. Ordered by the table column `s.ts` (not the computed output column
 * of the same name), so PostgreSQL walks the (tag_key, ts) primary key of each partition in order and
 * stops after `limit` rows: a page costs its rows wherever it lies in the range. Ordering by the
 * output expression made every page sort the whole remaining range (issue 15: 107 ms against 0.4 ms
 * on 600k rows, slower page by page). The cursor is the keyset `ts > last`.
 */
export function rawSql(schema: string): string {
  return `SELECT ${msOf('s.ts')} AS ts, ${msOf('s.server_ts')} AS server_ts, s.value, s.status, s.text
    FROM ${schema}.sample s
    WHERE s.tag_key = $1 AND s.ts >= to_timestamp($2::float8 / 1000) AND s.ts < to_timestamp($3::float8 / 1000)
      AND s.ts > to_timestamp($4::float8 / 1000)
    ORDER BY s.ts LIMIT $5`;
}

/** The newest events, ordered by the table columns (the event_ts index), not the computed `ts`. */
export function eventsSql(schema: string): string {
  return `SELECT ${msOf('e.ts')} AS ts, e.kind, e.severity, e.source, e.message, e.details FROM ${schema}.event e
    WHERE e.ts >= to_timestamp($1::float8 / 1000) AND e.ts < to_timestamp($2::float8 / 1000)
      AND ($3::text IS NULL OR e.source = $3) ORDER BY e.ts DESC, e.id DESC LIMIT $4`;
}
/** Storable source timestamps in epoch ms (timestamptz spans 4713 BC … 294276 AD). */
const MIN_TS = -210_866_803_200_000;
const MAX_TS = Number.MAX_SAFE_INTEGER; // year 287396, inside timestamptz
const INT4_MAX = 2_147_483_647;

/** Runs `fn` in one transaction on one pooled connection; a connection that failed is discarded. */
async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  // A connection that dies while checked out emits 'error' on the client; the failing query rejects too.
  const ignore = () => undefined;
  c.on('error', ignore);
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    // A server error (SQLSTATE code) leaves a healthy connection; anything else may not.
    const code = (err as { code?: unknown }).code;
    if (!(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))) broken = err as Error;
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.off('error', ignore);
    c.release(broken);
  }
}

/** One write transaction's rows, as PostgreSQL array literals, sorted later in SQL. */
interface Group {
  rows: number;
  rejected: number;
  /** Position after the group: index into `pending` and row within that batch. */
  endBatch: number;
  endRow: number;
  keys: number[];
  ts: number[];
  serverTs: (number | null)[];
  values: (number | null)[];
  status: number[];
  text: (string | null)[] | undefined;
  /** Per tag, the index (into the arrays) of its newest row. */
  latest: Map<number, number>;
  /** Partition buckets the rows fall in, with the rows of each. */
  buckets: Map<number, number>;
}

interface PartitionRange {
  start: number;
  end: number;
}

/**
 * The PostgreSQL historian: the same `Historian` contract as the embedded SQLite engine, for central
 * hubs that share one database (see docs/historian.md, "PostgreSQL").
 *
 * Write path: `write` keeps a reference to the batch and returns. Every `flushIntervalMs` the accepted
 * rows are written in transactions of up to `flushMaxValues` rows: one `INSERT … SELECT FROM unnest(…)
 * ON CONFLICT DO NOTHING` (idempotent on tag and source timestamp) whose inserted rows feed the
 * per-minute rollup in the same statement, then the latest values and pending events. A failed
 * transaction leaves its rows at the head of the backlog; the next interval retries them, so an
 * outage of the database loses nothing while the process lives, and `stats().backlog` shows the wait.
 */
export class PostgresHistorian implements Historian {
  readonly name = 'historian';
  private readonly cfg: PostgresHistorianConfig;
  private readonly poolConfig: pg.PoolConfig | undefined;
  private readonly log: Logger;
  private readonly s: string;
  private pool: pg.Pool | undefined;
  private closed = false;
  private timescale = false;
  private partitions: PartitionRange[] = [];
  private readonly tagsById = new Map<string, TagRecord>();
  private readonly tagsByKey = new Map<number, TagRecord>();
  /** Accepted batches not yet committed; rows before `pendingRow` of the first one are committed. */
  private pending: SampleBatch[] = [];
  private pendingRow = 0;
  private pendingEvents: HubEvent[] = [];
  private retention: RetentionRule[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushChain: Promise<void> = Promise.resolve();
  private flushing = 0;
  /** Per partition bucket: rows written since its last ANALYZE, and the rows it held then. */
  private readonly sinceAnalyze = new Map<number, { written: number; base: number }>();
  /** ANALYZE runs one at a time, after the flush that crossed the threshold, never inside it. */
  private analyzing: Promise<void> = Promise.resolve();
  private accepted = 0;
  private persisted = 0;
  private rejected = 0;
  private lastFlushAt: number | undefined;
  private diskBytes = 0;
  private diskBytesAt = 0;
  private lastError: string | undefined;

  constructor(opts: PostgresHistorianOptions) {
    const { logger, pool, ...rest } = opts;
    const parsed = postgresHistorianOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      throw new GotthardError('GT_CONFIG_INVALID', `postgres historian options invalid: ${parsed.error.message}`);
    }
    this.cfg = Object.freeze(parsed.data);
    this.poolConfig = pool;
    this.log = logger ?? pino({ enabled: false });
    this.s = ident(this.cfg.schema);
  }

  /** Whether the store uses TimescaleDB hypertables (decided when the schema was first created). */
  get usesTimescale(): boolean {
    return this.timescale;
  }

  async open(): Promise<void> {
    if (this.pool) return;
    const pool = new pg.Pool({
      ...this.poolConfig,
      ...(this.cfg.connectionString === undefined ? {} : { connectionString: this.cfg.connectionString }),
      max: this.cfg.poolSize,
      application_name: 'gotthard-historian',
    });
    // Idle connections that die (database restart) must not crash the hub; the next query reconnects.
    pool.on('error', (err) => this.log.warn({ err }, 'idle PostgreSQL connection lost'));
    // Nor any other: a server going down sends 57P01 ("terminating connection due to administrator
    // command") and then closes the socket, and the client emits 'error' for each outside a query.
    // pg-pool's idle listener takes only the first and leaves a checked-out client without one, and an
    // 'error' without a listener is an uncaught exception (seen in fault case 4). Every client gets a
    // listener of its own for its whole life; failing queries still reject as before.
    pool.on('connect', (client) =>
      client.on('error', (err) => this.log.debug({ err: err.message }, 'PostgreSQL connection error')),
    );
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new GotthardError(
        'GT_NOT_CONNECTED',
        `historian: cannot reach PostgreSQL at ${this.where()}: ${(err as Error).message}. ` +
          'Check historian.postgres.connectionString and that the server accepts connections.',
        undefined,
        { cause: err },
      );
    }
    this.pool = pool;
    try {
      await this.createSchema(pool);
      await this.loadState(pool);
    } catch (err) {
      this.pool = undefined;
      await pool.end().catch(() => undefined);
      throw err;
    }
    this.timer = setInterval(() => this.flushQuietly(), this.cfg.flushIntervalMs);
    this.timer.unref();
  }

  /** The connection target without its password, for messages. */
  private where(): string {
    const cs = this.cfg.connectionString;
    if (cs === undefined) {
      const p = this.poolConfig;
      return `${p?.host ?? process.env.PGHOST ?? 'localhost'}:${p?.port ?? process.env.PGPORT ?? 5432}/${p?.database ?? process.env.PGDATABASE ?? ''}`;
    }
    try {
      const u = new URL(cs);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return '(connection string)';
    }
  }

  /** Creates the tables once, under an advisory lock so hubs starting together do not race. */
  private async createSchema(pool: pg.Pool): Promise<void> {
    let wantTimescale = false;
    if (this.cfg.timescale === 'auto') {
      const r = await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
      wantTimescale = (r.rowCount ?? 0) > 0;
    }
    const layout = await inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gotthard.historian.${this.cfg.schema}`]);
      const exists = await c.query('SELECT to_regclass($1) AS t', [`${this.s}.meta`]);
      let current: string | undefined;
      if (exists.rows[0]?.t !== null) {
        const m = await c.query(`SELECT value FROM ${this.s}.meta WHERE key = 'layout'`);
        current = m.rows[0]?.value as string | undefined;
      }
      let ts = current === undefined ? wantTimescale : current === 'hypertable';
      if (ts && current === undefined) {
        try {
          await c.query('SAVEPOINT ext');
          await c.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
          await c.query('RELEASE SAVEPOINT ext');
        } catch (err) {
          await c.query('ROLLBACK TO SAVEPOINT ext');
          this.log.warn({ err }, 'TimescaleDB is available but cannot be enabled; using plain partitions');
          ts = false;
        }
      }
      await c.query(tablesDdl(this.s, ts));
      if (ts && current === undefined) {
        for (const sql of timescaleDdl(this.cfg.schema, this.cfg.partitionIntervalMs).slice(0, 2)) await c.query(sql);
      }
      await c.query(`INSERT INTO ${this.s}.meta (key, value) VALUES ('layout', $1) ON CONFLICT (key) DO NOTHING`, [
        ts ? 'hypertable' : 'partitioned',
      ]);
      return ts ? 'hypertable' : 'partitioned';
    });
    this.timescale = layout === 'hypertable';
    if (this.timescale) {
      // Continuous aggregates cannot be created inside a transaction; they are a convenience for SQL users.
      for (const sql of timescaleDdl(this.cfg.schema, this.cfg.partitionIntervalMs).slice(2)) {
        await pool.query(sql).catch((err: unknown) => this.log.warn({ err }, 'continuous aggregate not created'));
      }
    }
    this.log.info({ schema: this.cfg.schema, layout }, 'PostgreSQL historian ready');
  }

  private async loadState(pool: pg.Pool): Promise<void> {
    await this.loadPartitions(pool);
    const tags = await pool.query(`SELECT key, def FROM ${this.s}.tag ORDER BY key`);
    for (const row of tags.rows as { key: number; def: TagDefinition }[]) this.remember({ ...row.def, key: row.key });
  }

  private async loadPartitions(q: pg.Pool | pg.PoolClient): Promise<void> {
    const r = await q.query(`SELECT start_ms, end_ms FROM ${this.s}.partition ORDER BY start_ms`);
    this.partitions = (r.rows as { start_ms: number; end_ms: number }[]).map((p) => ({
      start: p.start_ms,
      end: p.end_ms,
    }));
  }

  private remember(rec: TagRecord): void {
    this.tagsById.set(rec.id, rec);
    this.tagsByKey.set(rec.key, rec);
  }

  private requirePool(): pg.Pool {
    if (this.pool === undefined || this.closed) {
      throw new GotthardError('GT_HISTORIAN_CLOSED', 'historian is not open: call open() first (or it was closed)');
    }
    return this.pool;
  }

  /** A query with sorts of ~100k rows: run with enough `work_mem` to sort in memory. */
  private async readSorting(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    const pool = this.requirePool();
    try {
      return await inTransaction(pool, async (c) => {
        // In-memory sorts; no JIT: compiling costs ~0.4 s here and the query runs in ~0.1 s.
        await c.query(`SET LOCAL work_mem = '64MB'`);
        await c.query('SET LOCAL jit = off');
        await c.query(`SET LOCAL statement_timeout = ${this.cfg.readTimeoutMs}`);
        return c.query(sql, params);
      });
    } catch (err) {
      throw this.notConnected(err);
    }
  }

  /**
   * One query under the read budget (`readTimeoutMs` as `statement_timeout`, local to its transaction
   * so writes are not limited); a lost or refused connection becomes GT_NOT_CONNECTED (the API
   * answers 503), a cancelled one GT_READ_TIMEOUT.
   */
  private async read(sql: string, params?: unknown[]): Promise<pg.QueryResult> {
    const pool = this.requirePool();
    try {
      return await inTransaction(pool, async (c) => {
        await c.query(`SET LOCAL statement_timeout = ${this.cfg.readTimeoutMs}`);
        return c.query(sql, params);
      });
    } catch (err) {
      throw this.notConnected(err);
    }
  }

  private notConnected(err: unknown): unknown {
    const code = (err as { code?: unknown }).code;
    // 57014 query_canceled: the statement_timeout of a read (PostgreSQL appendix A, error codes).
    if (code === '57014') {
      return new GotthardError(
        'GT_READ_TIMEOUT',
        `historian: the query ran longer than its budget of ${this.cfg.readTimeoutMs} ms (historian option readTimeoutMs, default 30 s) and was cancelled; ask for a shorter range or fewer tags`,
        undefined,
        { cause: err },
      );
    }
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return err;
    return new GotthardError(
      'GT_NOT_CONNECTED',
      `historian: PostgreSQL at ${this.where()} is unreachable: ${(err as Error).message}`,
      undefined,
      { cause: err },
    );
  }

  // ---- Sink ---------------------------------------------------------------------------------------

  write(batch: SampleBatch): void {
    if (batch.length === 0) return;
    this.pending.push(batch);
    this.accepted += batch.length;
  }

  /** Writes everything accepted so far; rejects (keeping the backlog) when the database fails. */
  async flush(): Promise<void> {
    await this.flushSerial();
    await this.refreshDiskBytes().catch(() => undefined);
  }

  private flushSerial(): Promise<void> {
    const run = this.flushChain.catch(() => undefined).then(() => this.flushAll());
    this.flushChain = run;
    return run;
  }

  private flushQuietly(): void {
    if (this.flushing > 0 || this.closed) return;
    this.flushSerial()
      .then(() => {
        if (this.lastError !== undefined) {
          this.log.info('historian writes to PostgreSQL resumed');
          this.lastError = undefined;
        }
        if (Date.now() - this.diskBytesAt > 30_000) return this.refreshDiskBytes();
      })
      .catch((err: unknown) => {
        const msg = (err as Error).message;
        // One error line per distinct failure, not one per interval during a long outage.
        if (msg !== this.lastError) {
          this.log.error(
            { err, backlog: this.backlog() },
            'historian flush to PostgreSQL failed; the backlog is kept and retried',
          );
        }
        this.lastError = msg;
      });
  }

  async close(): Promise<void> {
    if (this.pool === undefined || this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const pool = this.pool;
    try {
      await this.flushSerial();
      await this.analyzing;
    } catch (err) {
      throw new GotthardError(
        'GT_NOT_CONNECTED',
        `historian closed with ${this.backlog()} values and ${this.pendingEvents.length} events not written to PostgreSQL: ${(err as Error).message}`,
        { backlog: this.backlog() },
        { cause: err },
      );
    } finally {
      this.closed = true;
      this.pool = undefined;
      await pool.end().catch(() => undefined);
    }
  }

  private backlog(): number {
    return this.accepted - this.persisted - this.rejected;
  }

  private async flushAll(): Promise<void> {
    const pool = this.requirePool();
    this.flushing++;
    try {
      for (;;) {
        const g = this.nextGroup();
        const events = this.pendingEvents.slice();
        if (g === undefined && events.length === 0) return;
        if (g !== undefined && !this.timescale) await this.ensurePartitions(pool, new Set(g.buckets.keys()));
        await inTransaction(pool, async (c) => {
          if (g !== undefined && g.rows > 0) await this.insertGroup(c, g);
          if (events.length > 0) await this.insertEvents(c, events);
        });
        this.pendingEvents.splice(0, events.length);
        if (g !== undefined) {
          if (!this.timescale) this.noteWritten(g.buckets);
          this.persisted += g.rows;
          this.rejected += g.rejected;
          this.pending.splice(0, g.endBatch);
          this.pendingRow = g.endRow;
        }
        this.lastFlushAt = Date.now();
        if (g === undefined) return;
      }
    } finally {
      this.flushing--;
    }
  }

  /** The next up to `flushMaxValues` pending rows, validated, as column arrays. */
  private nextGroup(): Group | undefined {
    if (this.pending.length === 0) return undefined;
    const max = this.cfg.flushMaxValues;
    const interval = this.cfg.partitionIntervalMs;
    const g: Group = {
      rows: 0,
      rejected: 0,
      endBatch: 0,
      endRow: 0,
      keys: [],
      ts: [],
      serverTs: [],
      values: [],
      status: [],
      text: undefined,
      latest: new Map(),
      buckets: new Map(),
    };
    let bi = 0;
    let row = this.pendingRow;
    const problems = new Map<string, number>();
    while (bi < this.pending.length && g.rows + g.rejected < max) {
      const b = this.pending[bi] as SampleBatch;
      const end = Math.min(b.length, row + (max - g.rows - g.rejected));
      for (let i = row; i < end; i++) {
        const key = b.tagKey[i] as number;
        const ts = b.sourceTs[i] as number;
        if (!(ts >= MIN_TS && ts <= MAX_TS) || key > INT4_MAX) {
          g.rejected++;
          const why = key > INT4_MAX ? 'tag key above 2^31-1' : 'source timestamp not a storable time';
          problems.set(why, (problems.get(why) ?? 0) + 1);
          continue;
        }
        const j = g.keys.length;
        g.keys.push(key);
        g.ts.push(ts);
        const sts = b.serverTs[i] as number;
        g.serverTs.push(sts >= MIN_TS && sts <= MAX_TS ? sts : null);
        const v = b.value[i] as number;
        g.values.push(Number.isNaN(v) ? null : v);
        g.status.push((b.status[i] as number) | 0);
        const t = b.text?.get(i);
        if (t !== undefined) {
          if (g.text === undefined) g.text = new Array<string | null>(j).fill(null);
          // PostgreSQL text cannot hold U+0000 (some PLC strings are NUL-padded).
          g.text.push(t.includes('\u0000') ? t.replaceAll('\u0000', '') : t);
        } else if (g.text !== undefined) {
          g.text.push(null);
        }
        const cur = g.latest.get(key);
        if (cur === undefined || ts > (g.ts[cur] as number)) g.latest.set(key, j);
        const bucket = Math.floor(ts / interval);
        g.buckets.set(bucket, (g.buckets.get(bucket) ?? 0) + 1);
        g.rows++;
      }
      if (end >= b.length) {
        bi++;
        row = 0;
      } else {
        row = end;
      }
    }
    g.endBatch = bi;
    g.endRow = row;
    if (problems.size > 0) {
      this.log.warn({ rejected: Object.fromEntries(problems) }, 'historian rejected rows that PostgreSQL cannot store');
    }
    return g;
  }

  private async insertGroup(c: pg.PoolClient, g: Group): Promise<void> {
    const s = this.s;
    const hasText = g.text !== undefined;
    const r = await c.query(
      `WITH input AS (
        SELECT k AS tag_key, to_timestamp(t / 1000.0::float8) AS ts,
          to_timestamp(st / 1000.0::float8) AS server_ts, v AS value, s AS status, ${hasText ? 'x' : 'NULL::text'} AS text, o
        FROM unnest($1::int[], $2::float8[], $3::float8[], $4::float8[], $5::int[]${hasText ? ', $6::text[]' : ''})
          WITH ORDINALITY AS u(k, t, st, v, s${hasText ? ', x' : ''}, o)
      ), ins AS (
        INSERT INTO ${s}.sample (tag_key, ts, server_ts, value, status, text)
        SELECT tag_key, ts, server_ts, value, status, text FROM input ORDER BY tag_key, ts, o
        ON CONFLICT (tag_key, ts) DO NOTHING
        RETURNING tag_key, ts, value, status
      ), up AS (
        INSERT INTO ${s}.sample_1m AS o (${ROLLUP_COLUMNS})
        SELECT tag_key, to_timestamp(m / 1000.0::float8), t_start, t_end, n_good, n_bad, vmin, vmax, vsum,
          first, first_ts, last, last_ts, integral, dur, tail
        FROM (${rollupSelect(`SELECT tag_key, floor(${msOf('ts')} / ${MINUTE}) * ${MINUTE} AS m, ${msOf('ts')} AS ms, value, status FROM ins`)}) a
        ORDER BY tag_key, m
        ${ROLLUP_MERGE}
        RETURNING o.stale
      )
      SELECT (SELECT count(*) FROM up WHERE stale)::int AS stale`,
      [
        intArray(g.keys),
        floatArray(g.ts),
        floatArray(g.serverTs),
        floatArray(g.values),
        intArray(g.status),
        ...(hasText ? [textArray(g.text as (string | null)[])] : []),
      ],
    );
    if ((r.rows[0]?.stale as number) > 0) await this.recomputeStale(c);
    await this.upsertLatest(c, g);
  }

  /** Recomputes minutes that received late values (or lost some to retention) from `sample`. */
  private async recomputeStale(c: pg.PoolClient): Promise<void> {
    const s = this.s;
    await c.query(
      `UPDATE ${s}.sample_1m o SET t_start = a.t_start, t_end = a.t_end, n_good = a.n_good, n_bad = a.n_bad,
        vmin = a.vmin, vmax = a.vmax, vsum = a.vsum, first = a.first, first_ts = a.first_ts, last = a.last,
        last_ts = a.last_ts, integral = a.integral, dur = a.dur, tail = a.tail, stale = false
      FROM (${rollupSelect(`SELECT x.tag_key, ${msOf('st.minute')} AS m, ${msOf('x.ts')} AS ms, x.value, x.status
        FROM ${s}.sample_1m st JOIN ${s}.sample x ON x.tag_key = st.tag_key AND x.ts >= st.minute
          AND x.ts < st.minute + interval '1 minute'
        WHERE st.stale`)}) a
      WHERE o.stale AND o.tag_key = a.tag_key AND o.minute = to_timestamp(a.m / 1000.0::float8)`,
    );
    // Still stale: no rows left in the minute.
    await c.query(`DELETE FROM ${s}.sample_1m WHERE stale`);
  }

  private async upsertLatest(c: pg.PoolClient, g: Group): Promise<void> {
    const idx = [...g.latest.values()];
    const pick = <T>(a: T[]) => idx.map((i) => a[i] as T);
    await c.query(
      `INSERT INTO ${this.s}.latest AS l (tag_key, ts, server_ts, value, status, text)
      SELECT k, to_timestamp(t / 1000.0::float8), to_timestamp(st / 1000.0::float8), v, s, x
      FROM unnest($1::int[], $2::float8[], $3::float8[], $4::float8[], $5::int[], $6::text[]) AS u(k, t, st, v, s, x)
      ORDER BY k
      ON CONFLICT (tag_key) DO UPDATE SET ts = excluded.ts, server_ts = excluded.server_ts, value = excluded.value,
        status = excluded.status, text = excluded.text WHERE excluded.ts >= l.ts`,
      [
        intArray(pick(g.keys)),
        floatArray(pick(g.ts)),
        floatArray(pick(g.serverTs)),
        floatArray(pick(g.values)),
        intArray(pick(g.status)),
        textArray(g.text === undefined ? [] : pick(g.text)),
      ],
    );
  }

  private async insertEvents(c: pg.PoolClient, events: HubEvent[]): Promise<void> {
    await c.query(
      `INSERT INTO ${this.s}.event (ts, kind, severity, source, message, details)
      SELECT to_timestamp(t / 1000.0::float8), k, sv, src, m, d::jsonb
      FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(t, k, sv, src, m, d, o)
      ORDER BY o`,
      [
        floatArray(events.map((e) => e.ts)),
        textArray(events.map((e) => e.kind)),
        textArray(events.map((e) => e.severity)),
        textArray(events.map((e) => e.source ?? null)),
        textArray(events.map((e) => e.message)),
        textArray(events.map((e) => (e.details === undefined ? null : JSON.stringify(e.details)))),
      ],
    );
  }

  // ---- Partitions ---------------------------------------------------------------------------------

  /** The parts of [lo, hi) no partition covers. */
  private gaps(lo: number, hi: number): PartitionRange[] {
    const out: PartitionRange[] = [];
    let at = lo;
    for (const p of this.partitions) {
      if (p.end <= at) continue;
      if (p.start >= hi) break;
      if (p.start > at) out.push({ start: at, end: p.start });
      at = Math.max(at, p.end);
      if (at >= hi) break;
    }
    if (at < hi) out.push({ start: at, end: hi });
    return out;
  }

  /** Counts rows per partition bucket and schedules ANALYZE of the partitions past the threshold. */
  private noteWritten(buckets: ReadonlyMap<number, number>): void {
    const due: number[] = [];
    for (const [b, n] of buckets) {
      const st = this.sinceAnalyze.get(b) ?? { written: 0, base: 0 };
      st.written += n;
      this.sinceAnalyze.set(b, st);
      if (st.written >= ANALYZE_MIN_ROWS && st.written >= ANALYZE_FRACTION * st.base) {
        due.push(b);
        st.base += st.written;
        st.written = 0;
      }
    }
    if (due.length > 0) {
      this.analyzing = this.analyzing.then(() =>
        this.analyzeBuckets(due).catch((err: unknown) =>
          this.log.warn({ err }, 'ANALYZE of new partition data failed; autovacuum will analyse later'),
        ),
      );
    }
  }

  /**
   * ANALYZE of the sample and 1-minute partitions of the buckets, so the planner knows the rows a bulk
   * import or a new day brought (a partition without statistics is planned as if it were tiny).
   */
  private async analyzeBuckets(buckets: readonly number[]): Promise<void> {
    const pool = this.pool;
    if (pool === undefined || this.closed) return;
    const I = this.cfg.partitionIntervalMs;
    for (const b of buckets) {
      const r = await pool.query(`SELECT suffix FROM ${this.s}.partition WHERE start_ms < $2 AND end_ms > $1`, [
        b * I,
        (b + 1) * I,
      ]);
      for (const { suffix } of r.rows as { suffix: string }[]) {
        await pool.query(`ANALYZE ${this.s}.${ident(`sample_${suffix}`)}, ${this.s}.${ident(`sample_1m_${suffix}`)}`);
        this.log.debug({ suffix }, 'analysed partition');
      }
    }
  }

  /** Waits for scheduled ANALYZE runs (tests, and close so the pool is not ended under one). */
  async analyzed(): Promise<void> {
    await this.analyzing;
  }

  /** Creates the partitions the buckets need, plus the next one ahead of now. */
  private async ensurePartitions(pool: pg.Pool, buckets: Set<number>): Promise<void> {
    const I = this.cfg.partitionIntervalMs;
    const wanted = new Set(buckets);
    wanted.add(Math.floor(Date.now() / I) + 1);
    const missing = [...wanted].filter((b) => this.gaps(b * I, (b + 1) * I).length > 0).sort((a, b) => a - b);
    if (missing.length === 0) return;
    await inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gotthard.historian.${this.cfg.schema}`]);
      await this.loadPartitions(c); // another hub may have created some meanwhile
      for (const b of missing) {
        for (const gap of this.gaps(b * I, (b + 1) * I)) {
          const suffix = partitionSuffix(gap.start);
          const bounds = `FOR VALUES FROM (to_timestamp(${gap.start / 1000})) TO (to_timestamp(${gap.end / 1000}))`;
          await c.query(`CREATE TABLE ${this.s}.${ident(`sample_${suffix}`)} PARTITION OF ${this.s}.sample ${bounds}`);
          await c.query(
            `CREATE TABLE ${this.s}.${ident(`sample_1m_${suffix}`)} PARTITION OF ${this.s}.sample_1m ${bounds}`,
          );
          await c.query(`INSERT INTO ${this.s}.partition (start_ms, end_ms, suffix) VALUES ($1, $2, $3)`, [
            gap.start,
            gap.end,
            suffix,
          ]);
          this.partitions.push(gap);
          this.partitions.sort((x, y) => x.start - y.start);
          this.log.debug({ from: new Date(gap.start), to: new Date(gap.end) }, 'created partition');
        }
      }
    }).catch(async (err: unknown) => {
      await this.loadPartitions(pool).catch(() => undefined);
      throw err;
    });
  }

  // ---- Catalog ------------------------------------------------------------------------------------

  async upsertTags(defs: readonly TagDefinition[]): Promise<TagRecord[]> {
    this.requirePool();
    if (defs.length === 0) return [];
    const s = this.s;
    const ids = defs.map((d) => d.id);
    const keyOf = new Map<string, number>();
    // Existing tags are updated, new ones inserted in the given order; only inserts draw keys, so keys
    // stay dense. A concurrent hub inserting the same id makes ours a no-op; the loop then picks it up.
    for (let attempt = 0; attempt < 3 && keyOf.size < new Set(ids).size; attempt++) {
      const r = await this.read(
        `WITH input AS (
          SELECT DISTINCT ON (id) id, cls, def::json AS def, o FROM unnest($1::text[], $2::text[], $3::text[])
            WITH ORDINALITY AS u(id, cls, def, o) ORDER BY id, o DESC
        ), upd AS (
          UPDATE ${s}.tag t SET retention_class = i.cls, def = i.def, updated_at = now() FROM input i
          WHERE t.id = i.id RETURNING t.id, t.key
        ), ins AS (
          INSERT INTO ${s}.tag (id, retention_class, def)
          SELECT id, cls, def FROM input i WHERE NOT EXISTS (SELECT 1 FROM ${s}.tag t WHERE t.id = i.id) ORDER BY o
          ON CONFLICT (id) DO NOTHING RETURNING id, key
        )
        SELECT id, key FROM upd UNION ALL SELECT id, key FROM ins`,
        [
          textArray(ids),
          textArray(defs.map((d) => d.retentionClass ?? 'default')),
          textArray(defs.map((d) => JSON.stringify(d))),
        ],
      );
      for (const row of r.rows as { id: string; key: number }[]) keyOf.set(row.id, row.key);
    }
    const out = defs.map((def) => {
      const key = keyOf.get(def.id);
      if (key === undefined) throw new GotthardError('GT_INTERNAL', `tag '${def.id}' could not be registered`);
      return { ...def, key };
    });
    for (const rec of out) this.remember(rec);
    return out;
  }

  async register(defs: readonly TagDefinition[]): Promise<number[]> {
    return (await this.upsertTags(defs)).map((r) => r.key);
  }

  /** All tags in the shared catalog, including those other hubs registered. */
  async listTags(): Promise<TagRecord[]> {
    const r = await this.read(`SELECT key, def FROM ${this.s}.tag ORDER BY key`);
    return (r.rows as { key: number; def: TagDefinition }[]).map((row) => {
      const rec = { ...row.def, key: row.key };
      this.remember(rec);
      return rec;
    });
  }

  async getTag(id: string): Promise<TagRecord | undefined> {
    const known = this.tagsById.get(id);
    if (known !== undefined) return known;
    const r = await this.read(`SELECT key, def FROM ${this.s}.tag WHERE id = $1`, [id]);
    const row = r.rows[0] as { key: number; def: TagDefinition } | undefined;
    if (row === undefined) return undefined;
    const rec = { ...row.def, key: row.key };
    this.remember(rec);
    return rec;
  }

  // ---- Queries ------------------------------------------------------------------------------------

  async latest(tagKeys?: readonly number[]): Promise<LatestValue[]> {
    this.requirePool();
    const r = await this.read(
      `SELECT tag_key, ${msOf('ts')} AS ts, ${msOf('server_ts')} AS server_ts, value, status, text
      FROM ${this.s}.latest ${tagKeys === undefined ? '' : 'WHERE tag_key = ANY($1::int[])'} ORDER BY tag_key`,
      tagKeys === undefined ? [] : [intArray(tagKeys.filter((k) => Number.isInteger(k) && k >= 0 && k <= INT4_MAX))],
    );
    const out = new Map<number, LatestValue>();
    for (const row of r.rows as LatestRow[]) {
      out.set(row.tag_key, {
        tagKey: row.tag_key,
        ts: row.ts,
        serverTs: row.server_ts ?? Number.NaN,
        value: row.text ?? row.value,
        status: row.status >>> 0,
      });
    }
    // Accepted but not yet written values are the freshest ones.
    const wanted = tagKeys === undefined ? undefined : new Set(tagKeys);
    for (let bi = 0; bi < this.pending.length; bi++) {
      const b = this.pending[bi] as SampleBatch;
      for (let i = bi === 0 ? this.pendingRow : 0; i < b.length; i++) {
        const key = b.tagKey[i] as number;
        if (wanted !== undefined && !wanted.has(key)) continue;
        const ts = b.sourceTs[i] as number;
        const cur = out.get(key);
        if (cur !== undefined && ts < cur.ts) continue;
        out.set(key, {
          tagKey: key,
          ts,
          serverTs: b.serverTs[i] as number,
          value: b.valueAt(i),
          status: b.status[i] as number,
        });
      }
    }
    const keys = tagKeys ?? [...out.keys()].sort((a, b) => a - b);
    const list: LatestValue[] = [];
    for (const k of keys) {
      const v = out.get(k);
      if (v !== undefined) list.push(v);
    }
    return list;
  }

  async raw(q: RawQuery): Promise<RawPage> {
    this.requirePool();
    if (!(q.limit >= 1)) throw new GotthardError('GT_BAD_REQUEST', `raw query limit must be ≥ 1, got ${q.limit}`);
    const cursor = q.cursor === undefined ? undefined : parseCursor(q.cursor);
    const after = cursor === undefined ? Number.NEGATIVE_INFINITY : cursor.ts;
    const r = await this.read(rawSql(this.s), [
      q.tagKey,
      clampTs(q.from),
      clampTs(q.to),
      clampTs(after),
      Math.floor(q.limit) + 1,
    ]);
    const rows = r.rows as SampleRow[];
    const more = rows.length > q.limit;
    if (more) rows.length = Math.floor(q.limit);
    const samples: StoredSample[] = rows.map((row) => ({
      ts: row.ts,
      serverTs: row.server_ts ?? Number.NaN,
      value: row.text ?? row.value,
      status: row.status >>> 0,
    }));
    const page: RawPage = { samples };
    // (tag, ts) is unique here, so a cursor is the last timestamp; `:1` keeps the embedded engine's format.
    if (more) page.next = formatCursor((samples[samples.length - 1] as StoredSample).ts, 1);
    return page;
  }

  /**
   * Buckets computed in SQL from per-minute rollups where a minute lies wholly inside one bucket, and
   * from raw rows elsewhere (range edges, minutes cut by a bucket boundary, buckets under a minute).
   * Rollups and raw rows are pieces with the same summary columns; a piece's `tail` (its last Good
   * value) holds until the next piece starts, cut at its bucket's end: the same step-interpolated,
   * Good-only arithmetic as the embedded engine (see buckets.ts).
   */
  async aggregate(q: AggregateQuery): Promise<AggregateBucket[]> {
    this.requirePool();
    if (!(q.bucketMs > 0)) throw new GotthardError('GT_BAD_REQUEST', `bucketMs must be > 0, got ${q.bucketMs}`);
    if (!(q.to > q.from)) return [];
    const n = Math.max(0, Math.ceil((q.to - q.from) / q.bucketMs));
    if (n > MAX_BUCKETS) {
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `aggregate would return ${n} buckets (max ${MAX_BUCKETS}): use a larger bucketMs or a shorter range`,
      );
    }
    const plan = planPieces(q.from, q.to, q.bucketMs);
    const r = await this.readSorting(aggregateSql(this.s), [
      q.tagKey,
      q.from,
      q.to,
      q.bucketMs,
      plan.coreFrom,
      plan.coreTo,
      floatArray(plan.ranges.map((x) => x[0])),
      floatArray(plan.ranges.map((x) => x[1])),
      floatArray(plan.straddle),
    ]);
    const want = new Set(q.fns);
    const byBucket = new Map<number, AggRow>();
    for (const row of r.rows as AggRow[]) byBucket.set(row.b, row);
    const out: AggregateBucket[] = new Array(n);
    for (let b = 0; b < n; b++) {
      const row = byBucket.get(b);
      const c = row?.count ?? 0;
      const has = c > 0 && row !== undefined;
      const bucket: AggregateBucket = { ts: q.from + b * q.bucketMs, count: c, badCount: row?.bad ?? 0 };
      if (want.has('min')) bucket.min = has ? row.min : null;
      if (want.has('max')) bucket.max = has ? row.max : null;
      if (want.has('avg')) bucket.avg = has ? (row.sum as number) / c : null;
      if (want.has('twa')) bucket.twa = !has ? null : row.dur > 0 ? row.integral / row.dur : (row.sum as number) / c;
      if (want.has('first')) bucket.first = has ? row.first : null;
      if (want.has('last')) bucket.last = has ? row.last : null;
      bucket.firstTs = has ? row.first_ts : null;
      bucket.lastTs = has ? row.last_ts : null;
      out[b] = bucket;
    }
    return out;
  }

  // ---- Events -------------------------------------------------------------------------------------

  appendEvent(e: HubEvent): void {
    this.pendingEvents.push(e);
  }

  /** The most recent `limit` events matching the filter, newest first (pending ones are written first). */
  async events(q: { from?: number; to?: number; source?: string; limit: number }): Promise<HubEvent[]> {
    this.requirePool();
    if (this.pendingEvents.length > 0) await this.flushSerial();
    const r = await this.read(eventsSql(this.s), [
      clampTs(q.from ?? Number.NEGATIVE_INFINITY),
      clampTs(q.to ?? Number.POSITIVE_INFINITY),
      q.source ?? null,
      q.limit,
    ]);
    return (r.rows as EventRow[]).map((row) => {
      const e: HubEvent = { ts: row.ts, kind: row.kind, severity: row.severity, message: row.message };
      if (row.source !== null) e.source = row.source;
      if (row.details !== null) e.details = row.details;
      return e;
    });
  }

  // ---- Corrections ----------------------------------------------------------------------------------

  /**
   * Replaces stored values in one transaction: the rows are updated in `sample`, the minutes they
   * lie in are marked stale and recomputed from `sample` (as for late values), and `latest` follows
   * when it names a corrected row. Accepted values are flushed first so a correction is never
   * overtaken by an older value still in the write buffer. Rows with nothing stored are written new.
   */
  async correct(rows: readonly CorrectionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const pool = this.requirePool();
    await this.flush();
    const last = new Map<string, CorrectionRow>();
    for (const r of rows) last.set(`${r.tagKey}@${r.ts}`, r); // the last row for a timestamp wins
    const list = [...last.values()];
    const s = this.s;
    const updated = await inTransaction(pool, async (c) => {
      const r = await c.query(
        `WITH input AS (
          SELECT k AS tag_key, to_timestamp(t / 1000.0::float8) AS ts, to_timestamp(st / 1000.0::float8) AS server_ts,
            v AS value, x AS text, st2 AS status
          FROM unnest($1::int[], $2::float8[], $3::float8[], $4::float8[], $5::text[], $6::int[]) AS u(k, t, st, v, x, st2)
        ), upd AS (
          UPDATE ${s}.sample o SET server_ts = i.server_ts, value = i.value, text = i.text, status = i.status
          FROM input i WHERE o.tag_key = i.tag_key AND o.ts = i.ts
          RETURNING o.tag_key, o.ts, o.server_ts, o.value, o.text, o.status
        ), stale AS (
          UPDATE ${s}.sample_1m m SET stale = true
          FROM (SELECT DISTINCT tag_key, to_timestamp(floor(${msOf('ts')} / ${MINUTE}) * ${MINUTE} / 1000.0::float8) AS minute
            FROM upd) u
          WHERE m.tag_key = u.tag_key AND m.minute = u.minute
          RETURNING 1
        ), lat AS (
          UPDATE ${s}.latest l SET server_ts = u.server_ts, value = u.value, text = u.text, status = u.status
          FROM upd u WHERE l.tag_key = u.tag_key AND l.ts = u.ts
          RETURNING 1
        )
        SELECT ${msOf('ts')} AS ts, tag_key, (SELECT count(*) FROM stale)::int AS stale FROM upd`,
        [
          intArray(list.map((x) => x.tagKey)),
          floatArray(list.map((x) => x.ts)),
          floatArray(list.map((x) => x.serverTs)),
          floatArray(list.map((x) => (typeof x.value === 'number' && !Number.isNaN(x.value) ? x.value : null))),
          textArray(list.map((x) => (typeof x.value === 'string' ? x.value.replaceAll('\u0000', '') : null))),
          intArray(list.map((x) => x.status | 0)),
        ],
      );
      if (r.rows.length > 0) await this.recomputeStale(c);
      return new Set(r.rows.map((row) => `${row.tag_key as number}@${Number(row.ts)}`));
    });
    const fresh = new SampleBatch(list.length);
    for (const r of list) {
      if (updated.has(`${r.tagKey}@${r.ts}`)) continue;
      if (typeof r.value === 'string') fresh.pushText(r.tagKey, r.ts, r.serverTs, r.value, r.status);
      else fresh.push(r.tagKey, r.ts, r.serverTs, r.value ?? Number.NaN, r.status);
    }
    if (fresh.length > 0) {
      this.write(fresh);
      await this.flush();
    }
    return updated.size;
  }

  // ---- Retention ----------------------------------------------------------------------------------

  setRetention(rules: readonly RetentionRule[]): void {
    this.retention = validatedRetention(rules);
  }

  /**
   * Drops whole partitions once every retention class in use has expired them; otherwise deletes
   * expired rows per class in slices of `retentionSliceRows`, yielding between slices. A class with
   * no rule keeps everything. `deletedChunks` counts deleted rows plus dropped partitions.
   */
  async applyRetention(now = Date.now()): Promise<{ deletedChunks: number }> {
    const pool = this.requirePool();
    if (this.retention.length === 0) return { deletedChunks: 0 };
    const maxAge = new Map(this.retention.map((r) => [r.class, r.maxAgeMs]));
    const r = await pool.query(
      `SELECT retention_class AS cls, array_agg(key) AS keys FROM ${this.s}.tag GROUP BY retention_class`,
    );
    const keysOf = new Map<string, number[]>((r.rows as { cls: string; keys: number[] }[]).map((x) => [x.cls, x.keys]));
    const classes = new Set([...keysOf.keys(), 'default']);
    let deleted = 0;
    let dropped = 0;
    if ([...classes].every((c) => maxAge.has(c))) {
      const cutAll = now - Math.max(...[...classes].map((c) => maxAge.get(c) as number));
      dropped = await this.dropPartitions(pool, cutAll);
    }
    const nonDefault = [...keysOf.entries()].filter(([c]) => c !== 'default').flatMap(([, k]) => k);
    for (const cls of classes) {
      const age = maxAge.get(cls);
      if (age === undefined) continue;
      const keys = cls === 'default' ? nonDefault : (keysOf.get(cls) ?? []);
      if (cls !== 'default' && keys.length === 0) continue;
      const keyCond = cls === 'default' ? 'tag_key <> ALL($1::int[])' : 'tag_key = ANY($1::int[])';
      deleted += await this.deleteExpired(pool, keyCond, intArray(keys), now - age);
      if (this.closed) break;
    }
    if (deleted + dropped > 0) this.log.info({ deletedRows: deleted, droppedPartitions: dropped }, 'retention applied');
    return { deletedChunks: deleted + dropped };
  }

  private async dropPartitions(pool: pg.Pool, cutoff: number): Promise<number> {
    if (this.timescale) {
      let n = 0;
      for (const t of ['sample', 'sample_1m']) {
        const r = await pool.query('SELECT drop_chunks($1::regclass, older_than => to_timestamp($2::float8 / 1000))', [
          `${this.s}.${t}`,
          cutoff,
        ]);
        if (t === 'sample') n += r.rowCount ?? 0;
      }
      return n;
    }
    const expired = this.partitions.filter((p) => p.end <= cutoff);
    if (expired.length === 0) return 0;
    return inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gotthard.historian.${this.cfg.schema}`]);
      const r = await c.query(`DELETE FROM ${this.s}.partition WHERE end_ms <= $1 RETURNING suffix`, [cutoff]);
      for (const { suffix } of r.rows as { suffix: string }[]) {
        await c.query(`DROP TABLE IF EXISTS ${this.s}.${ident(`sample_${suffix}`)}`);
        await c.query(`DROP TABLE IF EXISTS ${this.s}.${ident(`sample_1m_${suffix}`)}`);
      }
      await this.loadPartitions(c);
      return r.rowCount ?? 0;
    });
  }

  private async deleteExpired(pool: pg.Pool, keyCond: string, keys: string, cutoff: number): Promise<number> {
    const s = this.s;
    const slice = this.cfg.retentionSliceRows;
    let deleted = 0;
    for (;;) {
      if (this.closed) return deleted;
      const r = await pool.query(
        `WITH v AS (SELECT tag_key, ts FROM ${s}.sample WHERE ${keyCond} AND ts < to_timestamp($2::float8 / 1000) LIMIT $3)
        DELETE FROM ${s}.sample x USING v WHERE x.tag_key = v.tag_key AND x.ts = v.ts`,
        [keys, cutoff, slice],
      );
      deleted += r.rowCount ?? 0;
      if ((r.rowCount ?? 0) < slice) break;
    }
    // Rollups: whole expired minutes go; the minute holding the cut-off is recomputed.
    const cutMinute = Math.floor(cutoff / MINUTE) * MINUTE;
    for (;;) {
      if (this.closed) return deleted;
      const r = await pool.query(
        `WITH v AS (SELECT tag_key, minute FROM ${s}.sample_1m WHERE ${keyCond}
          AND minute < to_timestamp($2::float8 / 1000) LIMIT $3)
        DELETE FROM ${s}.sample_1m x USING v WHERE x.tag_key = v.tag_key AND x.minute = v.minute`,
        [keys, cutMinute, slice],
      );
      if ((r.rowCount ?? 0) < slice) break;
    }
    await inTransaction(pool, async (c) => {
      const r = await c.query(
        `UPDATE ${s}.sample_1m SET stale = true WHERE ${keyCond} AND minute = to_timestamp($2::float8 / 1000)`,
        [keys, cutMinute],
      );
      if ((r.rowCount ?? 0) > 0) await this.recomputeStale(c);
    });
    return deleted;
  }

  // ---- Stats --------------------------------------------------------------------------------------

  private async refreshDiskBytes(): Promise<void> {
    if (this.pool === undefined || this.closed) return;
    const r = await this.pool.query(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS bytes FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [this.cfg.schema],
    );
    this.diskBytes = (r.rows[0]?.bytes as number | undefined) ?? 0;
    this.diskBytesAt = Date.now();
  }

  /**
   * `diskBytes` is the size of the schema's tables and indexes, refreshed by `flush()` and every 30 s.
   * `backlog` = accepted − persisted − rejected (rows PostgreSQL cannot store, see `rejectedValues`).
   */
  stats(): HistorianStats {
    const st: HistorianStats = {
      accepted: this.accepted,
      persisted: this.persisted,
      backlog: this.backlog(),
      diskBytes: this.diskBytes,
    };
    if (this.lastFlushAt !== undefined) st.lastFlushAt = this.lastFlushAt;
    if (this.lastError !== undefined) Object.assign(st, { lastError: this.lastError });
    return st;
  }

  /** Rows dropped because PostgreSQL cannot store them (time outside timestamptz, key above int4). */
  get rejectedValues(): number {
    return this.rejected;
  }
}

interface SampleRow {
  ts: number;
  server_ts: number | null;
  value: number | null;
  status: number;
  text: string | null;
}

interface LatestRow extends SampleRow {
  tag_key: number;
}

interface AggRow {
  b: number;
  count: number;
  bad: number;
  min: number | null;
  max: number | null;
  sum: number | null;
  first: number | null;
  first_ts: number | null;
  last: number | null;
  last_ts: number | null;
  integral: number;
  dur: number;
}

interface EventRow {
  ts: number;
  kind: string;
  severity: HubEvent['severity'];
  source: string | null;
  message: string;
  details: Record<string, unknown> | null;
}

/** The aggregate query; parameters: tag, from, to, bucketMs, coreFrom, coreTo, raw lo[], raw hi[], cut minutes[]. */
export function aggregateSql(s: string): string {
  return `WITH pieces AS (
        SELECT t_start, t_end, n_good, n_bad, vmin, vmax, vsum, first, first_ts, last, last_ts, integral, dur, tail
        FROM ${s}.sample_1m
        WHERE tag_key = $1 AND minute >= to_timestamp($5::float8 / 1000) AND minute < to_timestamp($6::float8 / 1000)
          AND minute NOT IN (SELECT to_timestamp(x / 1000) FROM unnest($9::float8[]) AS x)
        UNION ALL
        SELECT ms, ms, (g AND value IS NOT NULL)::int, (NOT g)::int, gv, gv, gv, gv,
          CASE WHEN gv IS NULL THEN NULL ELSE ms END, gv, CASE WHEN gv IS NULL THEN NULL ELSE ms END, 0, 0, gv
        FROM (
          SELECT ${msOf('x.ts')} AS ms, x.value, g, CASE WHEN g THEN x.value END AS gv
          FROM unnest($7::float8[], $8::float8[]) AS rg(lo, hi)
          CROSS JOIN LATERAL (
            SELECT ts, value, (status & ${GOOD_MASK}) = 0 AS g FROM ${s}.sample
            WHERE tag_key = $1 AND ts >= to_timestamp(rg.lo / 1000) AND ts < to_timestamp(rg.hi / 1000)
            OFFSET 0 -- keeps this an index range scan per range (no flattening into a join filter)
          ) x
        ) raw
      ), pb AS (
        SELECT *, floor((t_start - $2::float8) / $4::float8) AS b FROM pieces
      ), w AS (
        -- b grows with t_start, so ordering by (b, t_start) is time order and also feeds GROUP BY b unsorted.
        SELECT *, lead(t_start) OVER (ORDER BY b, t_start) AS nxt FROM pb
      ), w2 AS (
        SELECT *, CASE WHEN tail IS NULL THEN 0 ELSE greatest(
          least(coalesce(nxt, $3::float8), $2::float8 + (b + 1) * $4::float8, $3::float8) - t_end, 0) END AS tdt
        FROM w
      )
      SELECT b::int AS b, sum(n_good)::int AS count, sum(n_bad)::int AS bad, min(vmin) AS min, max(vmax) AS max,
        sum(vsum) AS sum,
        (array_agg(first ORDER BY t_start) FILTER (WHERE first_ts IS NOT NULL))[1] AS first, min(first_ts) AS first_ts,
        (array_agg(last ORDER BY t_start DESC) FILTER (WHERE last_ts IS NOT NULL))[1] AS last, max(last_ts) AS last_ts,
        sum(integral) + coalesce(sum(tail * tdt) FILTER (WHERE tail IS NOT NULL), 0) AS integral,
        sum(dur) + coalesce(sum(tdt) FILTER (WHERE tail IS NOT NULL), 0) AS dur
      FROM w2 GROUP BY b ORDER BY b`;
}

/**
 * Where rollup minutes can stand in for raw rows: inside the minute-aligned core of [from, to), for
 * buckets of at least a minute, except the minutes a bucket boundary cuts; raw ranges cover the rest.
 */
export function planPieces(
  from: number,
  to: number,
  bucketMs: number,
): { coreFrom: number; coreTo: number; straddle: number[]; ranges: [number, number][] } {
  const coreFrom = Math.ceil(from / MINUTE) * MINUTE;
  const coreTo = Math.floor(to / MINUTE) * MINUTE;
  if (bucketMs < MINUTE || coreTo <= coreFrom) {
    return { coreFrom: 0, coreTo: 0, straddle: [], ranges: [[clampTs(from), clampTs(to)]] };
  }
  const straddle: number[] = [];
  for (let k = Math.max(1, Math.ceil((coreFrom - from) / bucketMs)); ; k++) {
    const x = from + k * bucketMs;
    if (x >= coreTo) break;
    if (x > coreFrom && ((x % MINUTE) + MINUTE) % MINUTE !== 0) straddle.push(Math.floor(x / MINUTE) * MINUTE);
  }
  const ranges: [number, number][] = [];
  if (from < coreFrom) ranges.push([from, coreFrom]);
  for (const m of straddle) ranges.push([m, m + MINUTE]);
  if (coreTo < to) ranges.push([coreTo, clampTs(to)]);
  return { coreFrom, coreTo, straddle, ranges };
}

/** Times outside timestamptz's range become ±Infinity, which PostgreSQL maps to ±infinity. */
function clampTs(ms: number): number {
  if (ms > MAX_TS) return Number.POSITIVE_INFINITY;
  if (ms < MIN_TS) return Number.NEGATIVE_INFINITY;
  return ms;
}

/** Partition table suffix from its start: `p20260101_0000` (UTC). */
function partitionSuffix(start: number): string {
  const d = new Date(start);
  const y = d.getUTCFullYear();
  if (y < 1000 || y > 9999) return `p${start < 0 ? 'm' : ''}${Math.abs(start)}`;
  const iso = d.toISOString(); // 2026-01-01T00:00:00.000Z
  return `p${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

function formatCursor(ts: number, skip: number): string {
  return Buffer.from(`${ts}:${skip}`).toString('base64url');
}

function parseCursor(cursor: string): { ts: number; skip: number } {
  const [a, b] = Buffer.from(cursor, 'base64url').toString().split(':');
  const ts = Number(a);
  const skip = Number(b);
  if (a === undefined || b === undefined || !Number.isFinite(ts) || !Number.isInteger(skip) || skip < 0) {
    throw new GotthardError('GT_BAD_REQUEST', 'invalid raw cursor: pass the `next` value of the previous page as is');
  }
  return { ts, skip };
}

export function createPostgresHistorian(opts: PostgresHistorianOptions): PostgresHistorian {
  return new PostgresHistorian(opts);
}
