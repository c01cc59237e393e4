import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { GotthardError } from '../../errors.js';
import { inScope, type Principal } from '../../security/types.js';
import type { Workflows, WorkOrder } from '../../workflows/index.js';
import { ErrorReply } from '../schemas.js';
import { parseTime } from '../time.js';
import type { HubView } from '../types.js';

const Status = Type.Union(
  [
    Type.Literal('open'),
    Type.Literal('planned'),
    Type.Literal('in_progress'),
    Type.Literal('done'),
    Type.Literal('cancelled'),
  ],
  { description: 'open → planned → in_progress → done, or cancelled.' },
);

/**
 * A rule as validated: the fields every rule has are typed (clients build on them); the trigger's
 * and actions' own fields pass through as they are (`workflows.rules` in docs/configuration.md).
 */
const RuleDefinition = Type.Object(
  {
    id: Type.String(),
    name: Type.Optional(Type.String()),
    enabled: Type.Boolean(),
    assets: Type.Array(Type.String()),
    trigger: Type.Object({ kind: Type.String() }, { additionalProperties: true }),
    actions: Type.Array(Type.Object({ kind: Type.String() }, { additionalProperties: true })),
  },
  {
    additionalProperties: true,
    description: 'The rule as validated (see `workflows.rules` in docs/configuration.md).',
  },
);

const RuleOut = Type.Object({
  version: Type.Integer({ description: 'Version number; every change (config import or API edit) adds one.' }),
  rule: RuleDefinition,
});

/** What made a work order (src/workflows/types.ts WorkOrderEvidence). */
const Evidence = Type.Object(
  {
    values: Type.Optional(
      Type.Array(
        Type.Object({
          tagId: Type.String(),
          value: Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]),
          unit: Type.Optional(Type.String()),
          ts: Type.Number({ description: 'Source timestamp, epoch ms.' }),
        }),
        { description: 'Tag values that triggered it.' },
      ),
    ),
    anomalyScore: Type.Optional(Type.Number()),
    healthIndex: Type.Optional(Type.Number()),
    rulHours: Type.Optional(Type.Number({ description: 'Remaining useful life, hours.' })),
    rulLowHours: Type.Optional(Type.Number({ description: 'Lower end of its 80 % interval.' })),
    rulHighHours: Type.Optional(Type.Number({ description: 'Upper end of its 80 % interval.' })),
    trendUrl: Type.Optional(Type.String({ description: 'Dashboard link to the trend around the trigger.' })),
    text: Type.Optional(Type.String({ description: 'Which rule fired and why.' })),
  },
  { description: 'Triggering values, anomaly score, health index, RUL with 80 % interval, trend link, rule text.' },
);

const WorkOrderOut = Type.Object(
  {
    id: Type.String(),
    asset: Type.String(),
    failureMode: Type.String(),
    title: Type.String(),
    reason: Type.String(),
    evidence: Evidence,
    priority: Type.Integer({ minimum: 1, maximum: 4 }),
    requiredDowntimeMin: Type.Number(),
    status: Status,
    plannedStart: Type.Optional(Type.Number({ description: 'Epoch ms.' })),
    plannedEnd: Type.Optional(Type.Number()),
    dueBy: Type.Optional(
      Type.Number({ description: 'Predicted failure (pessimistic end of the RUL interval), epoch ms.' }),
    ),
    escalated: Type.Boolean(),
    ruleId: Type.Optional(Type.String()),
    externalIds: Type.Record(Type.String(), Type.String()),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    revision: Type.Integer(),
  },
  { additionalProperties: true },
);

const HistoryOut = Type.Object({
  ts: Type.Number(),
  kind: Type.String(),
  actor: Type.String(),
  status: Type.String(),
  note: Type.Optional(Type.String()),
  revision: Type.Integer(),
});

