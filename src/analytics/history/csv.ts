import { isoLocal, type SeriesRow } from '../kpi/index.js';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Splits one CSV line (RFC 4180 quoting; a quoted field cannot span lines here: history rows are
 * one line each). Returns undefined for an unterminated quote.
 */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
    } else {
      const c = line.indexOf(',', i);
      out.push((c < 0 ? line.slice(i) : line.slice(i, c)).trim());
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    if (line[i] !== ',') return undefined;
    i++;
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

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
