import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { OverflowPolicy } from './config.js';

/** One value on its way to a peer, addressed by its tag id (the UNS path), not by a hub-local key. */
export interface OutboxRow {
  tag: string;
  sourceTs: number;
  serverTs: number;
  /** Number (booleans as 1/0), or null for "no value" (e.g. a gap marker) or a string value in `text`. */
  value: number | null;
  text?: string | undefined;
  status: number;
}

/** A row as stored: `seq` is its position in the queue, strictly increasing in append order. */
export interface QueuedRow extends OutboxRow {
  seq: number;
}

export interface OutboxStats {
  /** Values waiting for the peer's acknowledgement. */
  queued: number;
  maxRows: number;
  overflow: OverflowPolicy;
  appended: number;
  delivered: number;
  /** Values discarded by the overflow policy since open. */
  dropped: number;
  /** Source timestamp of the oldest queued value. */
  oldestSourceTs?: number;
  diskBytes: number;
}

export interface OutboxOptions {
  path: string;
  maxRows: number;
  overflow: OverflowPolicy;
  logger: Logger;
  /** Called (at most every 10 s) when the bound discards values; the sink turns it into a hub event. */
  onOverflow?: (dropped: number, totalDropped: number) => void;
}

/**
 * A disk-backed FIFO of values (store-and-forward). `append` writes in one transaction; rows stay
 * until `ack` removes them, so a crash or an outage of the peer loses nothing that was appended.
 * Order is the append order (`seq`), hence in order per tag. The size bound applies an explicit
 * overflow policy, counted and reported — never silently.
 */
export class Outbox {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly selectAfter: Database.Statement;
  private readonly deleteOne: Database.Statement;
  private readonly deleteOldest: Database.Statement;
  private readonly appendTx: (rows: readonly OutboxRow[]) => void;
  private readonly ackTx: (seqs: readonly number[]) => void;
  private count: number;
  private appended = 0;
  private delivered = 0;
  private dropped = 0;
  private droppedSinceReport = 0;
  private lastReportAt = 0;
  private closed = false;

  constructor(private readonly opts: OutboxOptions) {
    mkdirSync(dirname(opts.path), { recursive: true });
    const db = new Database(opts.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      tag TEXT NOT NULL,
      source_ts REAL NOT NULL,
      server_ts REAL NOT NULL,
      value REAL,
      text TEXT,
      status INTEGER NOT NULL
    )`);
    this.db = db;
    this.insert = db.prepare(
      'INSERT INTO outbox (tag, source_ts, server_ts, value, text, status) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectAfter = db.prepare(
      'SELECT seq, tag, source_ts AS sourceTs, server_ts AS serverTs, value, text, status FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    this.deleteOne = db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.deleteOldest = db.prepare('DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)');
    this.count = (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    if (this.count > 0) opts.logger.info({ queued: this.count, path: opts.path }, 'outbox holds values from before');
    this.appendTx = db.transaction((rows: readonly OutboxRow[]) => {
      for (const r of rows) {
        this.insert.run(r.tag, r.sourceTs, r.serverTs, r.value, r.text ?? null, r.status >>> 0);
      }
    });
    this.ackTx = db.transaction((seqs: readonly number[]) => {
      let n = 0;
      for (const s of seqs) n += this.deleteOne.run(s).changes;
      this.count -= n;
      this.delivered += n;
    });
  }

  /** Appends rows, applying the overflow policy; returns how many were taken and how many were discarded. */
  append(rows: readonly OutboxRow[]): { accepted: number; dropped: number } {
    if (this.closed || rows.length === 0) return { accepted: 0, dropped: 0 };
    const max = this.opts.maxRows;
    let take = rows;
    let dropped = 0;
    if (this.count + rows.length > max) {
      if (this.opts.overflow === 'dropNewest') {
        const room = Math.max(0, max - this.count);
        take = rows.slice(0, room);
        dropped = rows.length - room;
      } else {
        const excess = this.count + rows.length - max;
        const fromQueue = Math.min(excess, this.count);
        if (fromQueue > 0) this.count -= this.deleteOldest.run(fromQueue).changes;
        // A single batch larger than the bound keeps only its newest rows.
        if (rows.length > max) take = rows.slice(rows.length - max);
        dropped = fromQueue + (rows.length - take.length);
      }
    }
    this.appendTx(take);
    this.count += take.length;
    this.appended += take.length;
    if (dropped > 0) this.noteDropped(dropped);
    return { accepted: take.length, dropped };
  }

  /** Up to `limit` rows after `afterSeq`, oldest first. */
  peek(afterSeq: number, limit: number): QueuedRow[] {
    if (this.closed) return [];
    const rows = this.selectAfter.all(afterSeq, limit) as (Omit<QueuedRow, 'text'> & { text: string | null })[];
    return rows.map((r) => (r.text === null ? { ...r, text: undefined } : (r as QueuedRow)));
  }

  /** Removes delivered rows (the peer acknowledged them). Unknown seqs (already dropped) are ignored. */
  ack(seqs: readonly number[]): void {
    if (this.closed || seqs.length === 0) return;
    this.ackTx(seqs);
  }

  /** The seq of the newest queued row (0 when empty). */
  lastSeq(): number {
    if (this.closed) return 0;
    return (this.db.prepare('SELECT MAX(seq) AS s FROM outbox').get() as { s: number | null }).s ?? 0;
  }

  get queued(): number {
    return this.count;
  }

  stats(): OutboxStats {
    const oldest = this.closed
      ? undefined
      : (this.db.prepare('SELECT source_ts AS ts FROM outbox ORDER BY seq LIMIT 1').get() as
          | { ts: number }
          | undefined);
    let diskBytes = 0;
    for (const f of [this.opts.path, `${this.opts.path}-wal`]) {
      try {
        diskBytes += statSync(f).size;
      } catch {
        // no WAL file yet
      }
    }
    return {
      queued: this.count,
      maxRows: this.opts.maxRows,
      overflow: this.opts.overflow,
      appended: this.appended,
      delivered: this.delivered,
      dropped: this.dropped,
      oldestSourceTs: oldest?.ts,
      diskBytes,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private noteDropped(n: number): void {
    this.dropped += n;
    this.droppedSinceReport += n;
    const now = Date.now();
    if (now - this.lastReportAt >= 10_000) {
      this.lastReportAt = now;
      const since = this.droppedSinceReport;
      this.droppedSinceReport = 0;
      this.opts.logger.warn(
        { dropped: since, totalDropped: this.dropped, policy: this.opts.overflow, maxRows: this.opts.maxRows },
        'outbox full: values discarded by the overflow policy; raise outbox.maxRows or restore the peer',
      );
      this.opts.onOverflow?.(since, this.dropped);
    }
  }
}