const EntryOut = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('downtime'), Type.Literal('production')]),
  name: Type.String(),
  start: Type.Number(),
  end: Type.Number(),
  assets: Type.Array(Type.String()),
});

function requireWorkflows(hub: HubView): Workflows {
  if (!hub.workflows) {
    throw new GotthardError('GT_NOT_FOUND', 'workflows are off; set `workflows: { enabled: true }` in the config');
  }
  return hub.workflows;
}

/** Who acts: the request's principal; with no authentication installed, an anonymous admin (tests of the bare API). */
function who(req: FastifyRequest): Principal {
  return req.principal ?? { kind: 'user', name: 'anonymous', role: 'admin', scope: [] };
}

function out(w: WorkOrder) {
  return { ...w, evidence: { ...w.evidence } };
}

/** A scoped principal sees a rule that watches something inside (or above) its scope. */
function ruleVisible(req: FastifyRequest, assets: readonly string[] | undefined): boolean {
  const p = req.principal;
  if (!p || p.scope.length === 0) return true;
  const a = assets ?? [];
  return a.some((x) => inScope(p, x) || p.scope.some((s) => s.startsWith(`${x}/`)));
}

/** A scoped principal may change only a rule whose every watched asset lies inside its scope. */
function requireRuleInScope(req: FastifyRequest, id: string, assets: readonly unknown[] | undefined): void {
  const p = req.principal;
  if (!p || p.scope.length === 0) return;
  const a = assets ?? [];
  if (a.length === 0 || !a.every((x) => typeof x === 'string' && inScope(p, x))) {
    throw new GotthardError(
      'GT_FORBIDDEN',
      `rule "${id}" watches ${a.length === 0 ? 'every asset' : a.join(', ')}; ${p.kind} "${p.name}" is limited to ${p.scope.join(', ')}`,
    );
  }
}

function visible(req: FastifyRequest, wo: WorkOrder): boolean {
  return !req.principal || inScope(req.principal, wo.asset);
}

