import { JUMP_RATE, type KpiElements } from './model.js';

/**
 * KPIs from summed elements (ISO 22400-2 formulas; docs/kpi.md). A ratio whose denominator is zero is
 * `null` ("not defined"), never 0 or 1, except OEE, which is 0 when there was planned busy time and
 * nothing was produced (see `oee`).
 */
export interface Kpis {
  /** Availability = APT / PBT. */
  availability: number | null;
  /** Effectiveness = Σ(PRT × PQ) / APT. */
  effectiveness: number | null;
  /** Quality ratio = GQ / PQ. */
  quality: number | null;
  /** OEE index = Availability × Effectiveness × Quality ratio. */
  oee: number | null;
  /** Why OEE is null, when it is. */
  oeeUndefinedBecause?: string;
  /** Scrap ratio = SQ / PQ. */
  scrapRatio: number | null;
  /** Setup rate = AUST / AUPT, AUPT = APT + AUST. */
  setupRatio: number | null;
  /** Technical efficiency = APT / (APT + ADET). */
  technicalEfficiency: number | null;
  /** MTBF = Σ TBF / (FE + 1), TBF summed = APT; ms. */
  mtbfMs: number | null;
  /** MTTR = Σ TTR / FE, TTR summed = ADOT; ms. */
  mttrMs: number | null;
  /** Throughput rate = PQ / AOET, AOET taken as PBT (no orders); parts per hour. */
  throughputPerHour: number | null;
  pq: number;
  gq: number;
  sq: number;
  /** Energy. */
  kwh: number;
  kwhPerGoodPart: number | null;
  idleKwh: number;
  idleShare: number | null;
  energyCost: number;
  co2eKg: number;
  /** Highest 15-min average power (kW) over complete quarter hours; null when none was complete. */
  peakDemandKw: number | null;
  peakDemandAt: number | null;
  /** Share of the period with no trustworthy state. */
  unknownShare: number | null;
  /** Plausibility: every figure outside its physical bound, and every total a data-quality event touched. */
  flags: KpiFlag[];
}

/**
 * Why a figure cannot be trusted as it stands (docs/kpi.md, "Plausibility flags"):
 * - `idealCycleTime`: more was produced than the ideal cycle time allows (effectiveness > 1): the PRT
 *   is too long, or the machine's clock runs faster than the hub's (an accelerated simulation);
 * - `counterJump` / `counterDrop`: a counter jumped or dropped with no rollover or reset to explain it;
 *   its increment is unknown and not counted;
 * - `clock`: a time element is inconsistent (APT > PBT), e.g. timestamps out of order.
 */
export type KpiFlagReason = 'idealCycleTime' | 'counterJump' | 'counterDrop' | 'clock';

export interface KpiFlag {
  /** The figure flagged (a key of Kpis). */
  kpi: string;
  reason: KpiFlagReason;
  message: string;
}

/** Ratios that are at most 1 by their physics (ISO 22400-2: APT ≤ PBT, Σ PRT×PQ ≤ APT, GQ ≤ PQ). */
const BOUNDED = ['availability', 'effectiveness', 'quality', 'oee'] as const;
/** Slack for floating-point sums of milliseconds. */
const EPS = 1e-9;

