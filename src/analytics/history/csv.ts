import { isoLocal, type SeriesRow } from '../kpi/index.js';

/** The shared CSV writer and reader (src/model/csv.ts): formula cells neutralised, limits on reading. */
export { csvCell as csvField, splitCsvLine } from '../../model/csv.js';

import { csvCell as csvField } from '../../model/csv.js';

const KPI_COLUMNS = [
  'availability',
  'effectiveness',
  'quality',
  'oee',
  'scrapRatio',
  'setupRatio',
  'mtbfMs',
  'mttrMs',
  'throughputPerHour',
  'pq',
  'gq',
  'sq',
  'kwh',
  'kwhPerGoodPart',
  'idleKwh',
  'energyCost',
  'co2eKg',
  'peakDemandKw',
  'unknownShare',
] as const;

const ELEMENT_COLUMNS = [
  'totalMs',
  'unknownMs',
  'potMs',
  'pdotMs',
  'pbtMs',
  'aptMs',
  'austMs',
  'adetMs',
  'adotMs',
  'prtPqMs',
  'pqUnknown',
  'gqUnknown',
  'failures',
  'counterResets',
  'counterRollovers',
  'counterDrops',
  'counterJumps',
  'energyDrops',
  'energyJumps',
  'kwhEstimated',
  'kwhUnknownMs',
] as const;

/** The KPI table of a series as CSV: one row per period, KPIs then ISO 22400-2 elements. */
export function kpiTableCsv(scope: string, rows: readonly SeriesRow[], timezone = 'UTC'): string {
  const head = [
    'scope',
    'period',
    'start',
    'end',
    'start_local',
    'closed',
    ...KPI_COLUMNS,
    'flags',
    ...ELEMENT_COLUMNS,
  ];
  const lines = [head.join(',')];
  for (const r of rows) {
    lines.push(
      [
        csvField(scope),
        csvField(r.label),
        new Date(r.start).toISOString(),
        new Date(r.end).toISOString(),
        isoLocal(timezone, r.start),
        r.closed ? 'true' : 'false',
        ...KPI_COLUMNS.map((k) => csvField(r.kpis[k])),
        // `kpi:reason` pairs, `;`-separated: a figure above its bound is exported as computed, with its flag.
        csvField(r.kpis.flags.map((f) => `${f.kpi}:${f.reason}`).join(';')),
        ...ELEMENT_COLUMNS.map((k) => csvField(r.elements[k])),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