/** Rules, work orders and the maintenance calendar (see docs/workflows.md). */
export const workflowRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  app.get(
    '/rules',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Rules with their current version',
        tags: ['workflows'],
        response: { 200: Type.Object({ rules: Type.Array(RuleOut) }), 404: ErrorReply },
      },
    },
    async (req) => {
      const rules = requireWorkflows(hub).rules();
      // A scoped principal sees rules that watch something inside its scope.
      return { rules: rules.filter((r) => ruleVisible(req, r.rule.assets)) };
    },
  );

  app.get(
    '/rules/:id',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'One rule and its version history (newest first)',
        tags: ['workflows'],
        params: Type.Object({ id: Type.String() }),
        response: {
          200: Type.Object({
            rule: Type.Unknown(),
            version: Type.Integer(),
            versions: Type.Array(
              Type.Object({
                version: Type.Integer(),
                source: Type.String({ description: '`config` (imported from the YAML) or `api`.' }),
                actor: Type.String(),
                ts: Type.Number(),
                definition: Type.Unknown({ description: 'The rule at that version; null when it deleted the rule.' }),
              }),
            ),
          }),
          404: ErrorReply,
        },
      },
    },
    async (req) => {
      const wf = requireWorkflows(hub);
      const versions = wf.ruleVersions(req.params.id);
      const current = wf.rules().find((r) => r.rule.id === req.params.id);
      if (!current) throw new GotthardError('GT_NOT_FOUND', `rule "${req.params.id}" was deleted (see its versions)`);
      // Same answer as for a rule that does not exist: a scoped principal does not learn other lines' rules.
      if (!ruleVisible(req, current.rule.assets)) throw new GotthardError('GT_NOT_FOUND', `no rule "${req.params.id}"`);
      return {
        ...current,
        versions: versions.map(({ version, source, actor, ts, definition }) => ({
          version,
          source,
          actor,
          ts,
          definition,
        })),
      };
    },
  );

  app.put(
    '/rules/:id',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Create or replace a rule (validated like the YAML; a new version is stored and audited)',
        tags: ['workflows'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({}, { additionalProperties: true, description: 'The rule, as in `workflows.rules[]`.' }),
        response: { 200: RuleOut, 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => {
      const body = { ...(req.body as Record<string, unknown>) };
      if (body.id !== undefined && body.id !== req.params.id) {
        throw new GotthardError(
          'GT_BAD_REQUEST',
          `rule id in the body ("${String(body.id)}") differs from the URL ("${req.params.id}")`,
        );
      }
      body.id = req.params.id;
      const wf = requireWorkflows(hub);
      // Both the rule as it is (no overwriting another line's rule) and as it will be.
      const existing = wf.rules().find((r) => r.rule.id === req.params.id);
      if (existing) requireRuleInScope(req, req.params.id, existing.rule.assets);
      requireRuleInScope(req, req.params.id, Array.isArray(body.assets) ? (body.assets as unknown[]) : []);
      return wf.putRule(body, who(req), req.ip);
    },
  );

  app.delete(
    '/rules/:id',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Delete a rule (a version that deletes it is stored; the history stays)',
        tags: ['workflows'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ version: Type.Integer() }), 404: ErrorReply },
      },
    },
    async (req) => {
      const wf = requireWorkflows(hub);
      const existing = wf.rules().find((r) => r.rule.id === req.params.id);
      if (existing) requireRuleInScope(req, req.params.id, existing.rule.assets);
      return { version: wf.deleteRule(req.params.id, who(req), req.ip) };
    },
  );

  app.get(
    '/workorders',
    {
      // A list: filtered to the caller's scope rather than refused for a prefix above it.
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Work orders, newest first',
        tags: ['workflows'],
        querystring: Type.Object({
          asset: Type.String({ default: '', description: 'Only below this asset path (empty = all in scope).' }),
          status: Type.Optional(Status),
          active: Type.Boolean({ default: false, description: 'Only open, planned and in progress.' }),
          limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
        }),
        response: { 200: Type.Object({ workOrders: Type.Array(WorkOrderOut) }), 404: ErrorReply },
      },
    },
    async (req) => {
      const q = req.query;
      const prefix = q.asset.replace(/\/+$/, '');
      const list = requireWorkflows(hub)
        .store.workOrders(10_000)
        .filter(
          (w) =>
            visible(req, w) &&
            (prefix === '' || w.asset === prefix || w.asset.startsWith(`${prefix}/`)) &&
            (q.status === undefined || w.status === q.status) &&
            (!q.active || w.status === 'open' || w.status === 'planned' || w.status === 'in_progress'),
        )
        .slice(0, q.limit);
      return { workOrders: list.map(out) };
    },
  );

  app.get(
    '/workorders/:id',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'One work order with its history',
        tags: ['workflows'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: Type.Object({ workOrder: WorkOrderOut, history: Type.Array(HistoryOut) }), 404: ErrorReply },
      },
    },
    async (req) => {
      const wf = requireWorkflows(hub);
      const wo = wf.workOrders.get(req.params.id);
      // Out of scope answers like a missing one: its existence is not the caller's business.
      if (!wo || !visible(req, wo)) throw new GotthardError('GT_NOT_FOUND', `no work order "${req.params.id}"`);
      return { workOrder: out(wo), history: wf.store.history(wo.id) };
    },
  );

  app.post(
    '/workorders/:id/status',
    {
      config: { access: { role: 'operator' } },
      schema: {
        summary: 'Move a work order: planned (auto-plans), in_progress, done (runs its completion call), cancelled',
        tags: ['workflows'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({
          status: Status,
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 200: Type.Object({ workOrder: WorkOrderOut }), 400: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (req) => {
      const wf = requireWorkflows(hub);
      const wo = wf.workOrders.get(req.params.id);
      if (!wo || !visible(req, wo)) throw new GotthardError('GT_NOT_FOUND', `no work order "${req.params.id}"`);
      return { workOrder: out(await wf.workOrders.setStatus(wo.id, req.body.status, who(req), req.body.note)) };
    },
  );

  app.get(
    '/maintenance/calendar',
    {
      // A list: filtered to the caller's scope rather than refused for a prefix above it.
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Planned-downtime windows, the production schedule and planned work orders in a range',
        tags: ['workflows'],
        querystring: Type.Object({
          asset: Type.String({
            default: '',
            description: 'Machine (windows for it) or prefix (work orders below it).',
          }),
          from: Type.String({ default: 'now-1d', description: 'ISO 8601, epoch ms, now, now-24h.' }),
          to: Type.String({ default: 'now+7d' }),
        }),
        response: {
          200: Type.Object({
            from: Type.Number(),
            to: Type.Number(),
            now: Type.Number(),
            windows: Type.Array(
              Type.Object({ start: Type.Number(), end: Type.Number(), names: Type.Array(Type.String()) }),
            ),
            entries: Type.Array(EntryOut),
            workOrders: Type.Array(WorkOrderOut),
          }),
          400: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (req) => {
      const now = Date.now();
      const from = parseTime(req.query.from, 'from', now);
      const to = parseFuture(req.query.to, now);
      if (!(to > from) || to - from > 92 * 86_400_000) {
        throw new GotthardError('GT_BAD_REQUEST', '`to` must be after `from`, at most 92 days later');
      }
      const c = requireWorkflows(hub).calendar(req.query.asset, from, to);
      const p = req.principal;
      const entries = c.entries.filter(
        (e) =>
          !p ||
          p.scope.length === 0 ||
          e.assets.length === 0 ||
          e.assets.some((a) => inScope(p, a) || p.scope.some((x) => x.startsWith(`${a}/`))),
      );
      return { from, to, now, ...c, entries, workOrders: c.workOrders.filter((w) => visible(req, w)).map(out) };
    },
  );

  app.post(
    '/maintenance/schedule',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Add a production-schedule entry: a planned-downtime window, or a production run (cut out of windows)',
        tags: ['workflows'],
        body: Type.Object({
          kind: Type.Union([Type.Literal('downtime'), Type.Literal('production')]),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          start: Type.String({ description: 'ISO 8601 or epoch ms.' }),
          end: Type.String(),
          assets: Type.Array(Type.String({ minLength: 1 }), {
            default: [],
            description: 'Asset prefixes; empty = all.',
          }),
        }),
        response: { 200: EntryOut, 400: ErrorReply },
      },
    },
    async (req) => {
      const b = req.body;
      const p = req.principal;
      if (p && p.scope.length > 0 && (b.assets.length === 0 || !b.assets.every((a) => inScope(p, a)))) {
        throw new GotthardError('GT_FORBIDDEN', 'schedule entry: every asset must lie inside your scope');
      }
      return requireWorkflows(hub).addScheduleEntry(
        {
          kind: b.kind,
          name: b.name,
          start: parseTime(b.start, 'start'),
          end: parseTime(b.end, 'end'),
          assets: b.assets,
        },
        who(req),
      );
    },
  );

  app.delete(
    '/maintenance/schedule/:id',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Remove a production-schedule entry',
        tags: ['workflows'],
        params: Type.Object({ id: Type.Integer() }),
        response: { 204: Type.Null(), 404: ErrorReply },
      },
    },
    async (req, reply) => {
      requireWorkflows(hub).deleteScheduleEntry(req.params.id, who(req));
      return reply.status(204).send(null);
    },
  );
};

/** `now+7d` as well as everything `parseTime` reads. */
function parseFuture(s: string, now: number): number {
  const m = /^now\+(\d+)([smhdw])$/.exec(s.trim());
  if (!m) return parseTime(s, 'to', now);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's'];
  return now + Number(m[1]) * unit;
}
