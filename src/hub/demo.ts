import type { GotthardConfig } from '../config/index.js';

/** The built-in demo plant's source, mapped under the config's first site (or `acme/zurich`). */
export function demoSourceConfig(config: GotthardConfig, endpointUrl: string): unknown {
  const site = config.assets.sites[0]?.id ?? 'zurich';
  return {
    kind: 'opcua',
    name: 'demo-plant',
    endpoint: endpointUrl,
    securityMode: 'SignAndEncrypt',
    securityPolicy: 'Basic256Sha256',
    assetPrefix: `${config.assets.enterprise.id}/${site}`,
    browse: [{ root: '/Objects/DemoPlant', levels: ['area', 'line', 'machine'], variableTypes: 'all' }],
    subscription: { publishingIntervalMs: 1000, samplingIntervalMs: 1000, queueSize: 10 },
  };
}

/** The asset model the demo starts with when no config file names one. */
export const DEMO_ASSETS = {
  enterprise: { id: 'acme', name: 'ACME Precision AG' },
  sites: [
    {
      id: 'zurich',
      name: 'Zürich plant',
      timezone: 'Europe/Zurich',
      areas: [
        { id: 'machining', name: 'Machining', lines: [] },
        { id: 'packaging', name: 'Packaging', lines: [] },
        { id: 'utilities', name: 'Utilities', lines: [] },
      ],
    },
  ],
};

/**
 * The demo's closed maintenance loop (`workflows:` when `--demo` runs without a config file): a
 * spindle bearing worn past 60 % opens a work order, which is planned into the next maintenance
 * window before the predicted failure; the simulated crew does the job in its slot: starting it calls
 * the plant's `StartMaintenance` (the machine stops: planned downtime for the KPIs), completing it
 * `ResetWear` through the guarded path, so the machine runs again with its health recovered.
 * Durations are plant time divided by the demo speed: at `--speed 60` a simulated 8-hour shift
 * lasts 8 real minutes, and the hub's clock (the values' source timestamps) is real time.
 */
export function demoWorkflows(speed: number) {
  const plantHours = (h: number) => `${Math.max(1000, Math.round((h * 3_600_000) / speed))}ms`;
  return {
    execution: 'simulated' as const,
    // The demo plant keeps its own (accelerated) shift calendar; the hub's, in real time, would not match it.
    shiftCalendar: 'off' as const,
    downtime: [{ name: 'maintenance window', every: plantHours(8), length: plantHours(3) }],
    rules: [
      {
        id: 'bearing-wear',
        name: 'Spindle bearing worn',
        trigger: { kind: 'tag' as const, tag: 'bearing/wear', above: 60, clear: 40, for: plantHours(0.5) },
        actions: [
          {
            kind: 'workOrder' as const,
            failureMode: 'bearing_wear',
            title: 'Replace the spindle bearing of {{asset}}',
            priority: 3 as const,
            requiredDowntime: plantHours(2),
            // The machine stops for its job (planned downtime in its window) and is back when it is done.
            onStart: { method: 'StartMaintenance' },
            onComplete: { method: 'ResetWear' },
          },
        ],
      },
    ],
  };
}

/**
 * Guarded writes of the demo (`gotthard start --demo` without a config file): the demo plant's
 * ResetWear method on every machine (what a maintenance rule calls after a bearing change) and its
 * one setpoint, the ideal cycle time of CNCs and filling lines, within 1..600 s.
 */
export const DEMO_WRITES = {
  enabled: true,
  role: 'engineer',
  tags: [
    {
      tags: 'acme/*/*/*/*/production/ideal_cycle_time',
      dataType: 'Double',
      min: 1,
      max: 600,
    },
  ],
  methods: [
    { assets: 'acme/**', method: 'ResetWear', args: [] },
    { assets: 'acme/**', method: 'StartMaintenance', args: [] },
  ],
};

/**
 * `gotthard start --demo` without a config file: the demo plant's asset model, the health model
 * (off by default elsewhere), the closed maintenance loop and the guarded writes it needs.
 */
export function demoConfig(speed: number): Record<string, unknown> {
  return {
    assets: DEMO_ASSETS,
    demo: { speed },
    pdm: { enabled: true },
    workflows: demoWorkflows(speed),
    writes: structuredClone(DEMO_WRITES),
  };
}
