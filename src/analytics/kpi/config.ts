import { z } from 'zod';
import { duration } from '../../config/types.js';
import { WEEKDAYS } from '../../model/index.js';

/**
 * The `kpi:` config key, declared once as data. Every default here is the one the demo plant needs,
 * so `gotthard start --demo` computes OEE and energy KPIs with no configuration.
 */

/** What a machine state means for the ISO 22400-2 time model (see docs/kpi.md). */
export const STATE_CATEGORIES = ['running', 'setup', 'delay', 'failure', 'repair', 'plannedDown'] as const;
export type StateCategory = (typeof STATE_CATEGORIES)[number];

/** The Six Big Losses (Nakajima, TPM); the availability ones are what stop reasons are grouped into. */
export const SIX_BIG_LOSSES = [
  'equipmentFailure',
  'setupAdjustments',
  'idlingMinorStops',
  'reducedSpeed',
  'processDefects',
  'reducedYield',
] as const;
export type SixBigLoss = (typeof SIX_BIG_LOSSES)[number];

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local clock time HH:MM, e.g. 06:00')
  .describe('Local clock time HH:MM in the site’s time zone.');

export { WEEKDAYS };

const days = z
  .array(z.enum(WEEKDAYS))
  .min(1)
  .default([...WEEKDAYS])
  .describe('Days of the week (of the start time) this applies to.');

const breakSchema = z
  .object({
    name: z.string().default('break'),
    start: clock,
    end: clock.describe('End (exclusive), local clock time; may be past midnight for night shifts.'),
  })
  .strict();

const shiftSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, "_" or "-"')
      .describe('Shift name, e.g. `early`; a shift instance is `<local date>/<name>`.'),
    start: clock,
    end: clock.describe('End, local clock time; an end at or before the start means the next day.'),
    days,
    breaks: z.array(breakSchema).default([]).describe('Planned breaks: planned down time (PDOT).'),
  })
  .strict();

const DEFAULT_BREAKS = (h: number) => [
  {
    name: 'break',
    start: `${String((h + 2) % 24).padStart(2, '0')}:00`,
    end: `${String((h + 2) % 24).padStart(2, '0')}:15`,
  },
  {
    name: 'meal',
    start: `${String((h + 4) % 24).padStart(2, '0')}:00`,
    end: `${String((h + 4) % 24).padStart(2, '0')}:30`,
  },
  {
    name: 'break',
    start: `${String((h + 6) % 24).padStart(2, '0')}:00`,
    end: `${String((h + 6) % 24).padStart(2, '0')}:15`,
  },
];
const DEFAULT_SHIFTS = [
  { name: 'early', start: '06:00', end: '14:00', days: [...WEEKDAYS], breaks: DEFAULT_BREAKS(6) },
  { name: 'late', start: '14:00', end: '22:00', days: [...WEEKDAYS], breaks: DEFAULT_BREAKS(14) },
  { name: 'night', start: '22:00', end: '06:00', days: [...WEEKDAYS], breaks: DEFAULT_BREAKS(22) },
];

const stateValues = z
  .record(z.string().regex(/^-?\d+$/, 'an integer state value'), z.enum(STATE_CATEGORIES))
  .describe('Raw state value → category (running, setup, delay, failure, repair, plannedDown).');

const DEMO_STATES = {
  '0': 'running',
  '1': 'delay',
  '2': 'setup',
  '3': 'plannedDown',
  '4': 'failure',
  '5': 'repair',
} as const satisfies Record<string, StateCategory>;

const signalsSchema = z
  .object({
    state: z.string().default('status/machine_state').describe('Tag of the machine state, relative to the machine.'),
    stateValues: stateValues.default({ ...DEMO_STATES }),
    goodCount: z.string().default('production/good_parts').describe('Counter of good parts (GQ).'),
    scrapCount: z.string().default('production/scrap_parts').describe('Counter of scrapped parts (SQ).'),
    idealCycleTime: z
      .string()
      .default('production/ideal_cycle_time')
      .describe('Planned run time per unit (PRT) in seconds, as a tag.'),
    energyTotal: z.string().default('energy/energy_total').describe('Active energy counter in kWh.'),
    counterBits: z
      .number()
      .int()
      .min(8)
      .max(53)
      .default(32)
      .describe(
        'Width of the part counters: a drop from near 2^bits to near 0 is a rollover, a drop to near zero a reset, any other drop a data-quality event (docs/kpi.md).',
      ),
    maxPowerKw: z
      .number()
      .positive()
      .optional()
      .describe(
        'Highest power the machine can draw (kW): an energy counter increase above it is a jump, a data-quality event, not consumption.',
      ),
    timeScale: z
      .number()
      .positive()
      .optional()
      .describe(
        'How many times faster the machine’s own clock runs than the hub’s (an accelerated simulation): its ideal cycle time and power are in its own time. Default 1; the built-in demo plant sets its `--speed`.',
      ),
  })
  .strict();

const machineOverride = z
  .object({
    asset: z.string().describe('Machine asset path, e.g. `acme/zurich/machining/line1/cnc1`.'),
    state: z.string().optional(),
    stateValues: stateValues.optional(),
    goodCount: z.string().optional(),
    scrapCount: z.string().optional(),
    idealCycleTime: z.string().optional(),
    energyTotal: z.string().optional(),
    counterBits: z.number().int().min(8).max(53).optional(),
    maxPowerKw: z.number().positive().optional(),
    timeScale: z.number().positive().optional(),
    prt: z.number().positive().optional().describe('Fixed PRT in seconds when the machine has no tag for it.'),
  })
  .strict();

