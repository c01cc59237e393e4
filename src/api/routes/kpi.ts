import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { kpiTableCsv } from '../../analytics/history/index.js';
import type { KpiFigure, KpiService } from '../../analytics/kpi/index.js';
import { dayStart, localDayNumber, parseDayLabel, weekdayOf } from '../../analytics/kpi/index.js';
import { GotthardError } from '../../errors.js';
import { requireInScope, visibleTo } from '../../security/auth/index.js';
import { inScope } from '../../security/types.js';
import { iso } from '../format.js';
import { checkCount, checkRange, READ_LIMITS, spanText } from '../limits.js';
import { ErrorReply } from '../schemas.js';
import { parseRange, parseTime } from '../time.js';
import type { HubView } from '../types.js';

const Num = Type.Union([Type.Number(), Type.Null()]);

const KpisOut = Type.Object(
  {
    availability: Num,
    effectiveness: Num,
    quality: Num,
    oee: Num,
    oeeUndefinedBecause: Type.Optional(Type.String()),
    scrapRatio: Num,
    setupRatio: Num,
    technicalEfficiency: Num,
    mtbfMs: Num,
    mttrMs: Num,
    throughputPerHour: Num,
    pq: Type.Number(),
    gq: Type.Number(),
    sq: Type.Number(),
    kwh: Type.Number(),
    kwhPerGoodPart: Num,
    idleKwh: Type.Number(),
    idleShare: Num,
    energyCost: Type.Number(),
    co2eKg: Type.Number(),
    peakDemandKw: Num,
    peakDemandAt: Type.Union([Type.String(), Type.Null()]),
    unknownShare: Num,
    flags: Type.Array(
      Type.Object({
        kpi: Type.String({ description: 'The figure flagged, e.g. `oee`, `effectiveness`, `pq`, `kwh`.' }),
        reason: Type.Union(
          [
            Type.Literal('idealCycleTime'),
            Type.Literal('counterJump'),
            Type.Literal('counterDrop'),
            Type.Literal('clock'),
          ],
          { description: 'Why the figure cannot be trusted as it stands.' },
        ),
        message: Type.String(),
      }),
      {
        description:
          'Plausibility: a ratio above its physical bound (reported as computed, never capped) and totals a counter drop or jump touched. Empty = plausible. See docs/kpi.md.',
      },
    ),
  },
  {
    description:
      'KPIs (ratios 0..1 by their physics; a figure outside its bound comes with a `flags` entry; null = not defined, e.g. no planned busy time). See docs/kpi.md.',
  },
);

const Figure = {
  elements: Type.Record(Type.String(), Type.Number(), {
    description: 'ISO 22400-2 elements (times in ms): potMs, pdotMs, pbtMs, aptMs, austMs, adetMs, adotMs, gq, sq, …',
  }),
  kpis: KpisOut,
  waterfall: Type.Array(
    Type.Object({
      key: Type.String(),
      label: Type.String(),
      kind: Type.String({ description: 'total or loss' }),
      ms: Num,
    }),
    {
      description:
        'OEE loss waterfall from POT to fully productive time; losses between PBT and the end add up to PBT.',
    },
  ),
};

const Scope = Type.String({ default: '', description: 'Asset path: machine, line, area, site (empty = all).' });
const RangeQuery = {
  asset: Scope,
  from: Type.Optional(Type.String({ description: 'ISO 8601, epoch ms, now, now-8h.' })),
  to: Type.Optional(Type.String({ description: 'Default now.' })),
  shift: Type.Optional(Type.String({ description: '`current`, `previous` or a shift id like `2026-03-29/night`.' })),
  day: Type.Optional(Type.String({ description: '`today`, `yesterday` or a local date `YYYY-MM-DD`.' })),
  week: Type.Optional(
    Type.String({
      description: '`this`, `last` or any local date `YYYY-MM-DD` in the week (weeks begin on Monday, local time).',
    }),
  ),
};

function figureOut(f: KpiFigure) {
  return {
    elements: f.elements as unknown as Record<string, number>,
    kpis: { ...f.kpis, peakDemandAt: f.kpis.peakDemandAt === null ? null : iso(f.kpis.peakDemandAt) },
    waterfall: f.waterfall,
  };
}

function requireKpi(hub: HubView): KpiService {
  if (hub.kpi === undefined) {
    throw new GotthardError('GT_NOT_CONNECTED', 'the KPI engine is not running; set kpi.enabled: true in the config');
  }
  return hub.kpi;
}

