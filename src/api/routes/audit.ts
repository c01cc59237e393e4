import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GotthardError } from '../../errors.js';
import { type AuditEntry, auditToCsv, readEntries, verifyAuditLog } from '../../security/audit/index.js';
import { auditVisibleTo } from '../../security/scope.js';
import type { HubView } from '../types.js';

const EntryOut = Type.Object({
  seq: Type.Integer(),
  ts: Type.String({ description: 'ISO 8601.' }),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Optional(Type.String()),
  outcome: Type.String(),
  reason: Type.Optional(Type.String()),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  ip: Type.Optional(Type.String()),
  prev: Type.String(),
  hash: Type.String(),
});

const Filter = {
  from: Type.Optional(Type.String({ description: 'ISO 8601; entries at or after.' })),
  to: Type.Optional(Type.String({ description: 'ISO 8601; entries before.' })),
  actor: Type.Optional(Type.String({ description: 'Exact actor, e.g. `user:alice`.' })),
  action: Type.Optional(Type.String({ description: 'Action or action prefix, e.g. `machine.` or `pki.trust`.' })),
  outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('refused'), Type.Literal('failed')])),
};

const ERROR = { $ref: 'ErrorReply#' } as const;

function auditFile(hub: HubView): string | undefined {
  const f = (hub.audit as { file?: unknown } | undefined)?.file;
  return typeof f === 'string' ? f : undefined;
}

function parseTime(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) {
    throw Object.assign(new Error(`${name} "${s}" is not an ISO 8601 time`), {
      statusCode: 400,
      code: 'GT_BAD_REQUEST',
    });
  }
  return t;
}

function select(
  entries: AuditEntry[],
  q: { from?: string; to?: string; actor?: string; action?: string; outcome?: string },
) {
  const from = parseTime(q.from, 'from');
  const to = parseTime(q.to, 'to');
  return entries.filter(
    (e) =>
      (from === undefined || e.ts >= from) &&
      (to === undefined || e.ts < to) &&
      (q.actor === undefined || e.actor === q.actor) &&
      (q.action === undefined || e.action === q.action || (q.action.endsWith('.') && e.action.startsWith(q.action))) &&
      (q.outcome === undefined || e.outcome === q.outcome),
  );
}

/** The audit log (admin only): entries newest first, the chain check, and an export. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  app.get(
    '/audit',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Audit entries, newest first, with filters',
        tags: ['audit'],
        querystring: Type.Object({
          ...Filter,
          limit: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
          before: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Only entries with seq below this (paging).' }),
          ),
        }),
        response: {
          200: Type.Object({ entries: Type.Array(EntryOut), total: Type.Integer(), matched: Type.Integer() }),
          503: ERROR,
        },
      },
    },
    async (req, reply) => {
      const file = auditFile(hub);
      if (!file)
        return reply.status(503).send({ error: { code: 'GT_INTERNAL', message: 'this hub keeps no audit log' } });
      // A scoped admin reads only its own part of the log (issue 17: it read the whole log).
      const all = readEntries(file).filter((e) => auditVisibleTo(req.principal, e));
      const hits = select(all, req.query).filter((e) => req.query.before === undefined || e.seq < req.query.before);
      const page = hits.slice(-req.query.limit).reverse();
      return {
        total: all.length,
        matched: hits.length,
        entries: page.map((e) => ({ ...e, ts: new Date(e.ts).toISOString() })),
      };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Check the hash chain: every edited, removed or reordered entry, named',
        tags: ['audit'],
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            entries: Type.Integer(),
            head: Type.String({
              description: 'Hash of the last entry; keep it elsewhere to detect a rewritten chain.',
            }),
            problems: Type.Array(Type.Object({ entry: Type.Integer(), kind: Type.String(), message: Type.String() })),
          }),
          503: ERROR,
        },
      },
    },
    async (req, reply) => {
      const file = auditFile(hub);
      if (!file)
        return reply.status(503).send({ error: { code: 'GT_INTERNAL', message: 'this hub keeps no audit log' } });
      const p = req.principal;
      if (p && p.scope.length > 0) {
        // The chain covers every entry; its problems name entries of the whole hub.
        throw new GotthardError(
          'GT_FORBIDDEN',
          `${p.kind} "${p.name}" is limited to ${p.scope.join(', ')}; checking the whole audit chain needs an admin without scope`,
        );
      }
      const v = verifyAuditLog(file);
      return { ok: v.ok, entries: v.entries, head: v.head, problems: v.problems };
    },
  );

  app.get(
    '/audit/export',
    {
      config: { access: { role: 'admin' } },
      schema: {
        summary: 'Download audit entries as JSON Lines or CSV (the export itself is audited)',
        tags: ['audit'],
        querystring: Type.Object({
          ...Filter,
          format: Type.Union([Type.Literal('jsonl'), Type.Literal('csv')], { default: 'jsonl' }),
        }),
        response: { 200: Type.String(), 503: ERROR },
      },
    },
    async (req, reply) => {
      const file = auditFile(hub);
      if (!file)
        return reply.status(503).send({ error: { code: 'GT_INTERNAL', message: 'this hub keeps no audit log' } });
      const hits = select(
        readEntries(file).filter((e) => auditVisibleTo(req.principal, e)),
        req.query,
      );
      const p = req.principal;
      hub.audit?.append({
        actor: p ? `${p.kind}:${p.name}` : 'anonymous',
        action: 'audit.export',
        outcome: 'ok',
        details: { format: req.query.format, entries: hits.length },
        ip: req.ip,
      });
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '');
      const csv = req.query.format === 'csv';
      reply
        .header('content-type', csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="gotthard-audit-${stamp}.${csv ? 'csv' : 'jsonl'}"`);
      return csv ? auditToCsv(hits) : hits.map((e) => `${JSON.stringify(e)}\n`).join('');
    },
  );
};