function flagsOf(e: Readonly<KpiElements>, k: Omit<Kpis, 'flags'>): KpiFlag[] {
  const out: KpiFlag[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  for (const key of BOUNDED) {
    const v = k[key];
    if (v === null || (v >= -EPS && v <= 1 + EPS)) continue;
    let reason: KpiFlagReason;
    let why: string;
    if (key === 'availability') {
      reason = 'clock';
      why = 'actual production time exceeds planned busy time: timestamps out of order';
    } else if (key === 'quality') {
      reason = e.counterDrops + e.counterJumps > 0 ? (e.counterJumps > 0 ? 'counterJump' : 'counterDrop') : 'clock';
      why = 'good parts exceed parts produced: the good and scrap counters disagree';
    } else if (e.counterJumps > 0) {
      reason = 'counterJump';
      why = `${e.counterJumps} part counter jump(s) in the period`;
    } else {
      reason = 'idealCycleTime';
      why =
        'more parts than the ideal cycle time allows in the production time: the ideal cycle time (PRT) is too long, or the machine runs on a faster clock than the hub (an accelerated simulation)';
    }
    out.push({ kpi: key, reason, message: `${key} ${pct(v)} is above 100 %: ${why}` });
  }
  if (e.counterDrops > 0)
    out.push({
      kpi: 'pq',
      reason: 'counterDrop',
      message: `${e.counterDrops} part counter drop(s) with no rollover or reset to explain them: the parts counted meanwhile are unknown and not included`,
    });
  if (e.counterJumps > 0)
    out.push({
      kpi: 'pq',
      reason: 'counterJump',
      message: `${e.counterJumps} part counter jump(s) faster than ${JUMP_RATE}× the ideal rate: not counted as production`,
    });
  const unknownMin = (e.kwhUnknownMs / 60_000).toFixed(1);
  if (e.energyDrops > 0)
    out.push({
      kpi: 'kwh',
      reason: 'counterDrop',
      message: `${e.energyDrops} energy counter drop(s) with no reset to explain them: ${unknownMin} min of consumption unknown and not included`,
    });
  if (e.energyJumps > 0)
    out.push({
      kpi: 'kwh',
      reason: 'counterJump',
      message: `${e.energyJumps} energy counter jump(s) above the machine's maximum power: ${unknownMin} min of consumption unknown and not included`,
    });
  return out;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function kpisOf(
  e: Readonly<KpiElements>,
  co2eFactor: number,
  peak?: { kw: number; at: number } | undefined,
): Kpis {
  const pq = e.gq + e.sq;
  const availability = ratio(e.aptMs, e.pbtMs);
  const hasPrt = pq > 0 && e.pqNoPrt === 0;
  const effectiveness = e.aptMs > 0 ? (pq === 0 ? 0 : hasPrt ? e.prtPqMs / e.aptMs : null) : null;
  const quality = ratio(e.gq, pq);
  let oee: number | null = null;
  let because: string | undefined;
  if (e.pbtMs <= 0) because = 'no planned busy time (PBT = 0)';
  else if (e.aptMs === 0 || pq === 0) oee = 0;
  else if (effectiveness === null) because = `PRT unknown for ${e.pqNoPrt} parts`;
  else oee = (availability as number) * effectiveness * (quality as number);
  const k: Omit<Kpis, 'flags'> & { flags?: KpiFlag[] } = {
    availability,
    effectiveness,
    quality,
    oee,
    scrapRatio: ratio(e.sq, pq),
    setupRatio: ratio(e.austMs, e.aptMs + e.austMs),
    technicalEfficiency: ratio(e.aptMs, e.aptMs + e.adetMs),
    mtbfMs: e.pbtMs > 0 ? e.aptMs / (e.failures + 1) : null,
    mttrMs: e.failures > 0 ? e.adotMs / e.failures : null,
    throughputPerHour: e.pbtMs > 0 ? pq / (e.pbtMs / 3_600_000) : null,
    pq,
    gq: e.gq,
    sq: e.sq,
    kwh: e.kwh,
    // Over the same parts as its kWh: the kWh of a counter gap is estimated and kept, so are the good
    // parts counted across it (excluded from PQ only because their time is unknown).
    kwhPerGoodPart: ratio(e.kwh, e.gq + e.gqUnknown),
    idleKwh: e.idleKwh,
    idleShare: ratio(e.idleKwh, e.kwh),
    energyCost: e.energyCost,
    co2eKg: e.kwh * co2eFactor,
    peakDemandKw: peak?.kw ?? null,
    peakDemandAt: peak?.at ?? null,
    unknownShare: ratio(e.unknownMs, e.totalMs),
  };
  if (because !== undefined) k.oeeUndefinedBecause = because;
  k.flags = flagsOf(e, k);
  return k as Kpis;
}

export interface WaterfallStep {
  key: string;
  /** ISO 22400-2 element or Six Big Losses name. */
  label: string;
  kind: 'total' | 'loss';
  ms: number | null;
}

/**
 * The OEE loss waterfall, from planned operation time to fully productive time:
 * POT − PDOT = PBT; PBT − (equipment failure + setup + idling/minor stops) = APT;
 * APT − reduced speed = net production time (Σ PRT×PQ); − quality loss = fully productive time = OEE × PBT.
 * The losses between PBT and fully productive time add up to PBT exactly.
 */
export function waterfallOf(e: Readonly<KpiElements>): WaterfallStep[] {
  const pq = e.gq + e.sq;
  const known = pq === 0 || e.pqNoPrt === 0;
  const net = known ? e.prtPqMs : null;
  const qualityLoss = net === null ? null : pq > 0 ? net * (e.sq / pq) : 0;
  return [
    { key: 'pot', label: 'Planned operation time (POT)', kind: 'total', ms: e.potMs },
    { key: 'pdot', label: 'Planned down time (PDOT)', kind: 'loss', ms: e.pdotMs },
    { key: 'pbt', label: 'Planned busy time (PBT)', kind: 'total', ms: e.pbtMs },
    { key: 'equipmentFailure', label: 'Equipment failure', kind: 'loss', ms: e.equipmentFailureMs },
    { key: 'setupAdjustments', label: 'Setup and adjustments', kind: 'loss', ms: e.setupAdjustmentsMs },
    { key: 'idlingMinorStops', label: 'Idling and minor stops', kind: 'loss', ms: e.idlingMinorStopsMs },
    { key: 'apt', label: 'Actual production time (APT)', kind: 'total', ms: e.aptMs },
    { key: 'reducedSpeed', label: 'Reduced speed', kind: 'loss', ms: net === null ? null : e.aptMs - net },
    { key: 'net', label: 'Net production time (Σ PRT × PQ)', kind: 'total', ms: net },
    { key: 'quality', label: 'Defects and reduced yield (PRT × SQ)', kind: 'loss', ms: qualityLoss },
    {
      key: 'fullyProductive',
      label: 'Fully productive time (PRT × GQ)',
      kind: 'total',
      ms: net === null || qualityLoss === null ? null : net - qualityLoss,
    },
  ];
}
