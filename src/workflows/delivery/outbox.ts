import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export const ENTRY_STATES = ['pending', 'delivered', 'dead', 'discarded'] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

/** What an entry asks a connector to do (stored as JSON). */
export type EntryPayload =
  | { type: 'workorder'; change: import('../types.js').WorkOrderChange; withheldTagIds: string[] }
  | { type: 'action'; action: import('../types.js').OutboundAction; tagIds: string[] };

export interface NewEntry {
  connector: string;
  idempotencyKey: string;
  /** Entries of one group reach the connector in order (e.g. all changes of one work order). */
  group: string;
  asset?: string;
  summary: string;
  payload: EntryPayload;
}

export interface OutboxEntry extends NewEntry {
  id: number;
  state: EntryState;
  /** Attempts started so far (counted before each call, so a crash mid-call is visible as uncertain). */
  attempts: number;
  createdAt: number;
  nextAt: number;
  updatedAt: number;
  lastError?: string;
  externalId?: string;
}

interface Row {
  id: number;
  connector: string;
  idem_key: string;
  grp: string;
  asset: string | null;
  summary: string;
  payload: string;
  state: EntryState;
  attempts: number;
  created_at: number;
  next_at: number;
  updated_at: number;
  last_error: string | null;
  external_id: string | null;
}

function toEntry(r: Row): OutboxEntry {
  const e: OutboxEntry = {
    id: r.id,
    connector: r.connector,
    idempotencyKey: r.idem_key,
    group: r.grp,
    summary: r.summary,
    payload: JSON.parse(r.payload) as EntryPayload,
    state: r.state,
    attempts: r.attempts,
    createdAt: r.created_at,
    nextAt: r.next_at,
    updatedAt: r.updated_at,
  };
  if (r.asset !== null) e.asset = r.asset;
  if (r.last_error !== null) e.lastError = r.last_error;
  if (r.external_id !== null) e.externalId = r.external_id;
  return e;
}

export interface ConnectorCounters {
  /** Entries ever stored (pending or straight into the dead letters); a repeated idempotency key is not counted. */
  appended: number;
  delivered: number;
  discarded: number;
}

export interface ConnectorBacklog {
  pending: number;
  dead: number;
  oldestPendingAt?: number;
}

/**
 * The delivery outbox: one SQLite file (WAL, synchronous FULL, so an entry is on disk when `add`
 * returns). An entry is unique per (connector, idempotency key): enqueuing the same key twice keeps
 * one. Entries stay after delivery for `keepDelivered`, so a late duplicate is still recognised.
 * The file also remembers external ids (e.g. SAP notification numbers) and the MACs of inbound
 * requests seen recently (replay protection that survives a restart).
 */
