import type { StoredSample } from '../../historian/types.js';
import type { CalendarInterval, CalendarKind, TariffInterval } from './calendar.js';
import type { SixBigLoss, StateCategory } from './config.js';

/**
 * The machine state and time model (pure: no I/O, no clock). From the raw samples of one machine's
 * state tag, part counters, PRT tag and energy counter over a loaded range, it builds
 *
 * 1. the state timeline (Bad samples and missing data are `unknown`),
 * 2. "pieces": the timeline overlaid with the shift calendar, the tariff, quarter hours and local
 *    midnights, so every period a KPI is asked for (hour, shift, day, range) is a union of whole pieces,
 * 3. counter increments with rollovers and resets resolved, and drops and jumps that are neither set
 *    apart as data-quality events (`counterEvents`),
 *
 * and sums the additive ISO 22400-2 elements of any period from them (`elementsOf`). KPIs are
 * ratios of summed elements (kpis.ts), so a line's OEE is computed from its machines' elements.
 */

export type KnownState = StateCategory | 'unknown';

export interface StateInterval {
  from: number;
  to: number;
  state: KnownState;
  /** The raw state value (null when unknown). */
  value: number | null;
  /** When the state began: the timestamp of the sample that set it (may be before the loaded range). */
  since: number;
  /** Why the state is unknown: `bad` (Bad StatusCode), `missing` (no data yet), `unmapped` (value not in the mapping). */
  unknownCause?: 'bad' | 'missing' | 'unmapped';
}

export interface Piece {
  from: number;
  to: number;
  /** Index into the state timeline. */
  si: number;
  cal: CalendarKind;
  shiftId?: string;
  price: number;
  kwh: number;
  kwhEstimated: number;
  /** Time of the piece inside the interval of an energy counter's drop or jump. */
  kwhUnknownMs: number;
  /** Inside a work order's planned window (maintenance). */
  maint?: true;
}

/**
 * What a counter did between two samples when it did not simply count up: `rollover` and `reset` are
 * counted (their increment is known); `drop` and `jump` are data-quality events whose increment is
 * unknown and counted as nothing.
 */
export type CounterKind = 'reset' | 'rollover' | 'drop' | 'jump';

export interface CounterEvent {
  ts: number;
  prevTs: number;
  /** The increment booked: 0 for a drop or jump. */
  delta: number;
  /** The counter had Bad or missing values between the two samples. */
  acrossGap: boolean;
  kind?: CounterKind;
  /** For a drop or jump: the raw difference of the two values, as evidence. */
  raw?: number;
}

/** A sample in effect at the start of a loaded range (from the lookback). */
export interface Baseline {
  ts: number;
  value: number;
  /** A Bad sample came after it, before the range: the first increment crosses a gap. */
  gapAfter?: boolean;
}

export interface InitialState {
  /** null = unknown at the start of the range (Bad last sample, or none within the lookback). */
  value: number | null;
  since: number;
  cause?: 'bad' | 'missing';
}

export interface MachineData {
  machine: string;
  from: number;
  to: number;
  initialState: InitialState;
  state: readonly StoredSample[];
  good: { baseline?: Baseline; samples: readonly StoredSample[] };
  scrap: { baseline?: Baseline; samples: readonly StoredSample[] };
  energy: { baseline?: Baseline; samples: readonly StoredSample[]; maxPowerKw?: number };
  prt: { initial: number | null; samples: readonly StoredSample[]; fixed?: number };
  stateValues: Readonly<Record<string, StateCategory>>;
  counterBits: number;
  /**
   * How many times faster the machine's clock runs than the timestamps (an accelerated simulation):
   * its PRT and power are in its own time, so PRT counts 1/timeScale of hub time. Default 1.
   */
  timeScale?: number;
  calendar: readonly CalendarInterval[];
  tariff: readonly TariffInterval[];
  /** Extra cut points (local midnights) so that local days are unions of pieces. */
  cuts: readonly number[];
  /** Planned windows of the machine's work orders (planned, running or done): planned downtime. */
  maintenance?: readonly { from: number; to: number }[];
  /** Stop reasons by the stop's `since`. */
  reasons: ReadonlyMap<number, { reason: string; loss: SixBigLoss }>;
}

