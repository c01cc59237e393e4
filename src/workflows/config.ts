import { z } from 'zod';
import { duration } from '../config/types.js';
import { WEEKDAYS } from '../model/index.js';

/**
 * The `workflows:` config key and the rule schema, declared once. Rules from YAML and rules edited
 * through the API are validated by the same `ruleSchema` (see docs/workflows.md).
 */

const assets = z
  .array(z.string().min(1))
  .default([])
  .describe('Asset paths (or prefixes, e.g. `acme/zurich/machining`) the rule watches. Empty: every asset.');

const hysteresis = {
  above: z.number().optional().describe('Active while the value is above this.'),
  below: z.number().optional().describe('Active while the value is below this.'),
  clear: z
    .number()
    .optional()
    .describe(
      'Hysteresis: once fired, the condition resets only when the value has crossed back past this (below it for `above`, above it for `below`). Default: the threshold itself.',
    ),
  for: duration('Minimum duration the condition must hold before the rule fires, e.g. `2m`. Default 0.').default(0),
};

function oneThreshold(t: { above?: number; below?: number; clear?: number }, ctx: z.RefinementCtx): void {
  if ((t.above === undefined) === (t.below === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of `above` or `below`', path: ['above'] });
    return;
  }
  if (t.clear === undefined) return;
  if (t.above !== undefined && t.clear > t.above) {
    ctx.addIssue({
      code: 'custom',
      message: `clear (${t.clear}) must not be above \`above\` (${t.above})`,
      path: ['clear'],
    });
  }
  if (t.below !== undefined && t.clear < t.below) {
    ctx.addIssue({
      code: 'custom',
      message: `clear (${t.clear}) must not be below \`below\` (${t.below})`,
      path: ['clear'],
    });
  }
}

const tagTrigger = z
  .object({
    kind: z.literal('tag'),
    tag: z
      .string()
      .min(1)
      .describe(
        'Tag path relative to each watched asset (e.g. `bearing/wear`: every tag id ending in `/bearing/wear`), or a full tag id.',
      ),
    ...hysteresis,
  })
  .strict()
  .superRefine(oneThreshold);

export const KPI_NAMES = ['oee', 'availability', 'effectiveness', 'quality', 'scrapRatio', 'kwhPerGoodPart'] as const;

const kpiTrigger = z
  .object({
    kind: z.literal('kpi'),
    kpi: z.enum(KPI_NAMES).describe('ISO 22400 KPI of each watched machine.'),
    window: duration('Trailing window the KPI is computed over. Default `1h`.').default(3_600_000),
    every: duration('How often the KPI is computed. Default `1m`.').default(60_000),
    ...hysteresis,
  })
  .strict()
  .superRefine(oneThreshold);

export const PDM_EVENTS = ['rul.below_horizon', 'anomaly', 'health.low'] as const;

const pdmTrigger = z
  .object({
    kind: z.literal('pdm'),
    event: z.enum(PDM_EVENTS).describe('Predictive-maintenance episode: `pdm.<event>.opened` fires, `.closed` resets.'),
    mode: z.string().optional().describe('Only this failure mode (for `rul.below_horizon`), e.g. `bearing`.'),
    for: duration('The episode must stay open this long before the rule fires. Default 0.').default(0),
  })
  .strict();

const stateTrigger = z
  .object({
    kind: z.literal('state'),
    tag: z.string().default('status/machine_state').describe('State tag relative to each watched machine.'),
    to: z.array(z.number().int()).min(1).describe('Fires when the state enters one of these values…'),
    from: z.array(z.number().int()).optional().describe('…coming from one of these (default: any other).'),
    for: duration('…and stays in it at least this long. Default 0.').default(0),
  })
  .strict();

const scheduleTrigger = z
  .object({
    kind: z.literal('schedule'),
    every: duration('Fires once per period, e.g. `1w` for a weekly inspection.').refine((v) => v >= 1000, {
      message: 'a schedule period must be at least 1s',
    }),
    offset: duration('Shift of the period boundaries from the Unix epoch (UTC), e.g. `6h`. Default 0.').default(0),
  })
  .strict();

export const triggerSchema = z
  .discriminatedUnion('kind', [tagTrigger, kpiTrigger, pdmTrigger, stateTrigger, scheduleTrigger])
  .describe(
    'What makes the rule fire, per asset: a tag condition, a KPI threshold, a pdm event, a state change, a schedule.',
  );

const priority = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

const workOrderAction = z
  .object({
    kind: z.literal('workOrder'),
    failureMode: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and "_", e.g. bearing_wear')
      .describe('Failure mode code; one open work order per asset and failure mode.'),
    title: z.string().min(1).describe('Title template, e.g. `Replace spindle bearing on {{asset}}`.'),
    priority: priority.default(3).describe('1 = very high … 4 = low (SAP PM style).'),
    requiredDowntime: duration('Downtime the job needs, e.g. `2h`.'),
    rulMode: z
      .string()
      .optional()
      .describe('pdm failure mode whose RUL sets the due date. Default: the failure mode up to the first `_`.'),
    onComplete: z
      .object({
        method: z.string().min(1).describe('OPC UA method of the machine (allowlisted in the guarded write path).'),
        args: z.array(z.unknown()).default([]),
      })
      .strict()
      .optional()
      .describe('Called on the asset through the guarded path when the work order is done, e.g. `ResetWear`.'),
    onStart: z
      .object({
        method: z.string().min(1).describe('OPC UA method of the machine (allowlisted in the guarded write path).'),
        args: z.array(z.unknown()).default([]),
      })
      .strict()
      .optional()
      .describe(
        'Called on the asset through the guarded path when the job starts (in_progress), e.g. `StartMaintenance` to stop the machine for it.',
      ),
  })
  .strict();

const webhookAction = z
  .object({
    kind: z.literal('webhook'),
    connector: z.string().min(1).describe('Webhook connector name (`connectors`).'),
    subject: z.string().min(1).describe('Template.'),
  })
  .strict();

const emailAction = z
  .object({
    kind: z.literal('email'),
    connector: z.string().min(1).describe('E-mail connector name (`connectors`).'),
    to: z.array(z.string().email()).min(1),
    subject: z.string().min(1).describe('Template.'),
    text: z.string().min(1).describe('Template.'),
  })
  .strict();

const mqttAction = z
  .object({
    kind: z.literal('mqtt'),
    topic: z.string().min(1).describe('Template.'),
    payload: z.string().describe('Template.'),
    qos: z.union([z.literal(0), z.literal(1)]).default(1),
    retain: z.boolean().default(false),
  })
  .strict();

const writeAction = z
  .object({
    kind: z.literal('write'),
    tag: z.string().min(1).describe('Tag relative to the asset, or a full tag id; must be allowlisted for writes.'),
    value: z.union([z.number(), z.boolean(), z.string()]),
  })
  .strict();

const httpAction = z
  .object({
    kind: z.literal('http'),
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    url: z.string().url(),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().describe('Template, e.g. `{"asset":"{{asset}}","value":{{value}}}`.'),
  })
  .strict();

export const actionSchema = z.discriminatedUnion('kind', [
  workOrderAction,
  webhookAction,
  emailAction,
  mqttAction,
  writeAction,
  httpAction,
]);

export const ruleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "_" or "-", e.g. bearing-wear')
      .describe('Stable rule id.'),
    name: z.string().optional(),
    enabled: z.boolean().default(true),
    assets,
    trigger: triggerSchema,
    actions: z.array(actionSchema).min(1).describe('What to do when the rule fires, in order.'),
  })
  .strict();

