import type { Kpis } from '../api';
import { num, pct } from '../format';

export interface KpiTile {
  key: string;
  label: string;
  value: string;
  unit?: string;
  /** ISA-101: colour only where attention is needed. */
  severity: 'normal' | 'warning' | 'stale';
  hint?: string;
  /** Reasons of the plausibility flags on this figure. */
  flagged?: string[];
}

/** Unknown time above this share of the range needs attention (the figures rest on less data). */
const UNKNOWN_WARN = 0.05;

export function kpiTiles(k: Kpis): KpiTile[] {
  const ratio = (key: keyof Kpis, label: string): KpiTile => ({
    key,
    label,
    value: pct(k[key] as number | null),
    severity: 'normal',
    hint: k[key] === null ? 'not defined: no planned busy time' : undefined,
  });
  const tiles: KpiTile[] = [
    {
      key: 'oee',
      label: 'OEE',
      value: pct(k.oee),
      severity: 'normal',
      hint: k.oee === null ? (k.oeeUndefinedBecause ?? 'not defined') : 'Availability × Effectiveness × Quality',
    },
    ratio('availability', 'Availability'),
    ratio('effectiveness', 'Effectiveness'),
    ratio('quality', 'Quality'),
    {
      key: 'kwhPerGoodPart',
      label: 'Energy per good part',
      value: num(k.kwhPerGoodPart),
      unit: 'kWh',
      severity: 'normal',
      hint: `${num(k.kwh)} kWh / ${k.gq} good parts`,
    },
    {
      key: 'energyCost',
      label: 'Energy cost',
      value: num(k.energyCost, 2),
      severity: 'normal',
      hint: `${num(k.kwh)} kWh`,
    },
    { key: 'co2eKg', label: 'CO2e', value: num(k.co2eKg), unit: 'kg', severity: 'normal' },
    {
      key: 'peakDemandKw',
      label: 'Peak demand (15 min)',
      value: num(k.peakDemandKw),
      unit: 'kW',
      severity: 'normal',
      hint: k.peakDemandKw === null ? 'no complete quarter hour yet' : undefined,
    },
    {
      key: 'unknownShare',
      label: 'Unknown time',
      value: pct(k.unknownShare),
      severity: (k.unknownShare ?? 0) > UNKNOWN_WARN ? 'stale' : 'normal',
      hint: 'no Good state data: counted neither as running nor as stopped',
    },
  ];
  return tiles.map((t) => flagged(t, k));
}

/** Which tiles a flag on a figure concerns: parts and energy totals flag the figures made from them. */
const FLAGGED_BY: Record<string, readonly string[]> = {
  pq: ['oee', 'effectiveness', 'quality', 'kwhPerGoodPart'],
  kwh: ['kwhPerGoodPart', 'energyCost', 'co2eKg', 'peakDemandKw'],
};

/** A tile whose figure is flagged (docs/kpi.md, "Plausibility flags") says so: warning colour, "!" and the reason. */
function flagged(t: KpiTile, k: Kpis): KpiTile {
  const flags = (k.flags ?? []).filter((f) => f.kpi === t.key || FLAGGED_BY[f.kpi]?.includes(t.key));
  if (flags.length === 0) return t;
  return {
    ...t,
    severity: 'warning',
    flagged: flags.map((f) => f.reason),
    hint: [...flags.map((f) => f.message), t.hint].filter(Boolean).join('. '),
  };
}

/** The KPI tiles: each is a link to the state timeline behind its figure. */
export function KpiTiles({ kpis, drillHref, compact }: { kpis: Kpis; drillHref: string; compact?: boolean }) {
  const tiles = kpiTiles(kpis);
  return (
    <ul className={`kpi-tiles${compact ? ' kpi-tiles-compact' : ''}`} data-testid="kpi-tiles">
      {tiles.map((t) => (
        <li key={t.key}>
          <a
            className={`kpi-tile kpi-${t.severity}`}
            href={drillHref}
            data-testid={`kpi-${t.key}`}
            data-flags={t.flagged?.join(' ')}
            title={`${t.hint ? `${t.hint}. ` : ''}Show the state timeline behind it`}
          >
            <span className="kpi-label">{t.label}</span>
            <span className="kpi-value">
              {t.severity === 'stale' && <span aria-hidden="true">? </span>}
              {t.flagged && (
                <span className="kpi-flag" role="img" aria-label={`flagged: ${t.flagged.join(', ')}`}>
                  !{' '}
                </span>
              )}
              {t.value}
              {t.unit && <span className="unit"> {t.unit}</span>}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