/** Additive elements of a period, all times in ms. Names follow ISO 22400-2 (docs/kpi.md). */
export interface KpiElements {
  /** Calendar time of the period. */
  totalMs: number;
  /** Time with no trustworthy state (Bad or missing data); part of no other element. */
  unknownMs: number;
  /** Unknown time inside shifts. */
  unknownPlannedMs: number;
  /** Known time outside every shift with the machine not running. */
  notScheduledMs: number;
  /** POT: planned operation time = PBT + PDOT. */
  potMs: number;
  /** PDOT: planned down time (breaks, planned stops, work orders' planned windows). */
  pdotMs: number;
  /** The part of PDOT inside work orders' planned windows (maintenance). */
  maintenanceMs: number;
  /** PBT: planned busy time = APT + AUST + ADET + ADOT. */
  pbtMs: number;
  /** APT: actual production time (running). */
  aptMs: number;
  /** AUST: actual unit setup time. */
  austMs: number;
  /** ADET: actual unit delay time (idle, minor stops). */
  adetMs: number;
  /** ADOT: actual unit down time (failure and repair). */
  adotMs: number;
  /** Running outside every shift or during a break (counted in PBT and APT). */
  runOutsidePlanMs: number;
  /** Availability losses by the Six Big Losses (reason, or by state when no reason is given). */
  equipmentFailureMs: number;
  setupAdjustmentsMs: number;
  idlingMinorStopsMs: number;
  /** GQ, SQ; PQ = GQ + SQ. */
  gq: number;
  sq: number;
  /** Σ PRT × produced quantity (ms), over the parts whose PRT is known. */
  prtPqMs: number;
  /** Parts produced while no PRT was known. */
  pqNoPrt: number;
  /** Parts counted across a data gap or in unknown time: excluded from PQ, reported. */
  pqUnknown: number;
  /** FE: failure events (entries into a `failure` state). */
  failures: number;
  counterResets: number;
  counterRollovers: number;
  /** Data-quality events of the part counters: a drop that is neither rollover nor reset… */
  counterDrops: number;
  /** … and an increase no machine makes (above JUMP_MIN_PARTS + JUMP_RATE × elapsed / PRT). */
  counterJumps: number;
  /** The same for the energy counter (a jump: above the machine's `maxPowerKw`, when set). */
  energyDrops: number;
  energyJumps: number;
  /** Good parts within `pqUnknown` (for kWh per good part over the same parts as its kWh). */
  gqUnknown: number;
  kwh: number;
  /** Time whose consumption is unknown: between the two samples of an energy counter's drop or jump. */
  kwhUnknownMs: number;
  /** kWh while known and not running: base load. */
  idleKwh: number;
  /** kWh spread linearly across a gap in the energy counter. */
  kwhEstimated: number;
  energyCost: number;
}

export function emptyElements(): KpiElements {
  return {
    totalMs: 0,
    unknownMs: 0,
    unknownPlannedMs: 0,
    notScheduledMs: 0,
    potMs: 0,
    pdotMs: 0,
    maintenanceMs: 0,
    pbtMs: 0,
    aptMs: 0,
    austMs: 0,
    adetMs: 0,
    adotMs: 0,
    runOutsidePlanMs: 0,
    equipmentFailureMs: 0,
    setupAdjustmentsMs: 0,
    idlingMinorStopsMs: 0,
    gq: 0,
    sq: 0,
    prtPqMs: 0,
    pqNoPrt: 0,
    pqUnknown: 0,
    failures: 0,
    counterResets: 0,
    counterRollovers: 0,
    counterDrops: 0,
    counterJumps: 0,
    energyDrops: 0,
    energyJumps: 0,
    gqUnknown: 0,
    kwh: 0,
    kwhUnknownMs: 0,
    idleKwh: 0,
    kwhEstimated: 0,
    energyCost: 0,
  };
}

export const ELEMENT_KEYS = Object.keys(emptyElements()) as (keyof KpiElements)[];

export function addElements(into: KpiElements, e: Readonly<KpiElements>): KpiElements {
  for (const k of ELEMENT_KEYS) into[k] += e[k];
  return into;
}

const QUARTER_MS = 15 * 60_000;

function isBad(status: number): boolean {
  return status >>> 30 === 2;
}

function numeric(s: StoredSample): number | undefined {
  return typeof s.value === 'number' && Number.isFinite(s.value) ? s.value : undefined;
}