type ReasonInput = { id: string; name?: string; loss?: SixBigLoss; children?: ReasonInput[] };
const reasonSchema: z.ZodType<ReasonInput> = z.lazy(() =>
  z
    .object({
      id: z.string().regex(/^[a-z0-9_.-]+$/, 'lower-case letters, digits, "_", "." or "-"'),
      name: z.string().optional(),
      loss: z.enum(SIX_BIG_LOSSES).optional().describe('Loss of this reason; inherited by its children.'),
      children: z.array(reasonSchema).optional(),
    })
    .strict(),
);

const DEFAULT_REASONS: ReasonInput[] = [
  {
    id: 'breakdown',
    name: 'Breakdown',
    loss: 'equipmentFailure',
    children: [
      { id: 'breakdown.mechanical', name: 'Mechanical failure' },
      { id: 'breakdown.electrical', name: 'Electrical failure' },
      { id: 'breakdown.tool', name: 'Tool breakage' },
    ],
  },
  {
    id: 'setup',
    name: 'Setup and adjustment',
    loss: 'setupAdjustments',
    children: [
      { id: 'setup.changeover', name: 'Job changeover' },
      { id: 'setup.tool-change', name: 'Tool change' },
      { id: 'setup.adjustment', name: 'Adjustment' },
    ],
  },
  {
    id: 'minor',
    name: 'Idling and minor stops',
    loss: 'idlingMinorStops',
    children: [
      { id: 'minor.material', name: 'Waiting for material' },
      { id: 'minor.operator', name: 'Operator absent' },
      { id: 'minor.jam', name: 'Jam or blocked' },
      { id: 'minor.air', name: 'No compressed air' },
    ],
  },
];

const tariffPeriod = z
  .object({
    name: z.string().describe('e.g. `peak`.'),
    days,
    start: clock,
    end: clock.describe('End (exclusive); at or before the start means past midnight.'),
    price: z.number().nonnegative().describe('Price per kWh in this period.'),
  })
  .strict();

export const kpiConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Compute KPIs (and roll up closed hours, shifts and days).'),
    timezone: z
      .string()
      .optional()
      .describe('IANA time zone of the shift calendar and tariff. Default: the site’s `assets.sites[].timezone`.'),
    shifts: z
      .array(shiftSchema)
      .default(DEFAULT_SHIFTS)
      .describe('The shift calendar: planned operation time (POT). Time outside every shift is not scheduled.'),
    signals: signalsSchema
      .default(signalsSchema.parse({}))
      .describe('Tags a machine’s KPIs are computed from, relative to its asset path (the demo plant’s by default).'),
    machines: z.array(machineOverride).default([]).describe('Per-machine overrides of `signals`.'),
    reasons: z
      .array(reasonSchema)
      .default(DEFAULT_REASONS)
      .describe('The reason tree for unplanned stops; each node’s `loss` groups it into the Six Big Losses.'),
    energy: z
      .object({
        currency: z.string().default('CHF'),
        price: z.number().nonnegative().default(0.2).describe('Energy price per kWh outside every tariff period.'),
        tariff: z
          .array(tariffPeriod)
          .default([
            {
              name: 'peak',
              days: ['mon', 'tue', 'wed', 'thu', 'fri'],
              start: '07:00',
              end: '20:00',
              price: 0.27,
            },
          ])
          .describe('Time-of-use periods (local time); the first matching period sets the price.'),
        co2eFactor: z.number().nonnegative().default(0.128).describe('Emission factor, kg CO2e per kWh.'),
        meters: z
          .array(z.string())
          .default(['*/*/utilities/energy/*'])
          .describe(
            'Asset paths (`*` = one segment) of meters that measure other machines; their kWh is not added to line, area or site totals.',
          ),
      })
      .strict()
      .default({
        currency: 'CHF',
        price: 0.2,
        tariff: [
          { name: 'peak', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '07:00', end: '20:00', price: 0.27 },
        ],
        co2eFactor: 0.128,
        meters: ['*/*/utilities/energy/*'],
      }),
    stateLookback: duration('How far back to look for the state in effect at the start of a range.').default(
      7 * 86_400_000,
    ),
    settle: duration('A period is stored once it ended this long ago (late values arrive first).').default(120_000),
    backfill: duration('On start, closed periods this far back are rolled up and stored.').default(2 * 86_400_000),
    rollupInterval: duration('How often closed hours, shifts and days are rolled up.').default(60_000),
  })
  .strict()
  .describe('Production and energy KPIs per ISO 22400-2 (see docs/kpi.md).');

export type KpiConfig = z.output<typeof kpiConfigSchema>;
export type KpiConfigInput = z.input<typeof kpiConfigSchema>;
export type ShiftConfig = z.output<typeof shiftSchema>;
export type TariffPeriodConfig = z.output<typeof tariffPeriod>;
export type ReasonConfig = ReasonInput;
export type MachineSignals = z.output<typeof signalsSchema> & { prt?: number };