export class DeliveryOutbox {
  private readonly db: Database.Database;
  private readonly stmts;
  private closed = false;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        connector TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        grp TEXT NOT NULL,
        asset TEXT,
        summary TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        next_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        last_error TEXT,
        external_id TEXT,
        UNIQUE (connector, idem_key)
      );
      CREATE INDEX IF NOT EXISTS entries_due ON entries (state, next_at);
      CREATE INDEX IF NOT EXISTS entries_group ON entries (connector, grp, id);
      CREATE TABLE IF NOT EXISTS external_ids (
        connector TEXT NOT NULL,
        work_order TEXT NOT NULL,
        external_id TEXT NOT NULL,
        PRIMARY KEY (connector, work_order)
      );
      CREATE TABLE IF NOT EXISTS inbound_seen (mac TEXT PRIMARY KEY, at REAL NOT NULL);
    `);
    // Totals per connector kept with the entries, in the same statements, so health counts agree
    // across restarts and pruning (appended = delivered + pending + dead + discarded). A file from
    // before the table existed starts from the entries it still holds.
    const hadCounters = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'counters'`).get();
    if (!hadCounters) {
      db.transaction(() => {
        db.exec(`CREATE TABLE counters (
          connector TEXT PRIMARY KEY,
          appended INTEGER NOT NULL DEFAULT 0,
          delivered INTEGER NOT NULL DEFAULT 0,
          discarded INTEGER NOT NULL DEFAULT 0
        )`);
        db.exec(`INSERT INTO counters (connector, appended, delivered, discarded)
          SELECT connector, COUNT(*), SUM(state = 'delivered'), SUM(state = 'discarded') FROM entries GROUP BY connector`);
      })();
    }
    this.db = db;
    this.stmts = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO entries (connector, idem_key, grp, asset, summary, payload, state, attempts, created_at, next_at, updated_at, last_error)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
      ),
      byKey: db.prepare('SELECT * FROM entries WHERE connector = ? AND idem_key = ?'),
      byId: db.prepare('SELECT * FROM entries WHERE id = ?'),
      // Oldest due entry per group only: a later change of a work order waits for the earlier one,
      // also while the earlier one sits in the dead letters.
      due: db.prepare(
        `SELECT * FROM entries e WHERE e.connector = ? AND e.state = 'pending' AND e.next_at <= ?
           AND NOT EXISTS (SELECT 1 FROM entries p WHERE p.connector = e.connector AND p.grp = e.grp
                           AND p.id < e.id AND p.state IN ('pending', 'dead'))
         ORDER BY e.id LIMIT ?`,
      ),
      // Entries blocked behind an earlier one of their group are not due, whatever their next_at.
      nextDue: db.prepare(
        `SELECT MIN(e.next_at) AS t FROM entries e WHERE e.connector = ? AND e.state = 'pending'
           AND NOT EXISTS (SELECT 1 FROM entries p WHERE p.connector = e.connector AND p.grp = e.grp
                           AND p.id < e.id AND p.state IN ('pending', 'dead'))`,
      ),
      begin: db.prepare('UPDATE entries SET attempts = attempts + 1, updated_at = ? WHERE id = ?'),
      delivered: db.prepare(
        `UPDATE entries SET state = 'delivered', updated_at = ?, last_error = NULL, external_id = COALESCE(?, external_id) WHERE id = ?`,
      ),
      retry: db.prepare(`UPDATE entries SET next_at = ?, updated_at = ?, last_error = ? WHERE id = ?`),
      postpone: db.prepare(`UPDATE entries SET next_at = ? WHERE connector = ? AND state = 'pending' AND next_at <= ?`),
      dead: db.prepare(`UPDATE entries SET state = 'dead', updated_at = ?, last_error = ? WHERE id = ?`),
      revive: db.prepare(
        `UPDATE entries SET state = 'pending', attempts = 0, next_at = ?, created_at = ?, updated_at = ? WHERE id = ? AND state = 'dead'`,
      ),
      discard: db.prepare(`UPDATE entries SET state = 'discarded', updated_at = ? WHERE id = ? AND state = 'dead'`),
      list: db.prepare('SELECT * FROM entries WHERE state = ? ORDER BY id LIMIT ?'),
      listConnector: db.prepare('SELECT * FROM entries WHERE state = ? AND connector = ? ORDER BY id LIMIT ?'),
      backlog: db.prepare(
        `SELECT connector, SUM(state = 'pending') AS pending, SUM(state = 'dead') AS dead,
                MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest
         FROM entries WHERE state IN ('pending', 'dead') GROUP BY connector`,
      ),
      pendingOf: db.prepare(`SELECT COUNT(*) AS n FROM entries WHERE connector = ? AND state = 'pending'`),
      countAppended: db.prepare(
        `INSERT INTO counters (connector, appended) VALUES (?, 1)
         ON CONFLICT (connector) DO UPDATE SET appended = appended + 1`,
      ),
      countDelivered: db.prepare(`UPDATE counters SET delivered = delivered + 1 WHERE connector = ?`),
      countDiscarded: db.prepare(`UPDATE counters SET discarded = discarded + 1 WHERE connector = ?`),
      counters: db.prepare('SELECT connector, appended, delivered, discarded FROM counters'),
      prune: db.prepare(`DELETE FROM entries WHERE state IN ('delivered', 'discarded') AND updated_at < ?`),
      getExt: db.prepare('SELECT external_id AS id FROM external_ids WHERE connector = ? AND work_order = ?'),
      setExt: db.prepare(
        'INSERT INTO external_ids (connector, work_order, external_id) VALUES (?, ?, ?) ON CONFLICT (connector, work_order) DO UPDATE SET external_id = excluded.external_id',
      ),
      findExt: db.prepare('SELECT work_order AS wo FROM external_ids WHERE connector = ? AND external_id = ?'),
      seen: db.prepare('INSERT OR IGNORE INTO inbound_seen (mac, at) VALUES (?, ?)'),
      pruneSeen: db.prepare('DELETE FROM inbound_seen WHERE at < ?'),
    };
  }

  /**
   * Stores an entry (durable on return). `state` is `pending`, or `dead` when it must not go out
   * (refused by governance, outbox full) but must not be lost either. A repeated idempotency key
   * returns the existing entry with `duplicate: true`.
   */
  add(
    e: NewEntry,
    now: number,
    state: 'pending' | 'dead' = 'pending',
    error?: string,
  ): { entry: OutboxEntry; duplicate: boolean } {
    const r = this.db.transaction(() => {
      const ins = this.stmts.insert.run(
        e.connector,
        e.idempotencyKey,
        e.group,
        e.asset ?? null,
        e.summary,
        JSON.stringify(e.payload),
        state,
        now,
        now,
        now,
        error ?? null,
      );
      if (ins.changes === 1) this.stmts.countAppended.run(e.connector);
      return ins;
    })();
    const row = this.stmts.byKey.get(e.connector, e.idempotencyKey) as Row;
    return { entry: toEntry(row), duplicate: r.changes === 0 };
  }

  get(id: number): OutboxEntry | undefined {
    const r = this.stmts.byId.get(id) as Row | undefined;
    return r ? toEntry(r) : undefined;
  }

  due(connector: string, now: number, limit: number): OutboxEntry[] {
    return (this.stmts.due.all(connector, now, limit) as Row[]).map(toEntry);
  }

  /** Earliest `nextAt` of a pending entry of `connector` that is not blocked behind its group, or undefined. */
  nextDueAt(connector: string): number | undefined {
    if (this.closed) return undefined;
    return (this.stmts.nextDue.get(connector) as { t: number | null }).t ?? undefined;
  }

  beginAttempt(id: number, now: number): void {
    this.stmts.begin.run(now, id);
  }

  markDelivered(id: number, connector: string, now: number, externalId?: string): void {
    this.db.transaction(() => {
      if (this.stmts.delivered.run(now, externalId ?? null, id).changes === 1) this.stmts.countDelivered.run(connector);
    })();
  }

  markRetry(id: number, nextAt: number, now: number, error: string): void {
    this.stmts.retry.run(nextAt, now, error, id);
  }

  /** Every pending entry of `connector` due by `now` waits until `until` (the connector is failing). */
  postpone(connector: string, now: number, until: number): void {
    this.stmts.postpone.run(until, connector, now);
  }

  markDead(id: number, now: number, error: string): void {
    this.stmts.dead.run(now, error, id);
  }

  /** Dead letter → pending, attempts and age reset, due now. False when `id` is not a dead letter. */
  revive(id: number, now: number): boolean {
    return this.stmts.revive.run(now, now, now, id).changes === 1;
  }

  discard(id: number, connector: string, now: number): boolean {
    return this.db.transaction(() => {
      const done = this.stmts.discard.run(now, id).changes === 1;
      if (done) this.stmts.countDiscarded.run(connector);
      return done;
    })();
  }

  /** Totals per connector since the file was created (they survive restarts and pruning). */
  counters(): Map<string, ConnectorCounters> {
    const out = new Map<string, ConnectorCounters>();
    if (this.closed) return out;
    for (const r of this.stmts.counters.all() as ({ connector: string } & ConnectorCounters)[]) {
      out.set(r.connector, { appended: r.appended, delivered: r.delivered, discarded: r.discarded });
    }
    return out;
  }

  list(state: EntryState, limit = 500, connector?: string): OutboxEntry[] {
    const rows = connector ? this.stmts.listConnector.all(state, connector, limit) : this.stmts.list.all(state, limit);
    return (rows as Row[]).map(toEntry);
  }

  backlog(): Map<string, ConnectorBacklog> {
    const out = new Map<string, ConnectorBacklog>();
    if (this.closed) return out;
    for (const r of this.stmts.backlog.all() as {
      connector: string;
      pending: number;
      dead: number;
      oldest: number | null;
    }[]) {
      const b: ConnectorBacklog = { pending: r.pending, dead: r.dead };
      if (r.oldest !== null) b.oldestPendingAt = r.oldest;
      out.set(r.connector, b);
    }
    return out;
  }

  pendingCount(connector: string): number {
    return (this.stmts.pendingOf.get(connector) as { n: number }).n;
  }

  prune(before: number): number {
    return this.stmts.prune.run(before).changes;
  }

  externalId(connector: string, workOrderId: string): string | undefined {
    return (this.stmts.getExt.get(connector, workOrderId) as { id: string } | undefined)?.id;
  }

  setExternalId(connector: string, workOrderId: string, externalId: string): void {
    this.stmts.setExt.run(connector, workOrderId, externalId);
  }

  workOrderOf(connector: string, externalId: string): string | undefined {
    return (this.stmts.findExt.get(connector, externalId) as { wo: string } | undefined)?.wo;
  }

  /** Records an inbound MAC; false when it was already seen (a replay). Forgets MACs older than `keepMs`. */
  firstSighting(mac: string, now: number, keepMs: number): boolean {
    this.stmts.pruneSeen.run(now - keepMs);
    return this.stmts.seen.run(mac, now).changes === 1;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
