import { statSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { type Logger, pino } from 'pino';
import { GotthardError } from '../errors.js';
import { SampleBatch } from '../model/sample.js';
import type { TagDefinition, TagRecord } from '../model/tag.js';
import type { HubEvent } from '../pipeline/types.js';
import { BucketAccumulator } from './buckets.js';
import { type ChunkSummary, decodeChunk, encodeChunk, summarize } from './chunkCodec.js';
import { type Columns, emptyColumns, lowerBound, mergeColumns, RowArena } from './columns.js';
import { type SqliteHistorianConfig, type SqliteHistorianOptions, sqliteHistorianOptionsSchema } from './options.js';
import { validatedRetention } from './retention.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { TagStates } from './tagStates.js';
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
} from './types.js';
import { decodeWal, encodeWal } from './walCodec.js';

/** Largest number of buckets one aggregate query may ask for. */
const MAX_BUCKETS = 100_000;

interface OpenGeneration {
  gen: number;
  /** The generation's rows; a slot's owner is a `TagStates` index. */
  rows: RowArena;
  startedAt: number;
}

interface SealingGeneration {
  gen: number;
  rows: RowArena;
  /** Next slot (tag) to seal, and the next row within it. */
  index: number;
  offset: number;
  /** The rows of slot `index` in time order, kept while a slice stops inside them. */
  current: Columns | undefined;
  startedAt: number;
}

interface ChunkRow {
  id: number;
  t_start: number;
  t_end: number;
  n: number;
  n_good: number;
  n_bad: number;
  vmin: number | null;
  vmax: number | null;
  vsum: number | null;
  first: number | null;
  first_ts: number | null;
  last: number | null;
  last_ts: number | null;
  integral: number | null;
  dur: number | null;
  tail: number | null;
}

/** A piece of one tag's series: a stored chunk (decoded on demand) or an in-memory buffer. */
interface Segment {
  tStart: number;
  tEnd: number;
  chunk?: ChunkRow;
  cols?: Columns;
}

interface EventRow {
  ts: number;
  kind: string;
  severity: HubEvent['severity'];
  source: string | null;
  message: string;
  details: string | null;
}

type Db = Database.Database;
type Stmt = Database.Statement;

/**
 * The embedded historian: one SQLite file for catalog, events, staging and chunks.
 *
 * Write path: `write` keeps a reference to the batch. Every `flushIntervalMs` the accepted batches are
 * encoded into one staging (`wal`) row — one insert per interval, not per value — and appended to
 * the open generation's in-memory rows (one `RowArena` for all tags, each tag's rows linked). When
 * the generation holds `sealValues` values or is `sealAgeMs` old, it is sealed: encoded per tag into
 * compressed chunks, a slice per event-loop tick, and the staging rows of that generation are deleted
 * in the transaction of the last chunk. Queries merge chunks with the rows being sealed and the open
 * rows. See docs/historian.md.
 */
export class SqliteHistorian implements Historian {
  readonly name = 'historian';
  private readonly cfg: SqliteHistorianConfig;
  private readonly log: Logger;
  private db: Db | undefined;
  private st!: {
    insertWal: Stmt;
    insertEvent: Stmt;
    insertChunk: Stmt;
    upsertLatest: Stmt;
    deleteWalUpTo: Stmt;
    setMeta: Stmt;
    chunksInRange: Stmt;
    chunkBody: Stmt;
    upsertTag: Stmt;
  };
  private readonly tagsById = new Map<string, TagRecord>();
  private readonly tagsByKey = new Map<number, TagRecord>();
  private readonly tags = new TagStates();
  /** When the current loop turn's read slice began, and the promise of the next turn (readSlicer). */
  private readTurnStart = 0;
  private nextReadTurn: Promise<void> | undefined;
  private pending: SampleBatch[] = [];
  private pendingValues = 0;
  private pendingEvents: HubEvent[] = [];
  private openGen: OpenGeneration = { gen: 1, rows: new RowArena(), startedAt: Date.now() };
  /** Reused by the sealer for each tag's rows of the sealing generation. */
  private readonly sealScratch: Columns = emptyColumns(1024);
  private sealing: SealingGeneration | undefined;
  private retention: RetentionRule[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private accepted = 0;
  private persisted = 0;
  private lastFlushAt: number | undefined;
  /** Set while flushes fail; cleared by the first one that succeeds. */
  private writeFailure: { since: number; message: string; failures: number; retryAt: number } | undefined;

  constructor(opts: SqliteHistorianOptions) {
    const { logger, ...rest } = opts;
    const parsed = sqliteHistorianOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      throw new GotthardError('GT_CONFIG_INVALID', `historian options invalid: ${parsed.error.message}`);
    }
    this.cfg = Object.freeze(parsed.data);
    this.log = logger ?? pino({ enabled: false });
  }

