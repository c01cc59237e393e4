import type { MachineKind } from './layout.js';

/**
 * The catalogue of process variables per machine kind: the contract between the physics (which
 * fills `values[path]`) and the address space (which exposes `<Machine>/<Group>/<Name>`).
 *
 * `path` is `<Group>.<Name>`; the group becomes an object below the machine, the name a variable.
 * Analog values (with a unit) become AnalogItemType with EngineeringUnits and EURange; counters and
 * strings become BaseDataVariableType. Values are rounded to `resolution` (the sensor's resolution),
 * which is both realistic and what lets a historian's deadband compression do its job.
 */
export type UnitKey =
  | 'degC'
  | 'rpm'
  | 'percent'
  | 'mmPerS'
  | 'kW'
  | 'kWh'
  | 'second'
  | 'hour'
  | 'bar'
  | 'm3PerMin'
  | 'gram'
  | 'perMinute'
  | 'volt'
  | 'ampere'
  | 'hertz'
  | 'one';

export interface SignalSpec {
  path: string;
  dataType: 'Double' | 'UInt32' | 'String';
  unit?: UnitKey;
  /** EURange: the range the value normally lies in. */
  range?: readonly [number, number];
  /** Sensor resolution the value is rounded to (Double only). */
  resolution?: number;
  description: string;
  /** A setpoint the plant accepts OPC UA Writes to (CurrentRead | CurrentWrite); the rest are read-only. */
  writable?: boolean;
}

const OPERATING_HOURS: SignalSpec = {
  path: 'Status.OperatingHours',
  dataType: 'Double',
  unit: 'hour',
  range: [0, 200_000],
  resolution: 0.01,
  description: 'Running hours of the machine (increases only while Running)',
};
const HEALTH: SignalSpec = {
  path: 'Condition.Health',
  dataType: 'Double',
  unit: 'percent',
  range: [0, 100],
  resolution: 1,
  description: "The machine's own health estimate, 100 = as new, 0 = failure imminent",
};
const POWER = (high: number): SignalSpec => ({
  path: 'Energy.Power',
  dataType: 'Double',
  unit: 'kW',
  range: [0, high],
  resolution: 0.01,
  description: 'Active electrical power',
});
const ENERGY: SignalSpec = {
  path: 'Energy.EnergyTotal',
  dataType: 'Double',
  unit: 'kWh',
  range: [0, 1e9],
  resolution: 0.001,
  description: 'Active energy counter, monotonically increasing',
};
const PRODUCTION: readonly SignalSpec[] = [
  { path: 'Production.GoodParts', dataType: 'UInt32', description: 'Counter of good parts produced' },
  { path: 'Production.ScrapParts', dataType: 'UInt32', description: 'Counter of scrapped (rejected) parts' },
  {
    path: 'Production.IdealCycleTime',
    dataType: 'Double',
    unit: 'second',
    range: [0, 600],
    resolution: 0.01,
    description: 'Ideal cycle time of the current job, per part; writable (a setpoint until the next job sets its own)',
    writable: true,
  },
  { path: 'Production.JobNumber', dataType: 'String', description: 'Work order being produced' },
];