/** The state timeline over [from, to): a partition, merged where the state did not change. */
export function stateTimeline(d: MachineData): StateInterval[] {
  const out: StateInterval[] = [];
  const classify = (
    value: number | null,
    since: number,
    cause?: 'bad' | 'missing',
  ): Omit<StateInterval, 'from' | 'to'> => {
    if (value === null) return { state: 'unknown', value: null, since, unknownCause: cause ?? 'bad' };
    const cat = d.stateValues[String(value)];
    return cat === undefined
      ? { state: 'unknown', value, since, unknownCause: 'unmapped' }
      : { state: cat, value, since };
  };
  let cur = classify(d.initialState.value, d.initialState.since, d.initialState.cause);
  let t = d.from;
  const close = (end: number) => {
    if (end <= t) return;
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.to === t && prev.state === cur.state && prev.value === cur.value) prev.to = end;
    else out.push({ from: t, to: end, ...cur });
    t = end;
  };
  for (const s of d.state) {
    if (s.ts < d.from) continue;
    if (s.ts >= d.to) break;
    close(s.ts);
    const v = isBad(s.status) ? null : (numeric(s) ?? null);
    const next = classify(v, s.ts, v === null && !isBad(s.status) ? 'bad' : undefined);
    // A repeated value continues the state (report-by-exception may still repeat values).
    if (!(next.state === cur.state && next.value === cur.value)) cur = next;
  }
  close(d.to);
  return out;
}

/** A drop to below this share of the previous value is a reset to near zero (the counter restarted at 0 and counted since). */
export const RESET_NEAR_ZERO = 0.1;
/** A part counter increment above JUMP_MIN_PARTS + JUMP_RATE × (elapsed / PRT) is a jump. */
export const JUMP_MIN_PARTS = 100;
export const JUMP_RATE = 10;

/**
 * Increments of a counter (a totaliser or part counter: monotonic, docs/kpi.md "Counters"):
 * - a drop from the top tenth of the range to its bottom tenth is a **rollover** (Δ = v + 2^bits − prev);
 * - a drop to near zero (below RESET_NEAR_ZERO × prev, and v itself a plausible increment) is a
 *   **reset**: the counter restarted at 0 and counted v since (Δ = v);
 * - any other drop is a **drop**, and an increase above `maxDelta(prevTs, ts)` a **jump**: a
 *   data-quality event (a device restarted with a stale value, a replaced meter, noise). Its increment
 *   is unknown and booked as 0; the next increments count from the new value.
 * Bad samples mark a gap; the increment across a gap is flagged. The first sample with no baseline only
 * sets the baseline: what it counted before is not knowable.
 */
export function counterEvents(
  baseline: Baseline | undefined,
  samples: readonly StoredSample[],
  bits: number | undefined,
  maxDelta?: (prevTs: number, ts: number) => number,
): CounterEvent[] {
  const out: CounterEvent[] = [];
  let prev = baseline;
  let gap = baseline?.gapAfter ?? false;
  const span = bits === undefined ? undefined : 2 ** bits;
  for (const s of samples) {
    const v = isBad(s.status) ? undefined : numeric(s);
    if (v === undefined) {
      gap = true;
      continue;
    }
    if (prev === undefined) {
      prev = { ts: s.ts, value: v };
      gap = false;
      continue;
    }
    let delta = v - prev.value;
    let kind: CounterKind | undefined;
    if (delta < 0) {
      const max = maxDelta === undefined ? Number.POSITIVE_INFINITY : maxDelta(prev.ts, s.ts);
      const rolled =
        span !== undefined && prev.value >= span * 0.9 && v < span * 0.1 ? v + span - prev.value : undefined;
      if (rolled !== undefined && rolled <= max) {
        delta = rolled;
        kind = 'rollover';
      } else if (
        v >= 0 &&
        v < prev.value * RESET_NEAR_ZERO &&
        // What it counted since the reset must itself be plausible: a spike's return to the true value
        // is a drop, not a reset that books the whole counter.
        v <= max
      ) {
        delta = v;
        kind = 'reset';
      } else if (rolled !== undefined) {
        // Top to bottom of the range, but more than it can count: a jump (below).
        delta = rolled;
        kind = 'rollover';
      } else {
        kind = 'drop';
      }
    }
    if (kind !== 'drop' && maxDelta !== undefined && delta > maxDelta(prev.ts, s.ts)) kind = 'jump';
    if (delta !== 0 || kind !== undefined) {
      const unknown = kind === 'drop' || kind === 'jump';
      const e: CounterEvent = { ts: s.ts, prevTs: prev.ts, delta: unknown ? 0 : delta, acrossGap: gap };
      if (kind !== undefined) e.kind = kind;
      if (unknown) e.raw = v - prev.value;
      out.push(e);
    }
    prev = { ts: s.ts, value: v };
    gap = false;
  }
  return out;
}