  async open(): Promise<void> {
    if (this.db) return;
    const db = new Database(this.cfg.path);
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)`).run(SCHEMA_VERSION);
    this.st = {
      insertWal: db.prepare('INSERT INTO wal (gen, body) VALUES (?, ?)'),
      insertEvent: db.prepare(
        'INSERT INTO event (ts, kind, severity, source, message, details) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertChunk: db.prepare(`INSERT INTO chunk (tag_key, t_start, t_end, gen, n, n_good, n_bad, vmin, vmax, vsum,
        first, first_ts, last, last_ts, integral, dur, tail, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      upsertLatest:
        db.prepare(`INSERT INTO latest (tag_key, ts, server_ts, value, status, text) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (tag_key) DO UPDATE SET ts = excluded.ts, server_ts = excluded.server_ts, value = excluded.value,
        status = excluded.status, text = excluded.text WHERE excluded.ts >= latest.ts`),
      deleteWalUpTo: db.prepare('DELETE FROM wal WHERE gen <= ?'),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      chunksInRange: db.prepare(`SELECT id, t_start, t_end, n, n_good, n_bad, vmin, vmax, vsum, first, first_ts, last,
        last_ts, integral, dur, tail FROM chunk WHERE tag_key = ? AND t_start < ? AND t_end >= ? AND gen <> ?
        ORDER BY t_start, id`),
      chunkBody: db.prepare('SELECT body FROM chunk WHERE id = ?').pluck(),
      upsertTag: db
        .prepare(`INSERT INTO tag (id, retention_class, def, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET retention_class = excluded.retention_class, def = excluded.def,
        updated_at = excluded.updated_at RETURNING key`)
        .pluck(),
    };
    this.recover(db);
    this.timer = setInterval(() => this.flushQuietly(), this.cfg.flushIntervalMs);
    this.timer.unref();
  }

  /** Loads the catalog and latest values, drops chunks of unfinished seals and replays the staging. */
  private recover(db: Db): void {
    for (const row of db.prepare('SELECT key, def FROM tag').all() as { key: number; def: string }[]) {
      const rec = tagRecord(JSON.parse(row.def) as TagDefinition, row.key);
      this.tagsById.set(rec.id, rec);
      this.tagsByKey.set(rec.key, rec);
    }
    const minWalGen = db.prepare('SELECT MIN(gen) FROM wal').pluck().get() as number | null;
    if (minWalGen !== null) {
      const dropped = db.prepare('DELETE FROM chunk WHERE gen >= ?').run(minWalGen).changes;
      if (dropped > 0) this.log.info({ dropped }, 'dropped chunks of an unfinished seal; replaying staging instead');
    }
    const metaGen = (db.prepare(`SELECT value FROM meta WHERE key = 'gen'`).pluck().get() as number | undefined) ?? 0;
    const walGen = (db.prepare('SELECT MAX(gen) FROM wal').pluck().get() as number | null) ?? 0;
    const chunkGen = (db.prepare('SELECT MAX(gen) FROM chunk').pluck().get() as number | null) ?? 0;
    const gen = Math.max(metaGen, walGen, chunkGen) + 1;
    this.st.setMeta.run('gen', gen);
    this.openGen = { gen, rows: new RowArena(), startedAt: Date.now() };

    const latestRows = db.prepare('SELECT tag_key, ts, server_ts, value, status, text FROM latest').all() as {
      tag_key: number;
      ts: number;
      server_ts: number;
      value: number | null;
      status: number;
      text: string | null;
    }[];
    for (const r of latestRows) {
      const i = this.tags.indexOf(r.tag_key);
      this.tags.offerLatest(i, r.ts, r.server_ts, r.value ?? Number.NaN, r.status, r.text ?? undefined);
    }
    let rows = 0;
    let values = 0;
    for (const row of db.prepare('SELECT body FROM wal ORDER BY seq').pluck().iterate() as Iterable<Uint8Array>) {
      for (const batch of decodeWal(row)) {
        this.append(batch);
        values += batch.length;
      }
      rows++;
    }
    if (rows > 0) this.log.info({ rows, values, gen }, 'replayed staging rows');
  }

  private requireDb(): Db {
    if (this.db === undefined || this.closed) {
      throw new GotthardError('GT_HISTORIAN_CLOSED', 'historian is not open: call open() first (or it was closed)');
    }
    return this.db;
  }

  // ---- Sink ---------------------------------------------------------------------------------------

  write(batch: SampleBatch): void {
    if (batch.length === 0) return;
    this.pending.push(batch);
    this.pendingValues += batch.length;
    this.accepted += batch.length;
  }

  async flush(): Promise<void> {
    this.flushNow();
  }

  async close(): Promise<void> {
    if (this.db === undefined || this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.flushNow();
    } finally {
      this.closed = true;
      this.sealing = undefined;
      this.db.close();
      this.db = undefined;
    }
  }

  private flushQuietly(): void {
    const f = this.writeFailure;
    if (f !== undefined && Date.now() < f.retryAt) return;
    try {
      this.flushNow();
    } catch (err) {
      this.onWriteFailed(err as Error);
    }
  }

  /**
   * A failed flush keeps every accepted batch in `pending` (nothing is dropped) and is retried with
   * a backoff up to 5 s, so a long outage does not re-encode the whole backlog every interval. The
   * first failure of an episode is logged as an error and recorded as an event (written with the
   * backlog once writes succeed again); `stats().lastError` says what is wrong meanwhile.
   */
  private onWriteFailed(err: Error): void {
    const code = (err as { code?: string }).code;
    const cause =
      code === 'SQLITE_FULL'
        ? `the disk holding ${this.cfg.path} is full (SQLITE_FULL)`
        : `cannot write ${this.cfg.path}: ${err.message}${code ? ` (${code})` : ''}`;
    const message = `historian writes fail: ${cause}; ${this.pendingValues} accepted values are kept in memory and retried — free space or fix the file system, collection resumes by itself`;
    const now = Date.now();
    const f = this.writeFailure;
    const failures = (f?.failures ?? 0) + 1;
    const retryAt = now + Math.min(5000, this.cfg.flushIntervalMs * 2 ** Math.min(failures - 1, 10));
    this.writeFailure = { since: f?.since ?? now, message, failures, retryAt };
    if (f === undefined) {
      this.log.error({ err, backlog: this.pendingValues, code }, message);
      this.pendingEvents.push({
        ts: now,
        kind: 'historian.write-failed',
        severity: 'error',
        message,
        details: { code: code ?? null, path: this.cfg.path },
      });
    } else {
      this.log.debug({ err: err.message, backlog: this.pendingValues, failures }, 'historian flush failed again');
    }
  }

  private onWriteResumed(): void {
    const f = this.writeFailure;
    if (f === undefined) return;
    this.writeFailure = undefined;
    const failedForMs = Date.now() - f.since;
    const message = `historian writes resumed after ${failedForMs} ms; the backlog was written`;
    this.log.info({ failedForMs, failures: f.failures }, message);
    this.pendingEvents.push({
      ts: Date.now(),
      kind: 'historian.write-resumed',
      severity: 'info',
      message,
      details: { failedForMs, failures: f.failures },
    });
  }

  /** Writes everything accepted so far as one staging row (plus pending events) in one transaction. */
  private flushNow(): void {
    const db = this.requireDb();
    if (this.pending.length === 0 && this.pendingEvents.length === 0) {
      this.maybeSeal();
      return;
    }
    const batches = this.pending;
    const events = this.pendingEvents;
    const values = this.pendingValues;
    const body = batches.length > 0 ? encodeWal(batches) : undefined;
    const gen = this.openGen.gen;
    db.transaction(() => {
      if (body !== undefined) this.st.insertWal.run(gen, body);
      for (const e of events) this.insertEvent(e);
    })();
    this.pending = [];
    this.pendingValues = 0;
    this.pendingEvents = [];
    this.persisted += values;
    this.lastFlushAt = Date.now();
    this.onWriteResumed();
    for (const b of batches) this.append(b);
    this.maybeSeal();
  }

  private insertEvent(e: HubEvent): void {
    this.st.insertEvent.run(
      e.ts,
      e.kind,
      e.severity,
      e.source ?? null,
      e.message,
      e.details === undefined ? null : JSON.stringify(e.details),
    );
  }

  /**
   * Appends a durable batch to the open generation's buffers, idempotent on (tag, source timestamp):
   * a row whose tag already holds a value at that source timestamp is dropped, the first one stays
   * (as in the PostgreSQL historian). A row newer than everything stored for its tag — the normal
   * stream — costs one comparison; only rows not newer (redelivery, back-fill, an import run twice)
   * look up the stored timestamps of their range (`lateRows`). Replaying the staging after a crash
   * repeats the same decisions, so recovery keeps the same rows.
   */
  private append(b: SampleBatch): void {
    const rows = this.openGen.rows;
    const tags = this.tags;
    const text = b.text;
    let lastKey = -1;
    let t = -1;
    let appended = 0;
    for (let i = 0; i < b.length; i++) {
      const key = b.tagKey[i] as number;
      if (key !== lastKey) {
        t = tags.indexOf(key);
        lastKey = key;
      }
      const ts = b.sourceTs[i] as number;
      if (tags.hasLatest[t] === 1 && !(ts > (tags.latestTs[t] as number))) {
        // The rest of the batch goes the careful way.
        appended += this.appendLate(b, i);
        break;
      }
      this.pushRow(rows, t, ts, b, i, text === undefined ? undefined : text.get(i));
      appended++;
    }
    if (appended < b.length) {
      this.log.debug({ dropped: b.length - appended }, 'rows already stored at their source timestamp were dropped');
    }
  }

  /** Appends row `i` of the batch to tag `t` (a `TagStates` index) in the open generation. */
  private pushRow(rows: RowArena, t: number, ts: number, b: SampleBatch, i: number, text: string | undefined) {
    const tags = this.tags;
    let slot = tags.open[t] as number;
    if (slot < 0) {
      slot = rows.addSlot(t);
      tags.open[t] = slot;
    }
    const sts = b.serverTs[i] as number;
    const v = b.value[i] as number;
    const st = b.status[i] as number;
    rows.push(slot, ts, sts, v, st, text);
    if (ts >= (tags.latestTs[t] as number)) tags.offerLatest(t, ts, sts, v, st, text);
  }

  /**
   * Rows `from`… of a batch that holds rows not newer than their tag's newest stored value. Per tag,
   * the source timestamps stored in the batch's time range of that tag (chunks, sealing and open
   * buffers) are collected once; rows found there are dropped. Returns the number appended.
   */
  private appendLate(b: SampleBatch, from: number): number {
    const range = new Map<number, { lo: number; hi: number; seen?: Set<number> }>();
    for (let i = from; i < b.length; i++) {
      const key = b.tagKey[i] as number;
      const ts = b.sourceTs[i] as number;
      const r = range.get(key);
      if (r === undefined) range.set(key, { lo: ts, hi: ts });
      else {
        if (ts < r.lo) r.lo = ts;
        if (ts > r.hi) r.hi = ts;
      }
    }
    const rows = this.openGen.rows;
    const tags = this.tags;
    const text = b.text;
    let appended = 0;
    for (let i = from; i < b.length; i++) {
      const key = b.tagKey[i] as number;
      const t = tags.indexOf(key);
      const ts = b.sourceTs[i] as number;
      const r = range.get(key) as { lo: number; hi: number; seen?: Set<number> };
      if (tags.hasLatest[t] === 1 && !(ts > (tags.latestTs[t] as number))) {
        r.seen ??= this.storedTimestamps(key, r.lo, r.hi);
        // (Not `ts === latestTs` alone: after a crash mid-seal `latest` may name a row whose chunk
        // recovery dropped and whose staging row is being replayed now.)
        if (r.seen.has(ts)) continue;
      }
      r.seen?.add(ts);
      this.pushRow(rows, t, ts, b, i, text === undefined ? undefined : text.get(i));
      appended++;
    }
    return appended;
  }

  /** Source timestamps the tag holds in [lo, hi]: stored chunks, the sealing and the open buffer. */
  private storedTimestamps(key: number, lo: number, hi: number): Set<number> {
    const seen = new Set<number>();
    for (const group of this.groups(key, lo, hi + 1)) {
      for (const seg of group) {
        const c = this.loadSegment(seg);
        for (let i = 0; i < c.n; i++) {
          const ts = c.ts[i] as number;
          if (ts >= lo && ts <= hi) seen.add(ts);
        }
      }
    }
    return seen;
  }

  // ---- Corrections ----------------------------------------------------------------------------------

  /**
   * Replaces stored values in place. Everything in memory is sealed first, so each stored value lives
   * in exactly one chunk and no staging row can replay an old value over a correction after a crash;
   * then, in one transaction, each touched chunk is decoded, changed, re-summarised and re-encoded,
   * and `latest` follows when the tag's newest row changed. Rows with nothing stored are written new.
   */
  async correct(rows: readonly CorrectionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    this.requireDb();
    // Live values keep arriving while the seal awaits; a few rounds leave the buffers empty. The
    // rewrite below is synchronous, so nothing can slip in between the last check and the commit.
    for (let round = 0; ; round++) {
      await this.sealNow();
      if (this.pending.length === 0 && this.openGen.rows.rows === 0 && this.sealing === undefined) break;
      if (round >= 20) {
        throw new GotthardError(
          'GT_CONFLICT',
          'the historian could not settle its write buffers for a correction (values keep arriving); try again',
        );
      }
    }
    const db = this.requireDb();
    const byTag = new Map<number, Map<number, CorrectionRow>>();
    for (const r of rows) {
      const m = byTag.get(r.tagKey) ?? new Map<number, CorrectionRow>();
      byTag.set(r.tagKey, m);
      m.set(r.ts, r); // the last row for a timestamp wins
    }
    const chunksOf = db.prepare(
      'SELECT id, body FROM chunk WHERE tag_key = ? AND t_start <= ? AND t_end >= ? ORDER BY t_start, id',
    );
    const updateChunk = db.prepare(`UPDATE chunk SET n = ?, n_good = ?, n_bad = ?, vmin = ?, vmax = ?, vsum = ?,
      first = ?, first_ts = ?, last = ?, last_ts = ?, integral = ?, dur = ?, tail = ?, body = ? WHERE id = ?`);
    const fresh = new SampleBatch(rows.length);
    let replaced = 0;
    db.transaction(() => {
      for (const [key, m] of byTag) {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (const ts of m.keys()) {
          if (ts < lo) lo = ts;
          if (ts > hi) hi = ts;
        }
        const found = new Set<number>();
        for (const ch of chunksOf.all(key, hi, lo) as { id: number; body: Uint8Array }[]) {
          const c = decodeChunk(ch.body);
          let changed = false;
          for (let i = 0; i < c.n; i++) {
            const r = m.get(c.ts[i] as number);
            if (r === undefined) continue;
            c.serverTs[i] = r.serverTs;
            c.status[i] = r.status >>> 0;
            if (typeof r.value === 'string') {
              c.value[i] = Number.NaN;
              c.text ??= new Map();
              c.text.set(i, r.value);
            } else {
              c.value[i] = r.value ?? Number.NaN;
              c.text?.delete(i);
            }
            found.add(r.ts);
            changed = true;
            replaced++;
          }
          if (!changed) continue;
          const sum = summarize(c, 0, c.n);
          updateChunk.run(
            sum.n,
            sum.nGood,
            sum.nBad,
            nullIfNaN(sum.min),
            nullIfNaN(sum.max),
            sum.nGood > 0 ? sum.sum : null,
            nullIfNaN(sum.first),
            nullIfNaN(sum.firstTs),
            nullIfNaN(sum.last),
            nullIfNaN(sum.lastTs),
            sum.integral,
            sum.dur,
            nullIfNaN(sum.tail),
            encodeChunk(c, 0, c.n, this.cfg.compression),
            ch.id,
          );
        }
        const t = this.tags.indexOf(key);
        for (const r of m.values()) {
          if (!found.has(r.ts)) {
            if (typeof r.value === 'string') fresh.pushText(key, r.ts, r.serverTs, r.value, r.status);
            else fresh.push(key, r.ts, r.serverTs, r.value ?? Number.NaN, r.status);
          } else if (this.tags.hasLatest[t] === 1 && this.tags.latestTs[t] === r.ts) {
            const v = typeof r.value === 'number' ? r.value : Number.NaN;
            const text = typeof r.value === 'string' ? r.value : undefined;
            this.tags.offerLatest(t, r.ts, r.serverTs, v, r.status, text);
            this.st.upsertLatest.run(key, r.ts, r.serverTs, nullIfNaN(v), r.status, text ?? null);
          }
        }
      }
    })();
    if (fresh.length > 0) {
      this.write(fresh);
      this.flushNow();
    }
    return replaced;
  }

  // ---- Sealing ------------------------------------------------------------------------------------

  private maybeSeal(): void {
    if (this.sealing !== undefined || this.closed) return;
    const g = this.openGen;
    if (g.rows.rows === 0) return;
    if (g.rows.rows < this.cfg.sealValues && Date.now() - g.startedAt < this.cfg.sealAgeMs) return;
    this.startSeal();
  }

  /** Switches generation: the open buffers become the sealing ones, new values go to new buffers. */
  private startSeal(): void {
    const g = this.openGen;
    const tags = this.tags;
    for (let slot = 0; slot < g.rows.slots; slot++) {
      const t = g.rows.owner[slot] as number;
      tags.sealing[t] = slot;
      tags.open[t] = -1;
    }
    this.sealing = { gen: g.gen, rows: g.rows, index: 0, offset: 0, current: undefined, startedAt: Date.now() };
    // Sized like the generation it follows: growing from 1024 rows by doubling copied ≈ 2× every row
    // of every generation again.
    this.openGen = {
      gen: g.gen + 1,
      rows: new RowArena(Math.ceil(g.rows.rows * 1.05), Math.ceil(g.rows.slots * 1.05)),
      startedAt: Date.now(),
    };
    this.log.debug({ gen: g.gen, values: g.rows.rows, tags: g.rows.slots }, 'sealing generation');
    setImmediate(() => this.sealStep());
  }

  /** Encodes one slice of the sealing generation into chunks; the last slice also drops its staging rows. */
  private sealStep(): void {
    const s = this.sealing;
    if (s === undefined || this.closed || this.db === undefined) return;
    try {
      const done = this.sealSlice(this.db, s);
      if (done) {
        for (let slot = 0; slot < s.rows.slots; slot++) this.tags.sealing[s.rows.owner[slot] as number] = -1;
        this.sealing = undefined;
        this.log.debug({ gen: s.gen, ms: Date.now() - s.startedAt }, 'sealed generation');
        this.maybeSeal();
      } else {
        setImmediate(() => this.sealStep());
      }
    } catch (err) {
      this.log.error({ err, gen: s.gen }, 'sealing failed; staging rows are kept, retrying in 1 s');
      setTimeout(() => this.sealStep(), 1000).unref();
    }
  }

  /** Returns true when the generation is complete. */
  private sealSlice(db: Db, s: SealingGeneration): boolean {
    const chunks: { key: number; sum: ChunkSummary; body: Uint8Array }[] = [];
    const latest: { key: number; ts: number; serverTs: number; value: number; status: number; text: string | null }[] =
      [];
    const scratch = this.sealScratch;
    let budget = this.cfg.sealSliceValues;
    let index = s.index;
    let offset = s.offset;
    let current = s.current;
    while (index < s.rows.slots && budget > 0) {
      const key = this.tags.key[s.rows.owner[index] as number] as number;
      // Copied into the sealer's scratch columns: encoded at once, nothing keeps them but `current`.
      const c = current ?? s.rows.columns(index, scratch);
      current = c;
      // Even chunk sizes: 1025 values become 513 + 512, not 1024 + 1.
      const pieces = Math.ceil(c.n / this.cfg.chunkMaxValues);
      const size = Math.ceil(c.n / pieces);
      while (offset < c.n && budget > 0) {
        const end = Math.min(c.n, offset + size);
        chunks.push({
          key,
          sum: summarize(c, offset, end),
          body: encodeChunk(c, offset, end, this.cfg.compression),
        });
        budget -= end - offset;
        offset = end;
      }
      if (offset >= c.n) {
        const i = c.n - 1;
        latest.push({
          key,
          ts: c.ts[i] as number,
          serverTs: c.serverTs[i] as number,
          value: c.value[i] as number,
          status: c.status[i] as number,
          text: c.text?.get(i) ?? null,
        });
        index++;
        offset = 0;
        current = undefined;
      }
    }
    const done = index >= s.rows.slots;
    db.transaction(() => {
      for (const { key, sum, body } of chunks) {
        this.st.insertChunk.run(
          key,
          sum.tStart,
          sum.tEnd,
          s.gen,
          sum.n,
          sum.nGood,
          sum.nBad,
          nullIfNaN(sum.min),
          nullIfNaN(sum.max),
          sum.nGood > 0 ? sum.sum : null,
          nullIfNaN(sum.first),
          nullIfNaN(sum.firstTs),
          nullIfNaN(sum.last),
          nullIfNaN(sum.lastTs),
          sum.integral,
          sum.dur,
          nullIfNaN(sum.tail),
          body,
        );
      }
      for (const l of latest) {
        this.st.upsertLatest.run(l.key, l.ts, l.serverTs, nullIfNaN(l.value), l.status, l.text);
      }
      if (done) {
        this.st.deleteWalUpTo.run(s.gen);
        this.st.setMeta.run('gen', s.gen);
      }
    })();
    s.index = index;
    s.offset = offset;
    s.current = current;
    return done;
  }

  /** Seals everything in memory now and waits until it is in chunks (tests, benchmarks, shutdown tools). */
  async sealNow(): Promise<void> {
    this.flushNow();
    while (this.sealing !== undefined) await new Promise((r) => setTimeout(r, 1));
    if (this.openGen.rows.rows > 0) this.startSeal();
    while (this.sealing !== undefined) await new Promise((r) => setTimeout(r, 1));
  }

  // ---- Catalog ------------------------------------------------------------------------------------

  async upsertTags(defs: readonly TagDefinition[]): Promise<TagRecord[]> {
    const db = this.requireDb();
    const now = Date.now();
    const out: TagRecord[] = db.transaction(() =>
      defs.map((def) => {
        const key = this.st.upsertTag.get(def.id, def.retentionClass ?? 'default', JSON.stringify(def), now);
        return tagRecord(def, key as number);
      }),
    )();
    for (const rec of out) {
      this.tagsById.set(rec.id, rec);
      this.tagsByKey.set(rec.key, rec);
    }
    return out;
  }

  async register(defs: readonly TagDefinition[]): Promise<number[]> {
    return (await this.upsertTags(defs)).map((r) => r.key);
  }

  async listTags(): Promise<TagRecord[]> {
    return [...this.tagsByKey.values()].sort((a, b) => a.key - b.key);
  }

  async getTag(id: string): Promise<TagRecord | undefined> {
    return this.tagsById.get(id);
  }

  // ---- Queries ------------------------------------------------------------------------------------

  async latest(tagKeys?: readonly number[]): Promise<LatestValue[]> {
    this.requireDb();
    // Values accepted but not yet flushed are the freshest; they are not durable yet, so they are
    // looked at here without touching the durable state.
    const fresh = new Map<number, LatestValue>();
    for (const b of this.pending) {
      for (let i = 0; i < b.length; i++) {
        const key = b.tagKey[i] as number;
        const ts = b.sourceTs[i] as number;
        const cur = fresh.get(key);
        if (cur !== undefined && ts < cur.ts) continue;
        fresh.set(key, {
          tagKey: key,
          ts,
          serverTs: b.serverTs[i] as number,
          value: b.valueAt(i),
          status: b.status[i] as number,
        });
      }
    }
    const tags = this.tags;
    const keys = tagKeys ?? [...new Set([...tags.keys(), ...fresh.keys()])].sort((a, b) => a - b);
    const out: LatestValue[] = [];
    for (const key of keys) {
      const t = tags.find(key);
      const f = fresh.get(key);
      if (t >= 0 && tags.hasLatest[t] === 1 && (f === undefined || (tags.latestTs[t] as number) > f.ts)) {
        const v = tags.latestValue[t] as number;
        out.push({
          tagKey: key,
          ts: tags.latestTs[t] as number,
          serverTs: tags.latestServerTs[t] as number,
          value: tags.latestText.get(t) ?? (!Number.isNaN(v) ? v : null),
          status: tags.latestStatus[t] as number,
        });
      } else if (f !== undefined) {
        out.push(f);
      }
    }
    return out;
  }

  async raw(q: RawQuery): Promise<RawPage> {
    this.requireDb();
    if (!(q.limit >= 1)) throw new GotthardError('GT_BAD_REQUEST', `raw query limit must be ≥ 1, got ${q.limit}`);
    const cursor = q.cursor === undefined ? undefined : parseCursor(q.cursor);
    const from = cursor === undefined ? q.from : Math.max(q.from, cursor.ts);
    const samples: StoredSample[] = [];
    let skip = cursor !== undefined && cursor.ts >= q.from ? cursor.skip : 0;
    let more = false;
    const slice = this.readSlicer();
    // Every query is a yield point, also one over an empty range: a caller that chains many small
    // queries (the KPI engine over years without data) otherwise ran them all in microtasks, and the
    // loop — collection — waited for the whole chain (39 s in the read-storm case).
    await slice();
    outer: for (const group of this.groups(q.tagKey, from, q.to)) {
      await slice();
      const c = this.load(group);
      for (let i = lowerBound(c, from); i < c.n; i++) {
        // A group can be large (unsealed rows in memory, overlapping chunks); its columns are a copy.
        if ((i & 8191) === 8191) await slice();
        const ts = c.ts[i] as number;
        if (ts >= q.to) break;
        if (skip > 0 && ts === cursor?.ts) {
          skip--;
          continue;
        }
        if (samples.length === q.limit) {
          more = true;
          break outer;
        }
        const v = c.value[i] as number;
        samples.push({
          ts,
          serverTs: c.serverTs[i] as number,
          value: c.text?.get(i) ?? (!Number.isNaN(v) ? v : null),
          status: c.status[i] as number,
        });
      }
    }
    const page: RawPage = { samples };
    if (more) {
      const lastTs = (samples[samples.length - 1] as StoredSample).ts;
      let same = 0;
      for (let i = samples.length - 1; i >= 0 && (samples[i] as StoredSample).ts === lastTs; i--) same++;
      if (cursor !== undefined && cursor.ts === lastTs && cursor.ts >= q.from) same += cursor.skip;
      page.next = formatCursor(lastTs, same);
    }
    return page;
  }

  async aggregate(q: AggregateQuery): Promise<AggregateBucket[]> {
    this.requireDb();
    if (!(q.bucketMs > 0)) throw new GotthardError('GT_BAD_REQUEST', `bucketMs must be > 0, got ${q.bucketMs}`);
    if (!(q.to > q.from)) return [];
    const acc = new BucketAccumulator(q.from, q.to, q.bucketMs);
    if (acc.n > MAX_BUCKETS) {
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `aggregate would return ${acc.n} buckets (max ${MAX_BUCKETS}): use a larger bucketMs or a shorter range`,
      );
    }
    const slice = this.readSlicer();
    await slice();
    for (const group of this.groups(q.tagKey, q.from, q.to)) {
      await slice();
      const only = group.length === 1 ? group[0] : undefined;
      if (only?.chunk !== undefined && only.tStart >= q.from && only.tEnd < q.to) {
        const b = acc.bucketOf(only.tStart);
        if (b === acc.bucketOf(only.tEnd)) {
          acc.addSummary(summaryOf(only.chunk), b);
          continue;
        }
      }
      const c = this.load(group);
      for (let i = lowerBound(c, q.from); i < c.n; i++) {
        if ((i & 8191) === 8191) await slice();
        const ts = c.ts[i] as number;
        if (ts >= q.to) break;
        acc.add(ts, c.value[i] as number, c.status[i] as number);
      }
    }
    return acc.result(q.fns);
  }

  /**
   * Called between chunk groups of a query: gives the event loop back after `readSliceMs` of read work
   * in one loop turn, however many queries run (better-sqlite3 is synchronous and sources, pipeline
   * and writer share the loop), and cancels the
   * query past `readTimeoutMs`. The groups are a snapshot taken before the first yield (chunk ids and
   * copies of the in-memory rows), so a seal in between changes nothing the query sees.
   */
  private readSlicer(): () => Promise<void> {
    const start = performance.now();
    return async () => {
      for (;;) {
        const t = performance.now();
        // Room left in this loop turn's read budget (shared by every query of this historian).
        if (t - this.readTurnStart < this.cfg.readSliceMs) return;
        if (t - start > this.cfg.readTimeoutMs) {
          throw new GotthardError(
            'GT_READ_TIMEOUT',
            `historian: the query ran longer than its budget of ${this.cfg.readTimeoutMs} ms (historian option readTimeoutMs, default 30 s) and was cancelled; ask for a shorter range or fewer tags`,
          );
        }
        // The turn is used up, by this query or another: all wait for the next turn, and then the
        // first to resume gets its slice while the others see the new turn used up and wait again.
        // (Each query yielding on its own let 16 concurrent queries run 16 slices back to back.)
        this.nextReadTurn ??= new Promise<void>((resolve) =>
          setImmediate(() => {
            this.nextReadTurn = undefined;
            this.readTurnStart = performance.now();
            resolve();
          }),
        );
        await this.nextReadTurn;
        this.requireDb();
      }
    };
  }

  /**
   * The tag's segments that intersect [from, to), in time order, grouped so that segments whose time
   * spans overlap (late or back-filled data) are merged into one sorted series.
   */
  private groups(tagKey: number, from: number, to: number): Segment[][] {
    const segs: Segment[] = [];
    const rows = this.st.chunksInRange.all(tagKey, to, from, this.sealing?.gen ?? -1) as ChunkRow[];
    for (const r of rows) segs.push({ tStart: r.t_start, tEnd: r.t_end, chunk: r });
    const t = this.tags.find(tagKey);
    const inMemory: [RowArena | undefined, number][] =
      t < 0
        ? []
        : [
            [this.sealing?.rows, this.tags.sealing[t] as number],
            [this.openGen.rows, this.tags.open[t] as number],
          ];
    for (const [rows, slot] of inMemory) {
      if (rows === undefined || slot < 0 || rows.rowsOf(slot) === 0) continue;
      const c = rows.columns(slot);
      const tStart = c.ts[0] as number;
      const tEnd = c.ts[c.n - 1] as number;
      if (tEnd >= from && tStart < to) segs.push({ tStart, tEnd, cols: c });
    }
    segs.sort((a, b) => a.tStart - b.tStart);
    const groups: Segment[][] = [];
    let end = Number.NEGATIVE_INFINITY;
    for (const s of segs) {
      const g = groups[groups.length - 1];
      if (g !== undefined && s.tStart < end) g.push(s);
      else groups.push([s]);
      if (s.tEnd > end) end = s.tEnd;
    }
    return groups;
  }

  private load(group: Segment[]): Columns {
    if (group.length === 1) return this.loadSegment(group[0] as Segment);
    return mergeColumns(group.map((s) => this.loadSegment(s)));
  }

  private loadSegment(s: Segment): Columns {
    if (s.cols !== undefined) return s.cols;
    const body = this.st.chunkBody.get((s.chunk as ChunkRow).id) as Uint8Array | undefined;
    if (body === undefined) throw new GotthardError('GT_INTERNAL', 'chunk vanished during a query');
    return decodeChunk(body);
  }

  // ---- Events -------------------------------------------------------------------------------------

  appendEvent(e: HubEvent): void {
    this.pendingEvents.push(e);
  }

  /** The most recent `limit` events matching the filter, newest first. */
  async events(q: { from?: number; to?: number; source?: string; limit: number }): Promise<HubEvent[]> {
    const db = this.requireDb();
    if (this.pendingEvents.length > 0) {
      const events = this.pendingEvents;
      this.pendingEvents = [];
      db.transaction(() => {
        for (const e of events) this.insertEvent(e);
      })();
    }
    const rows = db
      .prepare(`SELECT ts, kind, severity, source, message, details FROM event
        WHERE ts >= ? AND ts < ? AND (? IS NULL OR source = ?) ORDER BY ts DESC, id DESC LIMIT ?`)
      .all(
        q.from ?? Number.NEGATIVE_INFINITY,
        q.to ?? Number.POSITIVE_INFINITY,
        q.source ?? null,
        q.source ?? null,
        q.limit,
      ) as EventRow[];
    return rows.map((r) => {
      const e: HubEvent = { ts: r.ts, kind: r.kind, severity: r.severity, message: r.message };
      if (r.source !== null) e.source = r.source;
      if (r.details !== null) e.details = JSON.parse(r.details) as Record<string, unknown>;
      return e;
    });
  }

  // ---- Retention ----------------------------------------------------------------------------------

  setRetention(rules: readonly RetentionRule[]): void {
    this.retention = validatedRetention(rules);
  }

  /**
   * Deletes whole chunks whose newest value is older than the tag's retention class allows. Values
   * still in memory (not yet sealed) are dropped when their chunks expire on a later run.
   */
  async applyRetention(now = Date.now()): Promise<{ deletedChunks: number }> {
    const db = this.requireDb();
    if (this.retention.length === 0) return { deletedChunks: 0 };
    const maxAge = new Map(this.retention.map((r) => [r.class, r.maxAgeMs]));
    const keys = db.prepare('SELECT DISTINCT tag_key FROM chunk').pluck().all() as number[];
    const del = db.prepare(
      'DELETE FROM chunk WHERE id IN (SELECT id FROM chunk WHERE tag_key = ? AND t_start < ? AND t_end < ? LIMIT ?)',
    );
    const slice = this.cfg.retentionSliceChunks;
    let deleted = 0;
    let sinceYield = 0;
    for (const key of keys) {
      const age = maxAge.get(this.tagsByKey.get(key)?.retentionClass ?? 'default');
      if (age === undefined) continue;
      const cutoff = now - age;
      for (;;) {
        if (this.closed) return { deletedChunks: deleted };
        const n = del.run(key, cutoff, cutoff, slice).changes;
        deleted += n;
        sinceYield += n + 1;
        if (sinceYield >= slice) {
          sinceYield = 0;
          await yieldToLoop();
        }
        if (n < slice) break;
      }
    }
    if (deleted > 0) this.log.info({ deletedChunks: deleted }, 'retention dropped expired chunks');
    return { deletedChunks: deleted };
  }

  // ---- Stats --------------------------------------------------------------------------------------

  stats(): HistorianStats {
    let diskBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        diskBytes += statSync(this.cfg.path + suffix).size;
      } catch {
        // The -wal file is absent after a clean close.
      }
    }
    const s: HistorianStats = {
      accepted: this.accepted,
      persisted: this.persisted,
      backlog: this.accepted - this.persisted,
      diskBytes,
    };
    if (this.lastFlushAt !== undefined) s.lastFlushAt = this.lastFlushAt;
    if (this.writeFailure !== undefined) s.lastError = this.writeFailure.message;
    return s;
  }
}

