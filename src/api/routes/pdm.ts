import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { MachineHealth, PdmView } from '../../analytics/pdm/index.js';
import { GotthardError } from '../../errors.js';
import { MACHINE_STATE_NAMES } from '../../model/index.js';
import { inScope } from '../../security/types.js';
import { iso } from '../format.js';
import { ErrorReply } from '../schemas.js';
import { parseTime } from '../time.js';
import type { HubView } from '../types.js';

const MachineHealthOut = Type.Object({
  machine: Type.String({ description: 'Asset path of the machine.' }),
  ts: Type.String({ description: 'Source time of the last evaluation.' }),
  state: Type.Union([Type.Integer(), Type.Null()], { description: 'status/machine_state at that time.' }),
  stateName: Type.Union([Type.String(), Type.Null()]),
  risk: Type.Number({
    description:
      '0–100, for ranking a fleet: 100 − health index (at most 100 − healthThreshold when the story explains it as wear on schedule), +50 when the 80 % lower bound of a non-consumable RUL is inside the horizon.',
  }),
  healthIndex: Type.Number({ description: '0–100.' }),
  anomalyScore: Type.Union([Type.Number(), Type.Null()], {
    description: 'Baseline standard deviations; null while the baseline of this state is being learned.',
  }),
  anomalyOpen: Type.Boolean({ description: 'An anomaly episode is open.' }),
  baselineReady: Type.Boolean(),
  baseline: Type.Object(
    {
      origin: Type.Union([Type.Literal('after-renewal'), Type.Literal('unknown-wear')], {
        description:
          '`after-renewal`: learned after maintenance renewed the machine (its healthy state); `unknown-wear`: learned at whatever wear the machine had when the model started.',
      }),
      wearAtStart: Type.Union([Type.Number(), Type.Null()], {
        description: 'Worst non-consumable wear (%) when learning began; null when the machine reports none.',
      }),
      since: Type.String({ description: 'When learning began (plant time).' }),
    },
    { description: "The current state's baseline. Learned anew after every renewal." },
  ),
  story: Type.Object(
    {
      explained: Type.Boolean({
        description:
          'The deviation (anomaly score, low health index) follows the wear on its trend and the RUL lower bound is beyond the horizon: wear on schedule, no alert.',
      }),
      sentence: Type.String({
        description: 'Why: anomaly, health index and RUL in one sentence (empty when all is well).',
      }),
    },
    { description: 'One story per machine: how anomaly, health index and RUL fit together.' },
  ),
  timeScale: Type.Number({
    description:
      'Plant seconds per second of source time (the demo speed when its source stamps wall-clock time; else 1).',
  }),
  contributors: Type.Array(
    Type.Object({
      signal: Type.String({ description: 'Tag path below the machine, e.g. `bearing/vibration_rms`.' }),
      z: Type.Number(),
      value: Type.Number({ description: 'Smoothed value.' }),
      expected: Type.Number({ description: 'Healthy level at this operating point.' }),
      expectedStd: Type.Number(),
    }),
    { description: 'Signals contributing most to the anomaly score, largest first.' },
  ),
  rul: Type.Array(
    Type.Object({
      mode: Type.String({ description: 'Failure mode, e.g. `bearing`, `tool`; `health` when no wear is reported.' }),
      hours: Type.Number({ description: 'Median remaining useful life, hours.' }),
      low: Type.Number({ description: '80 % interval, lower end, hours.' }),
      high: Type.Number({ description: '80 % interval, upper end, hours.' }),
      wear: Type.Number({ description: 'Current wear, %.' }),
      ratePerHour: Type.Number({ description: 'Wear rate, %/h.' }),
      consumable: Type.Boolean({
        description:
          'A consumable (config `pdm.quietModes`: tool, valve): the RUL is when its planned replacement is due.',
      }),
    }),
  ),
  tags: Type.Record(Type.String(), Type.String(), {
    description: 'Derived tag ids (history via /history/aggregate): healthIndex, anomalyScore, rul_<mode>.',
  }),
});

const EventOut = Type.Object({
  ts: Type.String(),
  kind: Type.String({
    description: 'pdm.anomaly.opened|update|closed, pdm.health.low.*, pdm.rul.below_horizon.*',
  }),
  severity: Type.String(),
  message: Type.String(),
  details: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'Evidence: machine, episode, phase, anomalyScore, healthIndex, contributors, RUL figures.',
    }),
  ),
});

