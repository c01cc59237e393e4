import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { GotthardError } from '../../errors.js';
import type { Historian } from '../../historian/types.js';
import { ShiftCalendar, type ShiftInstance, Tariff } from './calendar.js';
import type { KpiConfig } from './config.js';
import { type Kpis, kpisOf, type WaterfallStep, waterfallOf } from './kpis.js';
import {
  counterBaseline,
  discoverMachines,
  initialState,
  inScope,
  type KpiMachine,
  lastBefore,
  rawAll,
} from './machines.js';
import { addElements, emptyElements, type KpiElements, MachineModel, STOP_STATES, type Stop } from './model.js';
import { flattenReasons, type Reason } from './reasons.js';
import { KpiStore, type PeriodKind } from './store.js';
import { checkTimeZone, dayLabel, dayStart, isoLocal, localDayNumber, parseDayLabel, weekdayOf } from './tz.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Longest range for stops, Pareto and timelines (they read raw data). */
export const MAX_RAW_RANGE_MS = 31 * DAY;
/** Longest span one raw load covers when filling periods. */
const LOAD_SPAN = 2 * DAY;

export interface KpiServiceOptions {
  historian: Historian;
  config: KpiConfig;
  sites: readonly { id: string; timezone: string }[];
  /** The store's SQLite file, e.g. `<dataDir>/kpi.db`. */
  storePath: string;
  logger: Logger;
  now?: () => number;
  /**
   * Sources whose machines run on a faster clock than the hub's, by source name: the hub's demo plant
   * at `--speed N` is `{ 'demo-plant': N }`. Their KPIs are computed in their own time base (PRT and
   * power scaled) and the summary says so (`timeScale`).
   */
  timeScaleBySource?: Readonly<Record<string, number>>;
  /**
   * Planned windows of a machine's work orders overlapping [from, to) (the workflows' store), read
   * when used: they count as planned downtime (PDOT).
   */
  maintenance?: () =>
    | ((asset: string, from: number, to: number) => readonly { from: number; to: number }[])
    | undefined;
}

export interface KpiFigure {
  elements: KpiElements;
  kpis: Kpis;
  waterfall: WaterfallStep[];
}

export interface ScopeSummary extends KpiFigure {
  scope: string;
  from: number;
  to: number;
  timezone: string;
  /**
   * 1 = real time. N: the scope's plant runs N times faster than the hub's clock (the demo plant at
   * `--speed N`): ratios and energy totals are its own; durations (MTBF, MTTR, throughput per hour) are hub time.
   */
  timeScale: number;
  /** Machines whose time and parts are in the figure (production machines) and whose energy is. */
  machines: { asset: string; role: 'production' | 'utility' | 'meter'; figure: KpiFigure }[];
}

export interface SeriesRow extends KpiFigure {
  start: number;
  end: number;
  label: string;
  /** False while the period is still running (or not settled): computed live, not stored. */
  closed: boolean;
}

export interface ParetoRow {
  key: string;
  label: string;
  loss: string;
  lostMs: number;
  count: number;
  cumulativeShare: number;
}

type PeriodDef = { start: number; end: number; label: string };

/**
 * Quarter-hour kWh for peak demand in the machine's own time base: a plant whose clock runs N times
 * faster uses N quarters of its energy in one quarter of the hub's, so its average power is kWh × 4 / N.
 */
function scaledQuarters(m: KpiMachine, q: ReadonlyMap<number, number> | undefined): Map<number, number> {
  const scale = m.signals.timeScale ?? 1;
  if (q === undefined) return new Map();
  return scale === 1 ? new Map(q) : new Map([...q].map(([k, v]) => [k, v / scale]));
}

/**
 * The KPI engine: discovers machines from the historian's tags, builds each machine's time model
 * from raw history, sums ISO 22400-2 elements per period, stores closed hours, shifts and days, and
 * answers scope queries (machine, line, area, site) by summing elements.
 */
export class KpiService {
  readonly store: KpiStore;
  readonly reasons: Map<string, Reason>;
  private readonly h: Historian;
  private readonly cfg: KpiConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private rolling: Promise<void> | undefined;
  private machineCache: { at: number; list: KpiMachine[] } | undefined;
  private stopped = false;