/**
 * The catalog's copy of a definition plus its key. Built with Object.assign, not `{ ...def, key }`:
 * V8 gives every object made by spread-then-add a hidden class of its own (measured: 993 maps for
 * 1000 records), which cost ≈ 10 MB of descriptors at 60k tags; this way records share a few.
 */
function tagRecord(def: TagDefinition, key: number): TagRecord {
  return Object.assign({}, def, { key });
}

function nullIfNaN(v: number): number | null {
  return !Number.isNaN(v) ? v : null;
}

function summaryOf(r: ChunkRow): ChunkSummary {
  return {
    tStart: r.t_start,
    tEnd: r.t_end,
    n: r.n,
    nGood: r.n_good,
    nBad: r.n_bad,
    min: r.vmin ?? Number.NaN,
    max: r.vmax ?? Number.NaN,
    sum: r.vsum ?? 0,
    first: r.first ?? Number.NaN,
    firstTs: r.first_ts ?? Number.NaN,
    last: r.last ?? Number.NaN,
    lastTs: r.last_ts ?? Number.NaN,
    integral: r.integral ?? 0,
    dur: r.dur ?? 0,
    tail: r.tail ?? Number.NaN,
  };
}

/** Cursor: the last returned timestamp and how many rows at exactly that timestamp were returned. */
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

export function createSqliteHistorian(opts: SqliteHistorianOptions): SqliteHistorian {
  return new SqliteHistorian(opts);
}
