import Database from 'better-sqlite3';
import type { WorkOrder, WorkOrderChange } from './types.js';

/**
 * The workflows store: one SQLite file (`<dataDir>/workflows.db`) with
 * - `rule_version`: every version of every rule (config imports and API edits), never overwritten;
 * - `work_order` and `work_order_history`: the work orders and every change to them;
 * - `schedule_entry`: the production schedule entered through the API (downtime windows, runs).
 */
export interface RuleVersion {
  id: string;
  version: number;
  /** The rule as validated (zod output), or null when this version deletes it. */
  definition: unknown;
  source: 'config' | 'api';
  actor: string;
  ts: number;
}

export interface ScheduleEntry {
  id: number;
  kind: 'downtime' | 'production';
  name: string;
  start: number;
  end: number;
  assets: string[];
}

export interface HistoryRow {
  ts: number;
  kind: WorkOrderChange['kind'];
  actor: string;
  status: WorkOrder['status'];
  note?: string;
  revision: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rule_version (
  id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT, source TEXT NOT NULL, actor TEXT NOT NULL,
  ts INTEGER NOT NULL, PRIMARY KEY (id, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS work_order (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, asset TEXT NOT NULL, failure_mode TEXT NOT NULL,
  status TEXT NOT NULL, body TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS work_order_open ON work_order (asset, failure_mode, status);
CREATE TABLE IF NOT EXISTS work_order_history (
  id TEXT NOT NULL, revision INTEGER NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
  status TEXT NOT NULL, note TEXT, PRIMARY KEY (id, revision)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schedule_entry (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, name TEXT NOT NULL, start INTEGER NOT NULL,
  end INTEGER NOT NULL, assets TEXT NOT NULL);
`;

/** Work-order fields kept beside the shared `WorkOrder` shape: what to do when the job starts and is done. */
export interface WorkOrderExtra {
  onComplete?: { method: string; args: unknown[] };
  onStart?: { method: string; args: unknown[] };
}

export class WorkflowStore {
  private readonly db: Database.Database;
  private readonly st;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.st = {
      ruleLatest: this.db.prepare(
        'SELECT id, version, definition, source, actor, ts FROM rule_version r WHERE version = (SELECT MAX(version) FROM rule_version WHERE id = r.id) ORDER BY id',
      ),
      ruleVersions: this.db.prepare(
        'SELECT id, version, definition, source, actor, ts FROM rule_version WHERE id = ? ORDER BY version DESC',
      ),
      lastConfig: this.db.prepare(
        "SELECT definition FROM rule_version WHERE id = ? AND source = 'config' ORDER BY version DESC LIMIT 1",
      ),
      maxVersion: this.db.prepare('SELECT MAX(version) AS v FROM rule_version WHERE id = ?'),
      insertRule: this.db.prepare(
        'INSERT INTO rule_version (id, version, definition, source, actor, ts) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertWo: this.db.prepare(
        "INSERT INTO work_order (asset, failure_mode, status, body, extra) VALUES (?, ?, ?, '{}', ?)",
      ),
      setWoId: this.db.prepare('UPDATE work_order SET id = ? WHERE seq = ?'),
      updateWo: this.db.prepare('UPDATE work_order SET status = ?, body = ? WHERE id = ?'),
      getWo: this.db.prepare('SELECT body, extra FROM work_order WHERE id = ?'),
      openWo: this.db.prepare(
        "SELECT body FROM work_order WHERE asset = ? AND failure_mode = ? AND status IN ('open','planned','in_progress') ORDER BY seq DESC LIMIT 1",
      ),
      listWo: this.db.prepare('SELECT body FROM work_order ORDER BY seq DESC LIMIT ?'),
      activeWo: this.db.prepare(
        "SELECT body FROM work_order WHERE status IN ('open','planned','in_progress') ORDER BY seq",
      ),
      byExternal: this.db.prepare('SELECT body FROM work_order WHERE body LIKE ?'),
      windows: this.db.prepare(
        `SELECT id, json_extract(body, '$.plannedStart') AS "from", json_extract(body, '$.plannedEnd') AS "to", status
         FROM work_order WHERE asset = ? AND status IN ('planned','in_progress','done')
         AND json_extract(body, '$.plannedStart') < ? AND json_extract(body, '$.plannedEnd') > ? ORDER BY 2`,
      ),
      history: this.db.prepare(
        'SELECT ts, kind, actor, status, note, revision FROM work_order_history WHERE id = ? ORDER BY revision',
      ),
      insertHistory: this.db.prepare(
        'INSERT INTO work_order_history (id, revision, ts, kind, actor, status, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      entries: this.db.prepare(
        'SELECT id, kind, name, start, end, assets FROM schedule_entry WHERE end > ? AND start < ? ORDER BY start',
      ),
      insertEntry: this.db.prepare(
        'INSERT INTO schedule_entry (kind, name, start, end, assets) VALUES (?, ?, ?, ?, ?) RETURNING id',
      ),
      deleteEntry: this.db.prepare('DELETE FROM schedule_entry WHERE id = ?'),
    };
  }

  // --- rules ---

  latestRules(): RuleVersion[] {
    return (this.st.ruleLatest.all() as RuleRow[]).map(ruleOut);
  }

  ruleVersions(id: string): RuleVersion[] {
    return (this.st.ruleVersions.all(id) as RuleRow[]).map(ruleOut);
  }

  /** The definition last imported from the config file, to tell a config change from an API edit. */
  lastConfigDefinition(id: string): unknown {
    const r = this.st.lastConfig.get(id) as { definition: string | null } | undefined;
    return r === undefined ? undefined : r.definition === null ? null : JSON.parse(r.definition);
  }

  /** Appends a version; returns its number. */
  appendRule(id: string, definition: unknown, source: 'config' | 'api', actor: string, ts: number): number {
    return this.db.transaction(() => {
      const v = ((this.st.maxVersion.get(id) as { v: number | null }).v ?? 0) + 1;
      this.st.insertRule.run(id, v, definition === null ? null : JSON.stringify(definition), source, actor, ts);
      return v;
    })();
  }

  // --- work orders ---

  /** Inserts a work order, assigning its id (`WO-000042`), with its first history row. */
  createWorkOrder(
    wo: Omit<WorkOrder, 'id'>,
    extra: WorkOrderExtra,
    change: Omit<HistoryRow, 'revision' | 'status'>,
  ): WorkOrder {
    return this.db.transaction(() => {
      const seq = Number(
        this.st.insertWo.run(wo.asset, wo.failureMode, wo.status, JSON.stringify(extra)).lastInsertRowid,
      );
      const id = `WO-${String(seq).padStart(6, '0')}`;
      const full: WorkOrder = { id, ...wo };
      this.st.setWoId.run(id, seq);
      this.st.updateWo.run(full.status, JSON.stringify(full), id);
      this.st.insertHistory.run(
        id,
        full.revision,
        change.ts,
        change.kind,
        change.actor,
        full.status,
        change.note ?? null,
      );
      return full;
    })();
  }

  /** Stores a new revision of a work order and its history row in one transaction. */
  saveWorkOrder(wo: WorkOrder, change: Omit<HistoryRow, 'revision' | 'status'>): void {
    this.db.transaction(() => {
      this.st.updateWo.run(wo.status, JSON.stringify(wo), wo.id);
      this.st.insertHistory.run(
        wo.id,
        wo.revision,
        change.ts,
        change.kind,
        change.actor,
        wo.status,
        change.note ?? null,
      );
    })();
  }

  workOrder(id: string): { wo: WorkOrder; extra: WorkOrderExtra } | undefined {
    const r = this.st.getWo.get(id) as { body: string; extra: string } | undefined;
    return r && { wo: JSON.parse(r.body) as WorkOrder, extra: JSON.parse(r.extra) as WorkOrderExtra };
  }

  openWorkOrder(asset: string, failureMode: string): WorkOrder | undefined {
    const r = this.st.openWo.get(asset, failureMode) as { body: string } | undefined;
    return r && (JSON.parse(r.body) as WorkOrder);
  }

  workOrders(limit: number): WorkOrder[] {
    return (this.st.listWo.all(limit) as { body: string }[]).map((r) => JSON.parse(r.body) as WorkOrder);
  }

  activeWorkOrders(): WorkOrder[] {
    return (this.st.activeWo.all() as { body: string }[]).map((r) => JSON.parse(r.body) as WorkOrder);
  }

  /**
   * Planned windows of an asset's work orders overlapping [from, to): planned, running or done (the
   * window was planned downtime), not open or cancelled. The KPI engine counts them as PDOT.
   */
  maintenanceWindows(
    asset: string,
    from: number,
    to: number,
  ): { id: string; from: number; to: number; status: string }[] {
    return this.st.windows.all(asset, to, from) as { id: string; from: number; to: number; status: string }[];
  }

  byExternalId(connector: string, externalId: string): WorkOrder | undefined {
    // Narrowed by LIKE, then checked exactly: external ids are few and the table is small.
    const rows = this.st.byExternal.all(`%${externalId.replace(/[%_]/g, '')}%`) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as WorkOrder).find((w) => w.externalIds[connector] === externalId);
  }

  history(id: string): HistoryRow[] {
    return (this.st.history.all(id) as (HistoryRow & { note: string | null })[]).map((h) => {
      const { note, ...rest } = h;
      return note === null ? rest : { ...rest, note };
    });
  }

  // --- production schedule ---

  scheduleEntries(from: number, to: number): ScheduleEntry[] {
    return (this.st.entries.all(from, to) as (Omit<ScheduleEntry, 'assets'> & { assets: string })[]).map((e) => ({
      ...e,
      assets: JSON.parse(e.assets) as string[],
    }));
  }

  addScheduleEntry(e: Omit<ScheduleEntry, 'id'>): ScheduleEntry {
    const r = this.st.insertEntry.get(e.kind, e.name, e.start, e.end, JSON.stringify(e.assets)) as { id: number };
    return { id: r.id, ...e };
  }

  deleteScheduleEntry(id: number): boolean {
    return this.st.deleteEntry.run(id).changes > 0;
  }

  close(): void {
    this.db.close();
  }
}

interface RuleRow {
  id: string;
  version: number;
  definition: string | null;
  source: 'config' | 'api';
  actor: string;
  ts: number;
}

function ruleOut(r: RuleRow): RuleVersion {
  return { ...r, definition: r.definition === null ? null : JSON.parse(r.definition) };
}