/** Resolves `shift`, `day` or `from`/`to` into a range in the scope's time zone. */
export function resolveRange(
  kpi: KpiService,
  q: {
    asset: string;
    from?: string | undefined;
    to?: string | undefined;
    shift?: string | undefined;
    day?: string | undefined;
    week?: string | undefined;
  },
  now = Date.now(),
): { from: number; to: number; label?: string } {
  const tz = kpi.scopeTimezone(q.asset);
  if (q.shift !== undefined) {
    const cal = kpi.calendar(tz);
    let s = q.shift === 'current' ? cal.shiftAt(now) : undefined;
    if (q.shift === 'previous')
      s = cal
        .shifts(now - 3 * 86_400_000, now)
        .filter((x) => x.end <= now)
        .pop();
    else if (q.shift !== 'current') s = cal.shiftById(q.shift);
    if (s === undefined) {
      const next = cal.shifts(now, now + 7 * 86_400_000)[0];
      throw new GotthardError(
        'GT_NOT_FOUND',
        q.shift === 'current'
          ? `no shift is running now${next ? `; the next is ${next.id} at ${iso(next.start)}` : ''} (config kpi.shifts)`
          : `no shift "${q.shift}"; use current, previous or <YYYY-MM-DD>/<name> with a name from kpi.shifts`,
      );
    }
    return { from: s.start, to: Math.min(s.end, Math.max(now, s.start + 1)), label: s.id };
  }
  if (q.day !== undefined) {
    const today = localDayNumber(tz, now);
    const d = q.day === 'today' ? today : q.day === 'yesterday' ? today - 1 : parseDayLabel(q.day);
    if (d === undefined) {
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `query parameter "day" = "${q.day}": use today, yesterday or YYYY-MM-DD`,
      );
    }
    return { from: dayStart(tz, d), to: dayStart(tz, d + 1) };
  }
  if (q.week !== undefined) {
    const today = localDayNumber(tz, now);
    const d = q.week === 'this' ? today : q.week === 'last' ? today - 7 : parseDayLabel(q.week);
    if (d === undefined) {
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `query parameter "week" = "${q.week}": use this, last or a date YYYY-MM-DD in the week`,
      );
    }
    const monday = d - weekdayOf(d);
    return { from: dayStart(tz, monday), to: dayStart(tz, monday + 7) };
  }
  return parseRange(q.from ?? 'now-8h', q.to ?? 'now', now);
}

/**
 * The cost of a KPI read is machines × days (src/api/limits.ts): checked before anything is computed,
 * so a summary over 99999 days answers 400 at once instead of computing 2.4 million hours.
 */
async function checkKpiCost(
  kpi: KpiService,
  asset: string,
  r: { from: number; to: number },
  maxMs: number,
  hint: string,
): Promise<void> {
  checkRange(r, maxMs, hint);
  const machines = (await kpi.machines(asset)).length;
  const days = Math.ceil((r.to - r.from) / 86_400_000);
  checkCount(
    'asset',
    'machine-days (machines × days)',
    machines * days,
    READ_LIMITS.kpi.maxMachineDays,
    `${machines} machines over ${days} days: name a smaller scope or a shorter range`,
  );
}

const RAW_HINT = 'stops and timelines come from raw state data; use GET /api/v1/kpi/series for long ranges';
const LONGER = 'use GET /api/v1/kpi/series?period=day|week|month for longer ranges';