  constructor(private readonly opts: KpiServiceOptions) {
    this.h = opts.historian;
    this.cfg = opts.config;
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
    this.reasons = flattenReasons(opts.config.reasons);
    if (opts.config.timezone !== undefined) checkTimeZone(opts.config.timezone);
    for (const s of opts.sites) checkTimeZone(s.timezone);
    mkdirSync(dirname(opts.storePath), { recursive: true });
    this.store = new KpiStore(opts.storePath);
  }

  get config(): KpiConfig {
    return this.cfg;
  }

  /** Starts the background roll-up of closed periods. */
  start(): void {
    if (!this.cfg.enabled || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.rollup(), this.cfg.rollupInterval);
    this.timer.unref();
    void this.rollup();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.rolling?.catch(() => undefined);
    this.store.close();
  }

  timezoneOf(site: string): string {
    return (
      this.cfg.timezone ?? this.opts.sites.find((s) => s.id === site)?.timezone ?? this.opts.sites[0]?.timezone ?? 'UTC'
    );
  }

  scopeTimezone(scope: string): string {
    return this.timezoneOf(scope.split('/')[1] ?? '');
  }

  calendar(tz: string): ShiftCalendar {
    return new ShiftCalendar(this.cfg.shifts, tz);
  }

  async machines(scope = ''): Promise<KpiMachine[]> {
    const now = this.now();
    if (this.machineCache === undefined || now - this.machineCache.at > 5000) {
      const tags = await this.h.listTags();
      this.machineCache = {
        at: now,
        list: discoverMachines(tags, this.cfg, (s) => this.timezoneOf(s), this.opts.timeScaleBySource),
      };
    }
    return this.machineCache.list.filter((m) => inScope(m.asset, scope));
  }

  async machinesOrThrow(scope: string): Promise<KpiMachine[]> {
    const list = await this.machines(scope);
    if (list.length === 0) {
      throw new GotthardError(
        'GT_NOT_FOUND',
        `no machine with a state tag ("${this.cfg.signals.state}") or energy counter at or below "${scope}"; list them with GET /api/v1/kpi/machines`,
      );
    }
    return list;
  }

  roleOf(m: KpiMachine): 'production' | 'utility' | 'meter' {
    if (m.meter) return 'meter';
    return m.tags.state !== undefined && m.tags.good !== undefined ? 'production' : 'utility';
  }

  /** Loads a machine's raw data over [from, to) and builds its model. */
  async model(m: KpiMachine, from: number, to: number): Promise<MachineModel> {
    const h = this.h;
    const lb = this.cfg.stateLookback;
    const t = m.tags;
    const raw = (tag: typeof t.state, end = to) =>
      tag === undefined ? Promise.resolve([]) : rawAll(h, tag.key, from, end);
    const [init, state, goodB, good, scrapB, scrap, energyB, energy, prtL, prt] = await Promise.all([
      initialState(h, t.state, from, lb),
      raw(t.state),
      counterBaseline(h, t.good, from, lb),
      raw(t.good),
      counterBaseline(h, t.scrap, from, lb),
      raw(t.scrap),
      counterBaseline(h, t.energy, from, lb),
      raw(t.energy, to + 15 * 60_000),
      t.prt === undefined ? undefined : lastBefore(h, t.prt.key, from, lb),
      raw(t.prt),
    ]);
    const tz = m.timezone;
    const cuts: number[] = [];
    for (let d = localDayNumber(tz, from); d <= localDayNumber(tz, to) + 1; d++) cuts.push(dayStart(tz, d));
    const reasons = new Map<number, { reason: string; loss: Reason['loss'] }>();
    for (const r of this.store.reasons(m.asset, from - lb, to)) {
      const def = this.reasons.get(r.reason);
      if (def) reasons.set(r.since, { reason: r.reason, loss: def.loss });
    }
    const prtInitial = prtL === undefined || prtL.badAfter ? null : prtL.value;
    return new MachineModel({
      machine: m.asset,
      from,
      to,
      initialState: init,
      state,
      good: goodB === undefined ? { samples: good } : { baseline: goodB, samples: good },
      scrap: scrapB === undefined ? { samples: scrap } : { baseline: scrapB, samples: scrap },
      energy: {
        samples: energy,
        ...(energyB === undefined ? {} : { baseline: energyB }),
        ...(m.signals.maxPowerKw === undefined ? {} : { maxPowerKw: m.signals.maxPowerKw }),
      },
      timeScale: m.signals.timeScale ?? 1,
      prt:
        m.signals.prt === undefined
          ? { initial: prtInitial, samples: prt }
          : { initial: prtInitial, samples: prt, fixed: m.signals.prt },
      stateValues: m.signals.stateValues,
      counterBits: m.signals.counterBits,
      calendar: this.calendar(tz).intervals(from, to),
      tariff: new Tariff(this.cfg.energy.tariff, this.cfg.energy.price, tz).intervals(from, to),
      cuts,
      reasons,
      maintenance: this.opts.maintenance?.()?.(m.asset, from, to) ?? [],
    });
  }