export const SIGNALS: Record<MachineKind, readonly SignalSpec[]> = {
  cnc: [
    OPERATING_HOURS,
    {
      path: 'Spindle.Speed',
      dataType: 'Double',
      unit: 'rpm',
      range: [0, 24_000],
      resolution: 1,
      description: 'Spindle speed',
    },
    {
      path: 'Spindle.Load',
      dataType: 'Double',
      unit: 'percent',
      range: [0, 100],
      resolution: 0.1,
      description: 'Spindle load',
    },
    {
      path: 'Bearing.Temperature',
      dataType: 'Double',
      unit: 'degC',
      range: [0, 120],
      resolution: 0.1,
      description: 'Spindle bearing temperature',
    },
    {
      path: 'Bearing.VibrationRMS',
      dataType: 'Double',
      unit: 'mmPerS',
      range: [0, 50],
      resolution: 0.01,
      description: 'Spindle bearing vibration velocity, RMS (ISO 10816)',
    },
    {
      path: 'Bearing.Wear',
      dataType: 'Double',
      unit: 'percent',
      range: [0, 100],
      resolution: 0.1,
      description: 'Spindle bearing wear; the machine faults at 100 %',
    },
    {
      path: 'Coolant.Temperature',
      dataType: 'Double',
      unit: 'degC',
      range: [0, 60],
      resolution: 0.1,
      description: 'Coolant temperature',
    },
    POWER(40),
    ENERGY,
    ...PRODUCTION,
    {
      path: 'Tool.Wear',
      dataType: 'Double',
      unit: 'percent',
      range: [0, 100],
      resolution: 0.1,
      description: 'Wear of the active tool; raises the scrap rate, tool change at the limit',
    },
    HEALTH,
  ],
  filling: [
    OPERATING_HOURS,
    {
      path: 'Filler.Speed',
      dataType: 'Double',
      unit: 'perMinute',
      range: [0, 600],
      resolution: 1,
      description: 'Filling speed in bottles per minute',
    },
    {
      path: 'Filler.FillWeight',
      dataType: 'Double',
      unit: 'gram',
      range: [480, 520],
      resolution: 0.1,
      description: 'Net fill weight of the last bottle (target 500 g)',
    },
    {
      path: 'Filler.ValveWear',
      dataType: 'Double',
      unit: 'percent',
      range: [0, 100],
      resolution: 0.1,
      description: 'Filling valve wear; widens the fill-weight spread, valve service at the limit',
    },
    {
      path: 'Drive.Temperature',
      dataType: 'Double',
      unit: 'degC',
      range: [0, 120],
      resolution: 0.1,
      description: 'Main drive bearing temperature',
    },
    {
      path: 'Drive.VibrationRMS',
      dataType: 'Double',
      unit: 'mmPerS',
      range: [0, 50],
      resolution: 0.01,
      description: 'Main drive vibration velocity, RMS',
    },
    {
      path: 'Drive.Wear',
      dataType: 'Double',
      unit: 'percent',
      range: [0, 100],
      resolution: 0.1,
      description: 'Main drive bearing wear; the line faults at 100 %',
    },
    POWER(60),
    ENERGY,
    ...PRODUCTION,
    HEALTH,
  ],
  compressor: [
    OPERATING_HOURS,
    {
      path: 'Air.Pressure',
      dataType: 'Double',
      unit: 'bar',
      range: [0, 10],
      resolution: 0.01,
      description: 'Network pressure (gauge); production stops below 5 bar',
    },
    {
      path: 'Air.Flow',
      dataType: 'Double',
      unit: 'm3PerMin',
      range: [0, 1000],
      resolution: 0.01,
      description: 'Free air delivery',
    },
    {
      path: 'Motor.Temperature',
      dataType: 'Double',
      unit: 'degC',
      range: [0, 150],
      resolution: 0.1,
      description: 'Motor winding temperature',
    },
    {
      path: 'Motor.VibrationRMS',
      dataType: 'Double',
      unit: 'mmPerS',
      range: [0, 50],
      resolution: 0.01,
      description: 'Motor vibration velocity, RMS',
    },
    {
      path: 'Motor.Wear',
      dataType: 'Double',
      unit: 'percent',
      range: [0, 100],
      resolution: 0.1,
      description: 'Motor bearing wear; the compressor faults at 100 %',
    },
    POWER(10_000),
    ENERGY,
    HEALTH,
  ],
  'energy-meter': [
    POWER(100_000),
    ENERGY,
    {
      path: 'Electrical.Voltage',
      dataType: 'Double',
      unit: 'volt',
      range: [360, 440],
      resolution: 0.1,
      description: 'Line-to-line voltage',
    },
    {
      path: 'Electrical.Current',
      dataType: 'Double',
      unit: 'ampere',
      range: [0, 200_000],
      resolution: 0.1,
      description: 'Phase current',
    },
    {
      path: 'Electrical.PowerFactor',
      dataType: 'Double',
      unit: 'one',
      range: [0, 1],
      resolution: 0.001,
      description: 'Power factor',
    },
    {
      path: 'Electrical.Frequency',
      dataType: 'Double',
      unit: 'hertz',
      range: [49, 51],
      resolution: 0.01,
      description: 'Grid frequency',
    },
  ],
};

/** Rounds to the sensor resolution; `Math.round(x * inv) / inv` keeps the decimal form clean (0.1, not 0.1000000001). */
export function quantize(value: number, resolution: number): number {
  if (resolution >= 1) return Math.round(value / resolution) * resolution;
  const inv = Math.round(1 / resolution);
  return Math.round(value * inv) / inv;
}
