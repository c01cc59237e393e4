import Database from 'better-sqlite3';
import { emptyElements, type KpiElements } from './model.js';

/**
 * The KPI store: its own small SQLite file (`<dataDir>/kpi.db`), apart from the historian.
 * - `stop_reason`: reasons given to unplanned stops (machine + the stop's start).
 * - `period`: the additive elements of closed hours, shifts and days per machine, so a year of daily
 *   OEE for a line is a few hundred rows summed, not a year of raw data.
 * - `quarter`: kWh per machine and quarter hour, for peak demand over stored periods.
 */
export type PeriodKind = 'hour' | 'shift' | 'day';

export interface StoredPeriod {
  machine: string;
  kind: PeriodKind;
  start: number;
  end: number;
  label: string;
  elements: KpiElements;
}

export interface StopReasonRow {
  machine: string;
  since: number;
  reason: string;
  comment: string | null;
  setAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stop_reason (
  machine TEXT NOT NULL, since INTEGER NOT NULL, reason TEXT NOT NULL, comment TEXT, set_at INTEGER NOT NULL,
  PRIMARY KEY (machine, since)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS period (
  machine TEXT NOT NULL, kind TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, label TEXT NOT NULL,
  elements TEXT NOT NULL, computed_at INTEGER NOT NULL,
  PRIMARY KEY (machine, kind, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarter (
  machine TEXT NOT NULL, start INTEGER NOT NULL, kwh REAL NOT NULL,
  PRIMARY KEY (machine, start)) WITHOUT ROWID;
`;

/**
 * Version of the element model behind the stored periods. Periods rolled up by an older model are
 * dropped on open and rolled up again from raw history (version 2: counter drops and jumps are
 * data-quality events; before, a drop was a reset whose whole value was booked).
 */
const MODEL_VERSION = 2;

export class KpiStore {
  private readonly db: Database.Database;
  private readonly st;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    if ((this.db.pragma('user_version', { simple: true }) as number) < MODEL_VERSION) {
      this.db.transaction(() => {
        this.db.exec('DELETE FROM period; DELETE FROM quarter;');
        this.db.pragma(`user_version = ${MODEL_VERSION}`);
      })();
    }
    this.st = {
      reasons: this.db.prepare(
        'SELECT machine, since, reason, comment, set_at AS setAt FROM stop_reason WHERE machine = ? AND since >= ? AND since < ?',
      ),
      setReason: this.db.prepare(
        'INSERT OR REPLACE INTO stop_reason (machine, since, reason, comment, set_at) VALUES (?, ?, ?, ?, ?)',
      ),
      clearReason: this.db.prepare('DELETE FROM stop_reason WHERE machine = ? AND since = ?'),
      periods: this.db.prepare(
        'SELECT machine, kind, start, end, label, elements FROM period WHERE machine = ? AND kind = ? AND start >= ? AND start < ? ORDER BY start',
      ),
      periodBounds: this.db.prepare(
        'SELECT start, end FROM period WHERE machine = ? AND kind = ? AND start >= ? AND start < ?',
      ),
      putPeriod: this.db.prepare(
        'INSERT OR REPLACE INTO period (machine, kind, start, end, label, elements, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      putQuarter: this.db.prepare('INSERT OR REPLACE INTO quarter (machine, start, kwh) VALUES (?, ?, ?)'),
      quarters: this.db.prepare('SELECT start, kwh FROM quarter WHERE machine = ? AND start >= ? AND start < ?'),
      dropPeriods: this.db.prepare('DELETE FROM period WHERE machine = ? AND end > ? AND start < ?'),
      dropQuarters: this.db.prepare('DELETE FROM quarter WHERE machine = ? AND start >= ? AND start < ?'),
    };
  }

  reasons(machine: string, from: number, to: number): StopReasonRow[] {
    return this.st.reasons.all(machine, from, to) as StopReasonRow[];
  }

  setReason(machine: string, since: number, reason: string | null, comment: string | null, now = Date.now()): void {
    if (reason === null) this.st.clearReason.run(machine, since);
    else this.st.setReason.run(machine, since, reason, comment, now);
  }

  /** `start:end` of the stored periods, without their elements (the roll-up only needs to know which exist). */
  periodBounds(machine: string, kind: PeriodKind, from: number, to: number): Set<string> {
    const rows = this.st.periodBounds.all(machine, kind, from, to) as { start: number; end: number }[];
    return new Set(rows.map((r) => `${r.start}:${r.end}`));
  }

  periods(machine: string, kind: PeriodKind, from: number, to: number): StoredPeriod[] {
    const rows = this.st.periods.all(machine, kind, from, to) as (Omit<StoredPeriod, 'elements'> & {
      elements: string;
    })[];
    return rows.map((r) => ({ ...r, elements: { ...emptyElements(), ...(JSON.parse(r.elements) as KpiElements) } }));
  }

  putPeriods(
    rows: readonly StoredPeriod[],
    quarters: readonly { machine: string; start: number; kwh: number }[],
    now = Date.now(),
  ): void {
    this.db.transaction(() => {
      for (const r of rows) {
        this.st.putPeriod.run(r.machine, r.kind, r.start, r.end, r.label, JSON.stringify(r.elements), now);
      }
      for (const q of quarters) this.st.putQuarter.run(q.machine, q.start, q.kwh);
    })();
  }

  quarters(machine: string, from: number, to: number): { start: number; kwh: number }[] {
    return this.st.quarters.all(machine, from, to) as { start: number; kwh: number }[];
  }

  /** Forgets stored periods and quarters of a machine overlapping [from, to): they are recomputed on demand. */
  invalidate(machine: string, from: number, to: number): void {
    this.db.transaction(() => {
      this.st.dropPeriods.run(machine, from, to);
      this.st.dropQuarters.run(machine, Math.floor(from / 900_000) * 900_000, to);
    })();
  }

  close(): void {
    this.db.close();
  }
}