  private closedBefore(): number {
    return this.now() - this.cfg.settle;
  }

  /**
   * Elements of each period for one machine: stored rows where present, the rest computed from raw
   * data (in loads of at most two days) and stored when closed.
   */
  async periodsFor(
    m: KpiMachine,
    kind: PeriodKind,
    periods: readonly PeriodDef[],
  ): Promise<(PeriodDef & { elements: KpiElements; closed: boolean })[]> {
    if (periods.length === 0) return [];
    const first = periods[0] as PeriodDef;
    const last = periods[periods.length - 1] as PeriodDef;
    const stored = new Map(this.store.periods(m.asset, kind, first.start, last.start + 1).map((r) => [r.start, r]));
    const closedBefore = this.closedBefore();
    const out = new Map<number, PeriodDef & { elements: KpiElements; closed: boolean }>();
    const missing: PeriodDef[] = [];
    for (const p of periods) {
      const s = stored.get(p.start);
      if (s !== undefined && s.end === p.end) out.set(p.start, { ...p, elements: s.elements, closed: true });
      else missing.push(p);
    }
    let i = 0;
    while (i < missing.length) {
      const run: PeriodDef[] = [missing[i] as PeriodDef];
      while (
        i + run.length < missing.length &&
        (missing[i + run.length] as PeriodDef).start === (run[run.length - 1] as PeriodDef).end &&
        (missing[i + run.length] as PeriodDef).end - (run[0] as PeriodDef).start <= LOAD_SPAN
      ) {
        run.push(missing[i + run.length] as PeriodDef);
      }
      i += run.length;
      const a = (run[0] as PeriodDef).start;
      const b = (run[run.length - 1] as PeriodDef).end;
      const model = await this.model(m, a, Math.min(b, Math.max(this.now(), a + 1)));
      const toStore = [];
      for (const p of run) {
        const elements = model.elementsOf(p.start, p.end);
        const closed = p.end <= closedBefore;
        out.set(p.start, { ...p, elements, closed });
        if (closed) toStore.push({ machine: m.asset, kind, ...p, elements });
      }
      const quarters = [...model.quarters(a, Math.min(b, closedBefore))].map(([start, kwh]) => ({
        machine: m.asset,
        start,
        kwh,
      }));
      this.store.putPeriods(toStore, quarters);
    }
    return periods.map((p) => out.get(p.start) as PeriodDef & { elements: KpiElements; closed: boolean });
  }

  /** One machine over [from, to): stored hours for the middle of long ranges, raw data for the rest. */
  async machineRange(
    m: KpiMachine,
    from: number,
    to: number,
  ): Promise<{ elements: KpiElements; quarters: Map<number, number> }> {
    const h0 = Math.ceil(from / HOUR) * HOUR;
    const h1 = Math.floor(to / HOUR) * HOUR;
    const end = Math.min(to, Math.max(this.now(), from + 1));
    if (h1 - h0 < 3 * HOUR) {
      const model = await this.model(m, from, end);
      return { elements: model.elementsOf(from, end), quarters: model.quarters(from, end) };
    }
    const elements = emptyElements();
    const quarters = new Map<number, number>();
    const addQ = (q: Map<number, number>) => {
      for (const [k, v] of q) quarters.set(k, (quarters.get(k) ?? 0) + v);
    };
    if (h0 > from) {
      const head = await this.model(m, from, h0);
      addElements(elements, head.elementsOf(from, h0));
      addQ(head.quarters(from, h0));
    }
    const hours: PeriodDef[] = [];
    for (let t = h0; t < h1 && t < end; t += HOUR)
      hours.push({ start: t, end: t + HOUR, label: new Date(t).toISOString() });
    for (const p of await this.periodsFor(m, 'hour', hours)) addElements(elements, p.elements);
    addQ(new Map(this.store.quarters(m.asset, h0, h1).map((q) => [q.start, q.kwh])));
    if (end > h1) {
      const tail = await this.model(m, h1, end);
      addElements(elements, tail.elementsOf(h1, end));
      addQ(tail.quarters(h1, end));
    }
    return { elements, quarters };
  }