export type Rule = z.output<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;
export type Trigger = z.output<typeof triggerSchema>;
export type RuleAction = z.output<typeof actionSchema>;
export type WorkOrderAction = z.output<typeof workOrderAction>;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local clock time HH:MM, e.g. 06:00');

const weeklyWindow = z
  .object({
    name: z.string().default('maintenance'),
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1)
      .default([...WEEKDAYS]),
    start: clock.describe('Local clock time in the site time zone.'),
    end: clock.describe('Local clock time; at or before the start means the next day.'),
    assets,
  })
  .strict();

const periodicWindow = z
  .object({
    name: z.string().default('maintenance'),
    every: duration('Period, e.g. `24h`.').refine((v) => v >= 1000, { message: 'at least 1s' }),
    length: duration('Length of each window, e.g. `4h`.'),
    offset: duration('Start of the windows after each period boundary (from the Unix epoch, UTC).').default(0),
    assets,
  })
  .strict()
  .refine((w) => w.length > 0 && w.length < w.every, {
    message: '`length` must be positive and shorter than `every`',
    path: ['length'],
  });

export const downtimeWindowSchema = z.union([weeklyWindow, periodicWindow]);
export type DowntimeWindowConfig = z.output<typeof downtimeWindowSchema>;

export const EXECUTION_MODES = ['manual', 'simulated'] as const;

export const workflowsConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Run rules, work orders and automatic scheduling.'),
    rules: z.array(ruleSchema).default([]).describe('Rules; the API can edit them too (versioned in workflows.db).'),
    downtime: z
      .array(downtimeWindowSchema)
      .default([])
      .describe(
        'Recurring planned-downtime windows work orders are planned into: weekly (`days`, `start`, `end`) or periodic (`every`, `length`, `offset`).',
      ),
    shiftCalendar: z
      .enum(['breaks', 'off'])
      .default('breaks')
      .describe(
        '`breaks`: the KPI shift calendar’s breaks and the time outside every shift are planned downtime too. `off`: only `downtime` and the production schedule.',
      ),
    horizon: duration('How far ahead a work order may be planned when no failure is predicted. Default `14d`.').default(
      14 * 86_400_000,
    ),
    escalation: z
      .array(z.union([webhookAction, emailAction, mqttAction]))
      .default([])
      .describe('Notifications sent when a work order cannot be planned before the predicted failure.'),
    execution: z
      .enum(EXECUTION_MODES)
      .default('manual')
      .describe(
        '`manual`: people move work orders through their states. `simulated` (the demo): a simulated crew starts a planned work order when its window opens and completes it after its downtime.',
      ),
    tick: duration('How often held conditions, schedules and the crew are checked. Default `1s`.').default(1000),
  })
  .strict()
  .describe('Rules, work orders (a small CMMS) and automatic maintenance scheduling (see docs/workflows.md).');

export type WorkflowsConfig = z.output<typeof workflowsConfigSchema>;
export type WorkflowsConfigInput = z.input<typeof workflowsConfigSchema>;