/** A step series' value at t (Bad = unknown), for PRT. */
class StepSeries {
  private readonly ts: number[] = [];
  private readonly vs: (number | null)[] = [];
  constructor(initial: number | null, samples: readonly StoredSample[]) {
    this.ts.push(Number.NEGATIVE_INFINITY);
    this.vs.push(initial);
    for (const s of samples) {
      this.ts.push(s.ts);
      this.vs.push(isBad(s.status) ? null : (numeric(s) ?? null));
    }
  }
  at(t: number): number | null {
    let lo = 0;
    let hi = this.ts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.ts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.vs[lo] ?? null;
  }
}

function defaultLoss(state: KnownState): SixBigLoss {
  if (state === 'setup') return 'setupAdjustments';
  if (state === 'delay') return 'idlingMinorStops';
  return 'equipmentFailure';
}

export const STOP_STATES: ReadonlySet<KnownState> = new Set(['setup', 'delay', 'failure', 'repair']);

export interface PartEvent {
  ts: number;
  good: number;
  scrap: number;
  /** PRT in seconds at that moment, or null. */
  prt: number | null;
  /** Excluded: counted across a counter gap or in unknown state time. */
  excluded: boolean;
  kind?: CounterKind;
}

/** A counter's reset, rollover, drop or jump, by counter (counted in the period of its timestamp). */
export interface CounterIssue {
  ts: number;
  prevTs: number;
  counter: 'good' | 'scrap' | 'energy';
  kind: CounterKind;
  /** Raw difference of the two values (drop, jump) or the increment booked (reset, rollover). */
  value: number;
}

/** Everything derived from one machine's data over a loaded range. */
export class MachineModel {
  readonly timeline: StateInterval[];
  readonly pieces: Piece[];
  readonly parts: PartEvent[];
  readonly failureStarts: number[];
  /** Resets, rollovers, drops and jumps of every counter, by time. */
  readonly counterIssues: CounterIssue[];