  figure(e: KpiElements, quarters?: Map<number, number>): KpiFigure {
    let peak: { kw: number; at: number } | undefined;
    for (const [at, kwh] of quarters ?? []) if (peak === undefined || kwh * 4 > peak.kw) peak = { kw: kwh * 4, at };
    return { elements: e, kpis: kpisOf(e, this.cfg.energy.co2eFactor, peak), waterfall: waterfallOf(e) };
  }

  /**
   * Sums machines into a scope: time and parts from production machines, energy from every machine
   * that is not a meter (a single machine in scope is always counted).
   */
  private combine(parts: { m: KpiMachine; elements: KpiElements; quarters?: Map<number, number> }[]): {
    elements: KpiElements;
    quarters: Map<number, number>;
  } {
    const total = emptyElements();
    const quarters = new Map<number, number>();
    const single = parts.length === 1;
    for (const p of parts) {
      const role = this.roleOf(p.m);
      if (!single && role === 'meter') continue;
      if (single || role === 'production') addElements(total, p.elements);
      else {
        total.kwh += p.elements.kwh;
        total.idleKwh += p.elements.idleKwh;
        total.kwhEstimated += p.elements.kwhEstimated;
        total.kwhUnknownMs += p.elements.kwhUnknownMs;
        total.energyDrops += p.elements.energyDrops;
        total.energyJumps += p.elements.energyJumps;
        total.energyCost += p.elements.energyCost;
      }
      for (const [k, v] of scaledQuarters(p.m, p.quarters)) quarters.set(k, (quarters.get(k) ?? 0) + v);
    }
    return { elements: total, quarters };
  }

  async summary(scope: string, from: number, to: number): Promise<ScopeSummary> {
    const ms = await this.machinesOrThrow(scope);
    const parts = [];
    for (const m of ms) parts.push({ m, ...(await this.machineRange(m, from, to)) });
    const { elements, quarters } = this.combine(parts);
    return {
      scope,
      from,
      to: Math.min(to, Math.max(this.now(), from + 1)),
      timezone: this.scopeTimezone(scope),
      ...this.figure(elements, quarters),
      machines: parts.map((p) => ({
        asset: p.m.asset,
        role: this.roleOf(p.m),
        figure: this.figure(p.elements, scaledQuarters(p.m, p.quarters)),
      })),
      timeScale: Math.max(1, ...ms.map((m) => m.signals.timeScale ?? 1)),
    };
  }

