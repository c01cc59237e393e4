/**
 * Machine states and the ISA-101 rule: colour only for abnormal conditions. A running or stopped
 * machine is grey; Fault (alarm) and Maintenance (warning) and lost communication stand out.
 */

export type Severity = 'normal' | 'warning' | 'alarm' | 'stale';

export interface StateInfo {
  code: number;
  label: string;
  severity: Severity;
  /** Producing? Drives the filled/hollow glyph, not a colour. */
  active: boolean;
}

/** The demo plant's `Status/MachineState` (MultiStateDiscrete): 0 Running … 5 Maintenance. */
const DEFAULT_STATES = ['Running', 'Idle', 'Setup', 'PlannedStop', 'Fault', 'Maintenance'];

const SEVERITY: Record<string, Severity> = { Fault: 'alarm', Maintenance: 'warning' };

/** Reads state names from a tag description like `Machine state: 0 Running, 1 Idle, …`. */
export function statesFromDescription(description: string | undefined): string[] {
  const names: string[] = [];
  for (const m of (description ?? '').matchAll(/\b(\d+) ([A-Z][A-Za-z]*)/g)) names[Number(m[1])] = m[2] as string;
  return names.length > 0 ? names : DEFAULT_STATES;
}

export function stateInfo(
  code: number | null | undefined,
  names: readonly string[] = DEFAULT_STATES,
): StateInfo | undefined {
  if (code === null || code === undefined || !Number.isFinite(code)) return undefined;
  const raw = names[code] ?? `State ${code}`;
  return {
    code,
    label: raw.replace(/([a-z])([A-Z])/g, '$1 $2'),
    severity: SEVERITY[raw] ?? 'normal',
    active: code === 0,
  };
}

export type Quality = 'Good' | 'Uncertain' | 'Bad';

export function qualityOf(statusCode: number): Quality {
  const sev = statusCode >>> 30;
  return sev === 0 ? 'Good' : sev === 1 ? 'Uncertain' : 'Bad';
}

/** Tag-name suffixes shown on a machine tile, in order of preference (at most three are shown). */
export const KEY_TAGS = [
  'spindle/speed',
  'spindle/load',
  'filler/speed',
  'filler/fill_weight',
  'air/pressure',
  'air/flow',
  'bearing/temperature',
  'drive/temperature',
  'motor/temperature',
  'energy/power',
  'electrical/voltage',
  'electrical/current',
  'condition/health',
];

/** The tile's sparkline tag, in order of preference. */
export const SPARK_TAGS = ['spindle/load', 'filler/speed', 'air/pressure', 'energy/power'];

export const STATE_TAG = 'status/machine_state';
