import type { KpiElements } from './model.js';

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
  const k: Kpis = {
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
    kwhPerGoodPart: ratio(e.kwh, e.gq),
    idleKwh: e.idleKwh,
    idleShare: ratio(e.idleKwh, e.kwh),
    energyCost: e.energyCost,
    co2eKg: e.kwh * co2eFactor,
    peakDemandKw: peak?.kw ?? null,
    peakDemandAt: peak?.at ?? null,
    unknownShare: ratio(e.unknownMs, e.totalMs),
  };
  if (because !== undefined) k.oeeUndefinedBecause = because;
  return k;
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