export const kpiRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  app.get(
    '/kpi/machines',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Machines the KPI engine computes for, with their role and the tags each KPI comes from',
        tags: ['kpi'],
        querystring: Type.Object({ asset: Scope }),
        response: {
          200: Type.Object({
            machines: Type.Array(
              Type.Object({
                asset: Type.String(),
                role: Type.String({ description: 'production, utility or meter' }),
                timezone: Type.String(),
                tags: Type.Record(Type.String(), Type.String()),
              }),
            ),
          }),
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      // A scoped principal may name a container of its scope (it sees only its machines), not a sibling.
      if (req.query.asset !== '' && !visibleTo(req.principal, req.query.asset)) requireInScope(req, req.query.asset);
      return {
        machines: (await kpi.machines(req.query.asset))
          .filter((m) => !req.principal || inScope(req.principal, m.asset))
          .map((m) => ({
            asset: m.asset,
            role: kpi.roleOf(m),
            timezone: m.timezone,
            tags: Object.fromEntries(Object.entries(m.tags).map(([k, t]) => [k, t.id])),
          })),
      };
    },
  );

  app.get(
    '/kpi/summary',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'asset' } }, heavyRead: true },
      schema: {
        summary:
          'KPIs, elements and the loss waterfall of a scope for a range, a shift (current = live) or a day; per machine too',
        tags: ['kpi'],
        querystring: Type.Object(RangeQuery),
        response: {
          200: Type.Object({
            scope: Type.String(),
            from: Type.String(),
            to: Type.String(),
            shift: Type.Optional(Type.String()),
            timezone: Type.String(),
            timeScale: Type.Number({
              description:
                '1 = real time. N: the plant runs N× faster than the hub’s clock (demo `--speed N`); KPIs are computed in its own time base (PRT and power scaled), durations (MTBF, MTTR, throughput per hour) are hub time.',
            }),
            ...Figure,
            machines: Type.Array(Type.Object({ asset: Type.String(), role: Type.String(), ...Figure })),
          }),
          400: ErrorReply,
          404: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      const r = resolveRange(kpi, req.query);
      await checkKpiCost(kpi, req.query.asset, r, READ_LIMITS.kpi.summaryMaxMs, LONGER);
      const s = await kpi.summary(req.query.asset, r.from, r.to);
      return {
        scope: s.scope,
        from: iso(s.from),
        to: iso(s.to),
        shift: r.label,
        timezone: s.timezone,
        timeScale: s.timeScale,
        ...figureOut(s),
        machines: s.machines.map((m) => ({ asset: m.asset, role: m.role, ...figureOut(m.figure) })),
      };
    },
  );

  const SeriesQuery = Type.Object({
    asset: Scope,
    period: Type.Union(
      [Type.Literal('hour'), Type.Literal('shift'), Type.Literal('day'), Type.Literal('week'), Type.Literal('month')],
      {
        default: 'shift',
      },
    ),
    from: Type.String({ default: 'now-7d' }),
    to: Type.String({ default: 'now' }),
  });

  async function checkSeriesCost(
    kpi: KpiService,
    q: { asset: string; period: keyof typeof READ_LIMITS.kpi.seriesMaxMs },
    r: { from: number; to: number },
  ): Promise<void> {
    const max = READ_LIMITS.kpi.seriesMaxMs[q.period];
    const longer =
      q.period === 'hour' ? 'use period=day' : q.period === 'shift' ? 'use period=day or week' : 'shorten the range';
    await checkKpiCost(kpi, q.asset, r, max, `period=${q.period} covers at most ${spanText(max)}; ${longer}`);
  }

  app.get(
    '/kpi/series',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'asset' } }, heavyRead: true },
      schema: {
        summary:
          'KPIs per hour, shift, day, week or month (OEE per shift over time, energy per part over time); closed periods come from the store',
        tags: ['kpi'],
        querystring: SeriesQuery,
        response: {
          200: Type.Object({
            scope: Type.String(),
            period: Type.String(),
            rows: Type.Array(
              Type.Object({
                start: Type.String(),
                end: Type.String(),
                label: Type.String(),
                closed: Type.Boolean(),
                ...Figure,
              }),
            ),
          }),
          400: ErrorReply,
          404: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      const { from, to } = parseRange(req.query.from, req.query.to);
      await checkSeriesCost(kpi, req.query, { from, to });
      const rows = await kpi.series(req.query.asset, req.query.period, from, to);
      return {
        scope: req.query.asset,
        period: req.query.period,
        rows: rows.map((r) => ({
          start: iso(r.start),
          end: iso(r.end),
          label: r.label,
          closed: r.closed,
          ...figureOut(r),
        })),
      };
    },
  );

  app.get(
    '/kpi/export',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'asset' } }, heavyRead: true },
      schema: {
        summary: 'The KPI table of a series as CSV (one row per period, KPIs and ISO 22400-2 elements)',
        tags: ['kpi'],
        querystring: SeriesQuery,
        produces: ['text/csv'],
        response: { 200: Type.String(), 400: ErrorReply, 404: ErrorReply, 503: ErrorReply },
      },
    },
    async (req, reply) => {
      const kpi = requireKpi(hub);
      const { from, to } = parseRange(req.query.from, req.query.to);
      await checkSeriesCost(kpi, req.query, { from, to });
      const rows = await kpi.series(req.query.asset, req.query.period, from, to);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="kpi-${req.query.period}.csv"`);
      return kpiTableCsv(req.query.asset, rows, kpi.scopeTimezone(req.query.asset));
    },
  );

  const StopOut = Type.Object({
    machine: Type.String(),
    start: Type.String({ description: 'Start of the stop; with `machine` its identity for PUT /kpi/stops/reason.' }),
    end: Type.String(),
    ongoing: Type.Boolean(),
    state: Type.String(),
    value: Num,
    lostMs: Type.Number({ description: 'Planned busy time the stop took inside the range.' }),
    loss: Type.String({ description: 'Six Big Losses group.' }),
    reason: Type.Optional(Type.String()),
  });

  app.get(
    '/kpi/stops',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'asset' } }, heavyRead: true },
      schema: {
        summary: 'Unplanned stops (setup, delay, failure, repair) with their reasons',
        tags: ['kpi'],
        querystring: Type.Object(RangeQuery),
        response: {
          200: Type.Object({ stops: Type.Array(StopOut) }),
          400: ErrorReply,
          404: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      const r = resolveRange(kpi, req.query);
      await checkKpiCost(kpi, req.query.asset, r, READ_LIMITS.kpi.rawMaxMs, RAW_HINT);
      const stops = await kpi.stops(req.query.asset, r.from, r.to);
      return { stops: stops.map((s) => ({ ...s, start: iso(s.start), end: iso(s.end) })) };
    },
  );

  app.put(
    '/kpi/stops/reason',
    {
      config: { access: { role: 'operator', asset: { in: 'body', key: 'machine' } } },
      schema: {
        summary: 'Give an unplanned stop a reason from the reason tree (null clears it)',
        tags: ['kpi'],
        body: Type.Object({
          machine: Type.String(),
          start: Type.String({ description: 'The stop’s `start` as GET /kpi/stops returns it.' }),
          reason: Type.Union([Type.String(), Type.Null()]),
          comment: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 200: Type.Object({ ok: Type.Boolean() }), 400: ErrorReply, 404: ErrorReply, 503: ErrorReply },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      const b = req.body;
      await kpi.setReason(b.machine, parseTime(b.start, 'start'), b.reason, b.comment ?? null);
      return { ok: true };
    },
  );

  app.get(
    '/kpi/pareto',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'asset' } }, heavyRead: true },
      schema: {
        summary: 'Pareto of stop reasons: planned busy time lost per reason (or per state when unassigned)',
        tags: ['kpi'],
        querystring: Type.Object(RangeQuery),
        response: {
          200: Type.Object({
            rows: Type.Array(
              Type.Object({
                key: Type.String(),
                label: Type.String(),
                loss: Type.String(),
                lostMs: Type.Number(),
                count: Type.Integer(),
                cumulativeShare: Type.Number(),
              }),
            ),
          }),
          400: ErrorReply,
          404: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      const r = resolveRange(kpi, req.query);
      await checkKpiCost(kpi, req.query.asset, r, READ_LIMITS.kpi.rawMaxMs, RAW_HINT);
      return { rows: await kpi.pareto(req.query.asset, r.from, r.to) };
    },
  );

  app.get(
    '/kpi/reasons',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'The reason tree for unplanned stops, each reason with its Six Big Losses group',
        tags: ['kpi'],
        response: {
          200: Type.Object({
            reasons: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                loss: Type.String(),
                path: Type.Array(Type.String()),
                leaf: Type.Boolean(),
              }),
            ),
          }),
          503: ErrorReply,
        },
      },
    },
    async () => ({ reasons: [...requireKpi(hub).reasons.values()] }),
  );

  app.get(
    '/kpi/shifts',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'asset' } } },
      schema: {
        summary: 'Shift instances (with planned breaks) in a range, in the scope’s time zone',
        tags: ['kpi'],
        querystring: Type.Object({
          asset: Scope,
          from: Type.String({ default: 'now-1d' }),
          to: Type.String({ default: 'now+1d' }),
        }),
        response: {
          200: Type.Object({
            timezone: Type.String(),
            shifts: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                start: Type.String(),
                end: Type.String(),
                breaks: Type.Array(Type.Object({ name: Type.String(), start: Type.String(), end: Type.String() })),
              }),
            ),
          }),
          400: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      const now = Date.now();
      const later = /^now\+(.+)$/.exec(req.query.to);
      const to = later ? 2 * now - parseTime(`now-${later[1]}`, 'to', now) : parseTime(req.query.to, 'to', now);
      const from = parseTime(req.query.from, 'from', now);
      if (to <= from || to - from > 62 * 86_400_000) {
        throw new GotthardError('GT_BAD_REQUEST', '"to" must be after "from", at most 62 days apart');
      }
      const shifts = kpi.shifts(req.query.asset, from, to);
      return {
        timezone: kpi.scopeTimezone(req.query.asset),
        shifts: shifts.map((s) => ({
          ...s,
          start: iso(s.start),
          end: iso(s.end),
          breaks: s.breaks.map((b) => ({ name: b.name, start: iso(b.start), end: iso(b.end) })),
        })),
      };
    },
  );

  app.get(
    '/kpi/timeline',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'machine' } }, heavyRead: true },
      schema: {
        summary:
          'Drill-down: the state timeline, shifts, counter increments and energy per quarter hour behind a machine’s figures',
        tags: ['kpi'],
        querystring: Type.Object({
          machine: Type.String(),
          from: Type.Optional(Type.String()),
          to: Type.Optional(Type.String()),
          shift: Type.Optional(Type.String()),
          day: Type.Optional(Type.String()),
          week: RangeQuery.week,
        }),
        response: {
          200: Type.Object({
            machine: Type.String(),
            from: Type.String(),
            to: Type.String(),
            tags: Type.Record(Type.String(), Type.String()),
            states: Type.Array(
              Type.Object({
                from: Type.String(),
                to: Type.String(),
                state: Type.String({ description: 'running, setup, delay, failure, repair, plannedDown or unknown' }),
                value: Num,
                since: Type.String(),
                unknownCause: Type.Optional(Type.String()),
                reason: Type.Optional(Type.String()),
              }),
            ),
            calendar: Type.Array(
              Type.Object({
                from: Type.String(),
                to: Type.String(),
                kind: Type.String(),
                shiftId: Type.Optional(Type.String()),
              }),
            ),
            parts: Type.Array(
              Type.Object({
                ts: Type.String(),
                good: Type.Number(),
                scrap: Type.Number(),
                prt: Num,
                excluded: Type.Boolean(),
                kind: Type.Optional(Type.String({ description: 'reset, rollover, drop or jump' })),
              }),
            ),
            counterIssues: Type.Array(
              Type.Object({
                ts: Type.String(),
                prevTs: Type.String({ description: 'The sample before: the interval whose increment is unknown.' }),
                counter: Type.String({ description: 'good, scrap or energy' }),
                kind: Type.String({ description: 'reset, rollover (counted) or drop, jump (data-quality events)' }),
                value: Type.Number({ description: 'The increment booked (reset, rollover) or the raw difference.' }),
              }),
              { description: 'Every counter event that was not a plain increase, with its evidence.' },
            ),
            energy: Type.Array(Type.Object({ start: Type.String(), kwh: Type.Number(), avgKw: Type.Number() })),
          }),
          400: ErrorReply,
          404: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const kpi = requireKpi(hub);
      const r = resolveRange(kpi, { asset: req.query.machine, ...req.query });
      await checkKpiCost(kpi, req.query.machine, r, READ_LIMITS.kpi.rawMaxMs, RAW_HINT);
      const t = await kpi.timeline(req.query.machine, r.from, r.to);
      const reasons = t.model.data.reasons;
      return {
        machine: t.machine.asset,
        from: iso(t.from),
        to: iso(t.to),
        tags: Object.fromEntries(Object.entries(t.machine.tags).map(([k, v]) => [k, v.id])),
        states: t.model.timeline.map((s) => ({
          from: iso(s.from),
          to: iso(s.to),
          state: s.state,
          value: s.value,
          since: iso(s.since),
          unknownCause: s.unknownCause,
          reason: reasons.get(s.since)?.reason,
        })),
        calendar: t.model.data.calendar.map((c) => ({
          from: iso(c.from),
          to: iso(c.to),
          kind: c.kind,
          shiftId: c.shiftId,
        })),
        parts: t.model.parts.map((p) => ({ ...p, ts: iso(p.ts) })),
        counterIssues: t.model.counterIssues.map((c) => ({ ...c, ts: iso(c.ts), prevTs: iso(c.prevTs) })),
        energy: [...t.model.quarters(t.from, t.to)].map(([start, kwh]) => ({ start: iso(start), kwh, avgKw: kwh * 4 })),
      };
    },
  );
};