function out(m: MachineHealth) {
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return {
    machine: m.machine,
    ts: iso(m.ts),
    state: m.state ?? null,
    stateName: m.state === undefined ? null : (MACHINE_STATE_NAMES[m.state] ?? null),
    risk: m.risk,
    healthIndex: m.healthIndex,
    anomalyScore: finite(m.anomalyScore),
    anomalyOpen: m.anomalyOpen,
    baselineReady: m.baselineReady,
    baseline: {
      origin: m.baseline.origin,
      wearAtStart: m.baseline.wearAtStart ?? null,
      since: iso(m.baseline.since),
    },
    story: m.story,
    timeScale: m.timeScale,
    contributors: m.contributors.map((c) => ({
      signal: c.signal,
      z: c.z,
      value: c.value,
      expected: c.baselineMean,
      expectedStd: c.baselineStd,
    })),
    rul: m.rul.map((r) => ({
      mode: r.mode,
      hours: r.hours,
      low: r.low,
      high: r.high,
      wear: r.wear,
      ratePerHour: r.ratePerHour,
      consumable: r.consumable,
    })),
    tags: m.tags,
  };
}

function requirePdm(hub: HubView): PdmView {
  if (hub.pdm === undefined) {
    throw new GotthardError(
      'GT_NOT_FOUND',
      'predictive maintenance is not running; set `pdm: { enabled: true }` in the config (see docs/pdm.md)',
    );
  }
  return hub.pdm;
}

/** Predictive maintenance: the fleet ranked by risk, one machine's health, and the pdm events. */
export const pdmRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  app.get(
    '/pdm/machines',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Fleet view: every modelled machine with health index, anomaly, RUL per failure mode, ranked by risk',
        tags: ['pdm'],
        querystring: Type.Object({
          asset: Type.String({ default: '', description: 'Only machines below this asset path (empty = all).' }),
        }),
        response: { 200: Type.Object({ machines: Type.Array(MachineHealthOut) }), 404: ErrorReply },
      },
    },
    async (req) => {
      const pdm = requirePdm(hub);
      const prefix = req.query.asset.replace(/\/+$/, '');
      const machines = pdm
        .machines()
        .filter((m) => prefix === '' || m.machine === prefix || m.machine.startsWith(`${prefix}/`))
        .filter((m) => !req.principal || inScope(req.principal, m.machine));
      return { machines: machines.map(out) };
    },
  );

  app.get(
    '/pdm/machine',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'path' } } },
      schema: {
        summary: "One machine's health with the evidence: contributors, RUL with 80 % interval, its recent pdm events",
        tags: ['pdm'],
        querystring: Type.Object({
          path: Type.String({ minLength: 1, description: 'Asset path of the machine.' }),
          events: Type.Integer({ minimum: 0, maximum: 1000, default: 50, description: 'Recent events to include.' }),
        }),
        response: {
          200: Type.Object({ health: MachineHealthOut, events: Type.Array(EventOut) }),
          404: ErrorReply,
        },
      },
    },
    async (req) => {
      const pdm = requirePdm(hub);
      const m = pdm.machine(req.query.path);
      if (!m) {
        throw new GotthardError(
          'GT_NOT_FOUND',
          `no health model for "${req.query.path}"; modelled machines are listed by GET /api/v1/pdm/machines`,
        );
      }
      const events = req.query.events === 0 ? [] : await machineEvents(hub, m.machine, undefined, req.query.events);
      return { health: out(m), events };
    },
  );

  app.get(
    '/pdm/events',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'machine' } } },
      schema: {
        summary: 'Predictive-maintenance events with their evidence (anomaly timeline), newest first',
        tags: ['pdm'],
        querystring: Type.Object({
          machine: Type.Optional(Type.String({ description: 'Asset path of one machine (or a prefix).' })),
          from: Type.Optional(Type.String({ description: 'ISO 8601, epoch ms, now, now-24h.' })),
          limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
        }),
        response: { 200: Type.Object({ events: Type.Array(EventOut) }), 400: ErrorReply },
      },
    },
    async (req) => {
      const q = req.query;
      const from = q.from === undefined ? undefined : parseTime(q.from, 'from', Date.now());
      const p = req.principal;
      const events = await machineEvents(hub, q.machine, from, p && p.scope.length > 0 ? 10_000 : q.limit);
      if (!p || p.scope.length === 0) return { events };
      const inside = events.filter((e) => typeof e.details?.machine === 'string' && inScope(p, e.details.machine));
      return { events: inside.slice(0, q.limit) };
    },
  );
};

async function machineEvents(hub: HubView, machine: string | undefined, from: number | undefined, limit: number) {
  // Events of all machines share source `pdm`; filter by the machine named in their evidence.
  const events = await hub.historian.events({ source: 'pdm', from, limit: machine ? 10_000 : limit });
  return events
    .filter((e) => {
      if (!machine) return true;
      const m = e.details?.machine;
      return typeof m === 'string' && (m === machine || m.startsWith(`${machine}/`));
    })
    .slice(0, limit)
    .map((e) => ({ ts: iso(e.ts), kind: e.kind, severity: e.severity, message: e.message, details: e.details }));
}