  constructor(readonly data: MachineData) {
    this.timeline = stateTimeline(data);
    const cuts = new Set<number>(data.cuts.filter((c) => c > data.from && c < data.to));
    for (let q = Math.ceil(data.from / QUARTER_MS) * QUARTER_MS; q < data.to; q += QUARTER_MS) {
      if (q > data.from) cuts.add(q);
    }
    const maintenance = data.maintenance ?? [];
    for (const list of [this.timeline, data.calendar, data.tariff]) {
      for (const i of list) if (i.from > data.from && i.from < data.to) cuts.add(i.from);
    }
    for (const w of maintenance) {
      for (const c of [w.from, w.to]) if (c > data.from && c < data.to) cuts.add(c);
    }
    const points = [data.from, ...[...cuts].sort((a, b) => a - b), data.to];
    this.pieces = [];
    let si = 0;
    let ci = 0;
    let ti = 0;
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k] as number;
      const b = points[k + 1] as number;
      while (si + 1 < this.timeline.length && (this.timeline[si] as StateInterval).to <= a) si++;
      while (ci + 1 < data.calendar.length && (data.calendar[ci] as CalendarInterval).to <= a) ci++;
      while (ti + 1 < data.tariff.length && (data.tariff[ti] as TariffInterval).to <= a) ti++;
      const c = data.calendar[ci];
      const p: Piece = {
        from: a,
        to: b,
        si,
        cal: c?.kind ?? 'off',
        price: data.tariff[ti]?.price ?? 0,
        kwh: 0,
        kwhEstimated: 0,
        kwhUnknownMs: 0,
      };
      if (c?.shiftId !== undefined) p.shiftId = c.shiftId;
      if (maintenance.some((w) => w.from <= a && w.to >= b)) p.maint = true;
      this.pieces.push(p);
    }

    this.counterIssues = [];
    const issues = (counter: CounterIssue['counter'], list: readonly CounterEvent[]) => {
      for (const e of list) {
        if (e.kind === undefined || e.ts < data.from || e.ts >= data.to) continue;
        this.counterIssues.push({ ts: e.ts, prevTs: e.prevTs, counter, kind: e.kind, value: e.raw ?? e.delta });
      }
    };

    // Energy: each increment is spread linearly over the time since the previous sample. A drop or
    // jump books nothing; its interval is time of unknown consumption.
    const scale = data.timeScale ?? 1;
    const maxKw = data.energy.maxPowerKw;
    const energy = counterEvents(
      data.energy.baseline,
      data.energy.samples,
      undefined,
      maxKw === undefined ? undefined : (a, b) => (maxKw * scale * (b - a)) / 3_600_000,
    );
    issues('energy', energy);
    let pi = 0;
    for (const e of energy) {
      const a = Math.max(e.prevTs, data.from);
      const b = Math.min(e.ts, data.to);
      if (b <= a || e.ts <= e.prevTs) continue;
      const unknown = e.kind === 'drop' || e.kind === 'jump';
      const rate = e.delta / (e.ts - e.prevTs);
      while (pi > 0 && (this.pieces[pi] as Piece).from > a) pi--;
      while (pi < this.pieces.length && (this.pieces[pi] as Piece).to <= a) pi++;
      for (let k = pi; k < this.pieces.length; k++) {
        const p = this.pieces[k] as Piece;
        if (p.from >= b) break;
        const ms = Math.min(p.to, b) - Math.max(p.from, a);
        if (unknown) {
          p.kwhUnknownMs += ms;
          continue;
        }
        const kwh = rate * ms;
        p.kwh += kwh;
        if (e.acrossGap) p.kwhEstimated += kwh;
      }
    }

    // Parts: increments are discrete, at the sample's timestamp.
    const rawPrt = new StepSeries(data.prt.initial, data.prt.samples);
    // PRT in hub time (seconds of timestamps per part).
    const prt = {
      at: (t: number): number | null => {
        const p = rawPrt.at(t) ?? data.prt.fixed ?? null;
        return p === null ? null : p / scale;
      },
    };
    const bits = data.counterBits;
    const events = new Map<number, PartEvent>();
    const add = (list: CounterEvent[], field: 'good' | 'scrap') => {
      for (const e of list) {
        if (e.ts < data.from || e.ts >= data.to) continue;
        let pe = events.get(e.ts);
        if (pe === undefined) {
          const p = prt.at(e.ts);
          pe = { ts: e.ts, good: 0, scrap: 0, prt: p, excluded: false };
          events.set(e.ts, pe);
        }
        pe[field] += e.delta;
        if (e.acrossGap || this.stateAt(e.ts) === 'unknown') pe.excluded = true;
        if (e.kind !== undefined) pe.kind = e.kind;
      }
    };
    // No machine counts ten times faster than its ideal cycle time (plus a margin for a burst of
    // buffered counts); without a PRT no jump can be told.
    const maxParts = (a: number, b: number) => {
      const p = prt.at(b);
      return p === null || !(p > 0) ? Number.POSITIVE_INFINITY : JUMP_MIN_PARTS + (JUMP_RATE * (b - a)) / 1000 / p;
    };
    const good = counterEvents(data.good.baseline, data.good.samples, bits, maxParts);
    const scrap = counterEvents(data.scrap.baseline, data.scrap.samples, bits, maxParts);
    add(good, 'good');
    add(scrap, 'scrap');
    issues('good', good);
    issues('scrap', scrap);
    this.counterIssues.sort((a, b) => a.ts - b.ts);
    this.parts = [...events.values()].sort((a, b) => a.ts - b.ts);

    this.failureStarts = [];
    for (let i = 1; i < this.timeline.length; i++) {
      const cur = this.timeline[i] as StateInterval;
      const prev = this.timeline[i - 1] as StateInterval;
      if (cur.state === 'failure' && prev.state !== 'failure' && prev.state !== 'unknown')
        this.failureStarts.push(cur.from);
    }
  }

  stateAt(t: number): KnownState {
    let lo = 0;
    let hi = this.timeline.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.timeline[mid] as StateInterval).from <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.timeline[lo]?.state ?? 'unknown';
  }

  /** Loss group of the stop that a state interval is (its reason's, else by state). */
  lossOf(si: number): SixBigLoss {
    const s = this.timeline[si] as StateInterval;
    return this.data.reasons.get(s.since)?.loss ?? defaultLoss(s.state);
  }

  /** Sums the elements over [a, b); a and b must be piece boundaries (hours, quarter hours, shifts, local days, the range). */
  elementsOf(a: number, b: number): KpiElements {
    const e = emptyElements();
    for (const p of this.pieces) {
      if (p.to <= a) continue;
      if (p.from >= b) break;
      const dur = Math.min(p.to, b) - Math.max(p.from, a);
      const s = this.timeline[p.si] as StateInterval;
      e.totalMs += dur;
      e.kwh += p.kwh;
      e.kwhEstimated += p.kwhEstimated;
      e.kwhUnknownMs += p.kwhUnknownMs;
      e.energyCost += p.kwh * p.price;
      if (s.state === 'unknown') {
        e.unknownMs += dur;
        if (p.cal !== 'off') e.unknownPlannedMs += dur;
        continue;
      }
      if (s.state !== 'running') e.idleKwh += p.kwh;
      if (s.state === 'running') {
        e.pbtMs += dur;
        e.aptMs += dur;
        if (p.cal !== 'work' || p.maint) e.runOutsidePlanMs += dur;
      } else if (p.cal === 'off') {
        e.notScheduledMs += dur;
      } else if (p.cal === 'break' || p.maint || s.state === 'plannedDown') {
        // A work order's planned window is planned downtime (ISO 22400-2 PDOT), whatever the state says.
        e.pdotMs += dur;
        if (p.maint) e.maintenanceMs += dur;
      } else {
        e.pbtMs += dur;
        if (s.state === 'setup') e.austMs += dur;
        else if (s.state === 'delay') e.adetMs += dur;
        else e.adotMs += dur;
        const loss = this.lossOf(p.si);
        e[`${loss}Ms` as 'equipmentFailureMs' | 'setupAdjustmentsMs' | 'idlingMinorStopsMs'] += dur;
      }
    }
    e.potMs = e.pbtMs + e.pdotMs;
    for (const pe of this.parts) {
      if (pe.ts < a) continue;
      if (pe.ts >= b) break;
      const n = pe.good + pe.scrap;
      if (pe.excluded) {
        e.pqUnknown += n;
        e.gqUnknown += pe.good;
        continue;
      }
      e.gq += pe.good;
      e.sq += pe.scrap;
      if (pe.prt === null) e.pqNoPrt += n;
      else e.prtPqMs += n * pe.prt * 1000;
    }
    for (const c of this.counterIssues) {
      if (c.ts < a) continue;
      if (c.ts >= b) break;
      if (c.kind === 'reset') e.counterResets++;
      else if (c.kind === 'rollover') e.counterRollovers++;
      else if (c.kind === 'drop') e[c.counter === 'energy' ? 'energyDrops' : 'counterDrops']++;
      else e[c.counter === 'energy' ? 'energyJumps' : 'counterJumps']++;
    }
    for (const f of this.failureStarts) if (f >= a && f < b) e.failures++;
    return e;
  }

  /** kWh per complete quarter hour inside [a, b), by quarter start (for peak demand). */
  quarters(a: number, b: number): Map<number, number> {
    const out = new Map<number, number>();
    const first = Math.ceil(Math.max(a, this.data.from) / QUARTER_MS) * QUARTER_MS;
    const last = Math.floor(Math.min(b, this.data.to) / QUARTER_MS) * QUARTER_MS;
    for (const p of this.pieces) {
      if (p.from < first || p.to > last) continue;
      const q = Math.floor(p.from / QUARTER_MS) * QUARTER_MS;
      out.set(q, (out.get(q) ?? 0) + p.kwh);
    }
    return out;
  }

  /** Stops (setup, delay, failure, repair state intervals) overlapping [a, b), with the planned busy time they took. */
  stops(a: number, b: number): Stop[] {
    const byInterval = new Map<number, Stop>();
    for (const p of this.pieces) {
      if (p.to <= a) continue;
      if (p.from >= b) break;
      const s = this.timeline[p.si] as StateInterval;
      if (!STOP_STATES.has(s.state)) continue;
      let stop = byInterval.get(p.si);
      if (stop === undefined) {
        const r = this.data.reasons.get(s.since);
        stop = {
          machine: this.data.machine,
          id: s.since,
          start: s.since,
          end: s.to,
          ongoing: s.to >= this.data.to,
          state: s.state as StateCategory,
          value: s.value,
          lostMs: 0,
          loss: this.lossOf(p.si),
        };
        if (r !== undefined) stop.reason = r.reason;
        byInterval.set(p.si, stop);
      }
      if (p.cal === 'work' && !p.maint) stop.lostMs += Math.min(p.to, b) - Math.max(p.from, a);
    }
    return [...byInterval.values()];
  }
}

export interface Stop {
  machine: string;
  /** Stable id: epoch ms of the state sample that began the stop. */
  id: number;
  start: number;
  end: number;
  ongoing: boolean;
  state: StateCategory;
  value: number | null;
  /** Planned busy time the stop took inside the queried range (breaks and off-shift time excluded). */
  lostMs: number;
  loss: SixBigLoss;
  reason?: string;
}
