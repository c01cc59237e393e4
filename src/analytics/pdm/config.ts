import { z } from 'zod';
import { duration } from '../../config/types.js';

/**
 * The `pdm:` config section: the online per-machine health model (see docs/pdm.md). Declared once
 * here; the hub's config schema embeds it, docs and JSON Schema are generated from it.
 */
export const pdmConfigSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Run the per-machine health model on live values.'),
    machines: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Asset paths (or prefixes, e.g. `acme/zurich/machining`) of the machines to model. Empty: every asset that has a `status/machine_state` tag.',
      ),
    evaluateInterval: duration(
      "How often each machine is evaluated, in plant time (the source's own time; an accelerated demo plant is scaled to it). Default `5s`.",
    ).default(5000),
    baselineSamples: z
      .number()
      .int()
      .min(10)
      .default(60)
      .describe("At least this many evaluations per operating state form a machine's own healthy baseline."),
    baselinePeriod: duration(
      'The baseline also spans at least this much plant time per state, to cover several jobs and loads. Learned anew after every renewal. Default `8h`.',
    ).default(8 * 3_600_000),
    anomalyThreshold: z
      .number()
      .positive()
      .default(5)
      .describe('Anomaly score (baseline standard deviations of the smoothed signals) that opens an anomaly.'),
    onsetCount: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Consecutive evaluations above the threshold before an anomaly event opens.'),
    clearCount: z
      .number()
      .int()
      .min(1)
      .default(6)
      .describe('Consecutive evaluations below 70 % of the threshold before it closes.'),
    clearHold: duration(
      'An episode closes only after its condition has been clear for this much plant time too (hysteresis: no open/close/reopen within minutes). Default `1h`.',
    ).default(3_600_000),
    healthThreshold: z
      .number()
      .min(0)
      .max(100)
      .default(30)
      .describe('Health index (0–100) below which a `pdm.health.low` event opens.'),
    rulHorizon: duration(
      "A `pdm.rul.below_horizon` event opens when the 80 % lower bound of a failure mode's RUL (plant time) is inside this horizon; a deviation whose RUL lower bound is beyond it is wear on schedule, not an alert. Default `48h`.",
    ).default(48 * 3_600_000),
    wearLimit: z.number().positive().default(100).describe('Wear (%) at which a failure mode counts as failed.'),
    quietModes: z
      .array(z.string().min(1))
      .default(['tool', 'valve'])
      .describe(
        'Consumables: failure modes replaced on schedule (tools, the filler valve). Their RUL is estimated and stored as the due time of a planned replacement; they raise no events, add no risk and do not lower the health index.',
      ),
  })
  .strict()
  .default({
    enabled: false,
    machines: [],
    evaluateInterval: 5000,
    baselineSamples: 60,
    baselinePeriod: 8 * 3_600_000,
    anomalyThreshold: 5,
    onsetCount: 3,
    clearCount: 6,
    clearHold: 3_600_000,
    healthThreshold: 30,
    rulHorizon: 48 * 3_600_000,
    wearLimit: 100,
    quietModes: ['tool', 'valve'],
  })
  .describe('Predictive maintenance: health index, anomalies and remaining useful life per machine.');

export type PdmConfig = z.output<typeof pdmConfigSchema>;