  /** The periods of a kind overlapping [from, to) in the scope's time zone. */
  periodDefs(kind: PeriodKind | 'week' | 'month', tz: string, from: number, to: number): PeriodDef[] {
    const out: PeriodDef[] = [];
    if (kind === 'hour') {
      for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR)
        out.push({ start: t, end: t + HOUR, label: isoLocal(tz, t) });
    } else if (kind === 'shift') {
      for (const s of this.calendar(tz).shifts(from, to)) out.push({ start: s.start, end: s.end, label: s.id });
    } else {
      let d = localDayNumber(tz, from);
      if (kind === 'week') d -= weekdayOf(d);
      if (kind === 'month') d = parseDayLabel(`${dayLabel(d).slice(0, 7)}-01`) as number;
      while (dayStart(tz, d) < to) {
        let next = d + 1;
        if (kind === 'week') next = d + 7;
        if (kind === 'month') {
          const dt = new Date(d * DAY);
          next = Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + 1, 1) / DAY;
        }
        out.push({
          start: dayStart(tz, d),
          end: dayStart(tz, next),
          label: kind === 'month' ? dayLabel(d).slice(0, 7) : dayLabel(d),
        });
        d = next;
      }
    }
    return out;
  }

  /** KPIs per period (hour, shift, day, week, month) over [from, to), from stored periods where closed. */
  async series(scope: string, kind: PeriodKind | 'week' | 'month', from: number, to: number): Promise<SeriesRow[]> {
    const ms = await this.machinesOrThrow(scope);
    const tz = this.scopeTimezone(scope);
    const defs = this.periodDefs(kind, tz, from, to).filter((p) => p.start < Math.max(this.now(), from + 1));
    if (defs.length === 0) return [];
    const base: PeriodKind = kind === 'week' || kind === 'month' ? 'day' : kind;
    const baseDefs =
      base === kind
        ? defs
        : this.periodDefs('day', tz, (defs[0] as PeriodDef).start, (defs[defs.length - 1] as PeriodDef).end);
    const liveDefs = baseDefs.filter((p) => p.start < Math.max(this.now(), from + 1));
    const perMachine: { m: KpiMachine; rows: (PeriodDef & { elements: KpiElements })[]; q: Map<number, number>[] }[] =
      [];
    const first = defs[0] as PeriodDef;
    const last = defs[defs.length - 1] as PeriodDef;
    for (const m of ms) {
      const rows = await this.periodsFor(m, base, liveDefs);
      // Quarters of the whole range, dealt out to the periods in one sweep (both are in time order).
      const q = defs.map(() => new Map<number, number>());
      let k = 0;
      for (const r of this.store.quarters(m.asset, first.start, last.end).sort((x, y) => x.start - y.start)) {
        while (k < defs.length && (defs[k] as PeriodDef).end <= r.start) k++;
        if (k < defs.length && (defs[k] as PeriodDef).start <= r.start) q[k]?.set(r.start, r.kwh);
      }
      perMachine.push({ m, rows, q });
    }
    const closedBefore = this.closedBefore();
    const cursors = perMachine.map(() => 0);
    return defs.map((p, i) => {
      const parts = perMachine.map(({ m, rows, q }, j) => {
        const e = emptyElements();
        let c = cursors[j] as number;
        while (c < rows.length && (rows[c] as PeriodDef).start < p.start) c++;
        for (; c < rows.length && (rows[c] as PeriodDef).end <= p.end; c++)
          addElements(e, (rows[c] as PeriodDef & { elements: KpiElements }).elements);
        cursors[j] = c;
        return { m, elements: e, quarters: q[i] as Map<number, number> };
      });
      const { elements, quarters } = this.combine(parts);
      return { ...p, closed: p.end <= closedBefore, ...this.figure(elements, quarters) };
    });
  }

  private checkRawRange(from: number, to: number): void {
    if (to - from > MAX_RAW_RANGE_MS) {
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `range of ${Math.round((to - from) / DAY)} days is too long for stops and timelines (at most ${MAX_RAW_RANGE_MS / DAY}); use /kpi/series for long ranges`,
      );
    }
  }

  async stops(scope: string, from: number, to: number): Promise<Stop[]> {
    this.checkRawRange(from, to);
    const out: Stop[] = [];
    for (const m of await this.machinesOrThrow(scope)) {
      if (m.tags.state === undefined || m.meter) continue;
      const end = Math.min(to, Math.max(this.now(), from + 1));
      out.push(...(await this.model(m, from, end)).stops(from, end));
    }
    return out.sort((a, b) => a.start - b.start);
  }

  async pareto(scope: string, from: number, to: number): Promise<ParetoRow[]> {
    const rows = new Map<string, ParetoRow>();
    for (const s of await this.stops(scope, from, to)) {
      if (s.lostMs <= 0) continue;
      const key = s.reason ?? `unassigned:${s.state}`;
      let r = rows.get(key);
      if (r === undefined) {
        const def = s.reason === undefined ? undefined : this.reasons.get(s.reason);
        r = {
          key,
          label: def?.name ?? `Not assigned (${s.state})`,
          loss: s.loss,
          lostMs: 0,
          count: 0,
          cumulativeShare: 0,
        };
        rows.set(key, r);
      }
      r.lostMs += s.lostMs;
      r.count++;
    }
    const list = [...rows.values()].sort((a, b) => b.lostMs - a.lostMs);
    const total = list.reduce((s, r) => s + r.lostMs, 0);
    let cum = 0;
    for (const r of list) {
      cum += r.lostMs;
      r.cumulativeShare = total > 0 ? cum / total : 0;
    }
    return list;
  }

  async machineOrThrow(asset: string): Promise<KpiMachine> {
    const m = (await this.machines(asset)).find((x) => x.asset === asset);
    if (m === undefined) {
      throw new GotthardError(
        'GT_NOT_FOUND',
        `"${asset}" is not a KPI machine; list them with GET /api/v1/kpi/machines`,
      );
    }
    return m;
  }

  async timeline(asset: string, from: number, to: number) {
    this.checkRawRange(from, to);
    const m = await this.machineOrThrow(asset);
    const end = Math.min(to, Math.max(this.now(), from + 1));
    const model = await this.model(m, from, end);
    return { machine: m, model, shifts: this.calendar(m.timezone).shifts(from, end), from, to: end };
  }

  /** Gives (or clears, with `reason` null) the reason of the stop that began at `since`. */
  async setReason(asset: string, since: number, reason: string | null, comment: string | null): Promise<void> {
    const m = await this.machineOrThrow(asset);
    if (reason !== null && !this.reasons.has(reason)) {
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `unknown reason "${reason}"; valid: ${[...this.reasons.keys()].join(', ')} (config kpi.reasons)`,
      );
    }
    const tag = m.tags.state;
    const s =
      tag === undefined
        ? undefined
        : (await this.h.raw({ tagKey: tag.key, from: since, to: since + 1, limit: 1 })).samples[0];
    const cat = typeof s?.value === 'number' ? m.signals.stateValues[String(s.value)] : undefined;
    if (s === undefined || s.status >>> 30 === 2 || cat === undefined || !STOP_STATES.has(cat)) {
      throw new GotthardError(
        'GT_NOT_FOUND',
        `no unplanned stop of ${asset} starts at ${new Date(since).toISOString()}; list stops with GET /api/v1/kpi/stops`,
      );
    }
    this.store.setReason(asset, since, reason, comment);
    this.store.invalidate(asset, since, Number.MAX_SAFE_INTEGER);
  }

  /** After history was imported or changed: forgets stored periods of these assets from `from` on. */
  invalidate(assets: Iterable<string>, from: number): void {
    // Imported history may belong to tags registered since the machine list was cached (config `imports`).
    this.machineCache = undefined;
    for (const a of assets) this.store.invalidate(a, from, Number.MAX_SAFE_INTEGER);
  }

  shifts(scope: string, from: number, to: number): ShiftInstance[] {
    return this.calendar(this.scopeTimezone(scope)).shifts(from, to);
  }

  /** Rolls up closed hours, shifts and days of the last `backfill` for every machine. */
  rollup(): Promise<void> {
    this.rolling ??= this.doRollup().finally(() => {
      this.rolling = undefined;
    });
    return this.rolling;
  }

  private async doRollup(): Promise<void> {
    const t0 = Date.now();
    const closedBefore = this.closedBefore();
    const from = this.now() - this.cfg.backfill;
    let n = 0;
    // The closed periods of a kind are the same for every machine of a time zone: worked out once per
    // roll-up, not per machine (time-zone arithmetic for 2000 machines was ≈ 7 % of a busy hub's CPU).
    const closed = new Map<string, PeriodDef[]>();
    try {
      for (const m of await this.machines()) {
        for (const kind of ['hour', 'shift', 'day'] as const) {
          if (this.stopped) return;
          const ck = `${kind} ${m.timezone}`;
          let all = closed.get(ck);
          if (all === undefined) {
            all = this.periodDefs(kind, m.timezone, from, closedBefore).filter(
              (p) => p.start >= from && p.end <= closedBefore,
            );
            closed.set(ck, all);
          }
          // Only the closed periods not stored yet are computed: reading back (and parsing) every
          // stored period of every machine each minute cost more than the ingest itself at 2000 machines.
          const stored = this.store.periodBounds(m.asset, kind, from, closedBefore);
          const defs = all.filter((p) => !stored.has(`${p.start}:${p.end}`));
          n += (await this.periodsFor(m, kind, defs)).length;
        }
        if (this.stopped) return;
      }
      this.log.debug({ periods: n, ms: Date.now() - t0 }, 'KPI roll-up');
    } catch (err) {
      this.log.error({ err }, 'KPI roll-up failed; will retry');
    }
  }
}
