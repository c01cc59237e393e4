import { PassThrough, type Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  correctionAuditRecords,
  exportHistoryCsv,
  exportHistoryParquet,
  importCsv,
} from '../../analytics/history/index.js';
import { GotthardError } from '../../errors.js';
import type { TagRecord } from '../../model/tag.js';
import { requireInScope, visibleTo } from '../../security/auth/index.js';
import { inScope } from '../../security/types.js';
import { checkCount, checkRange, READ_LIMITS } from '../limits.js';
import { ErrorReply } from '../schemas.js';
import { parseRange } from '../time.js';
import type { HubView } from '../types.js';
import { actorOf } from './auth.js';

const ImportValue = Type.Object({
  value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
  status: Type.Integer({ description: 'OPC UA StatusCode (0 = Good).' }),
});

/** History in and out: CSV import (streamed, any size) and CSV / Parquet export. */
export const historyTransferRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  // The body is streamed into the importer line by line, never buffered whole (no body limit applies).
  app.addContentTypeParser(['text/csv', 'text/plain', 'application/octet-stream'], (_req, payload, done) => {
    done(null, payload);
  });

  app.post(
    '/import',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Import history of existing tags from CSV: tag id, source timestamp, value[, status] per line',
        description:
          'Send the file as the body with content-type text/csv. Rows with errors are reported by line number and skipped. ' +
          'Every valid row is compared with what is stored at its (tag, source timestamp): `accepted` (nothing stored, now stored), ' +
          '`unchanged` (same value and status stored) or `conflicting` (a different value is stored and kept). ' +
          'With `mode=correct` conflicting rows replace the stored value (`corrected`), each replacement is written to the ' +
          'audit log with old and new value and status (action `history.correct`). Every accepted or corrected row is durable ' +
          'when the reply comes; KPIs of the touched periods are recomputed on demand.',
        tags: ['history'],
        consumes: ['text/csv'],
        querystring: Type.Object({
          maxErrors: Type.Integer({
            minimum: 0,
            maximum: 100_000,
            default: 1000,
            description: 'Row errors listed at most.',
          }),
          maxRows: Type.Integer({
            minimum: 0,
            maximum: 100_000,
            default: 100,
            description:
              'Line numbers listed per kind of row (accepted, unchanged, conflicting, corrected) and conflicts detailed, at most.',
          }),
          mode: Type.Union([Type.Literal('insert'), Type.Literal('correct')], {
            default: 'insert',
            description:
              '`insert` keeps stored values and reports differing rows as conflicting; `correct` replaces them (audited).',
          }),
        }),
        response: {
          200: Type.Object({
            mode: Type.Union([Type.Literal('insert'), Type.Literal('correct')]),
            lines: Type.Integer(),
            accepted: Type.Integer({ description: 'Rows stored where nothing was stored.' }),
            unchanged: Type.Integer({ description: 'Rows whose value and status were already stored.' }),
            conflicting: Type.Integer({
              description: 'Rows that differ from the stored value, not stored (insert mode).',
            }),
            corrected: Type.Integer({ description: 'Rows that replaced a different stored value (correct mode).' }),
            rejected: Type.Integer(),
            bytes: Type.Integer(),
            errors: Type.Array(Type.Object({ line: Type.Integer(), message: Type.String() })),
            rows: Type.Object(
              {
                accepted: Type.Array(Type.Integer()),
                unchanged: Type.Array(Type.Integer()),
                conflicting: Type.Array(Type.Integer()),
                corrected: Type.Array(Type.Integer()),
              },
              { description: 'The first `maxRows` line numbers of each kind.' },
            ),
            conflicts: Type.Array(
              Type.Object({
                line: Type.Integer(),
                tag: Type.String(),
                ts: Type.String(),
                stored: ImportValue,
                imported: ImportValue,
              }),
              {
                description: 'The first `maxRows` conflicting (or, in correct mode, corrected) rows with both values.',
              },
            ),
            tags: Type.Array(
              Type.Object({ id: Type.String(), from: Type.String(), to: Type.String(), count: Type.Integer() }),
            ),
          }),
          400: ErrorReply,
          415: ErrorReply,
        },
      },
    },
    async (req) => {
      const body = req.body as unknown as Readable | undefined;
      if (body === undefined || typeof (body as Readable).pipe !== 'function') {
        throw new GotthardError('GT_BAD_REQUEST', 'send the CSV file as the request body with content-type text/csv');
      }
      const mode = req.query.mode;
      const actor = actorOf(req.principal);
      const p = req.principal;
      const res = await importCsv(hub.historian, body, {
        maxErrors: req.query.maxErrors,
        // A scoped principal imports (and corrects) only tags inside its scope; other rows are refused
        // without looking the tag up, so the answer does not tell whether it exists (issue 17).
        ...(p && p.scope.length > 0 ? { allows: (id: string) => inScope(p, id) } : {}),
        maxRows: req.query.maxRows,
        mode,
        // Audited before the batch's values are replaced (write-ahead), one entry per ≤ 200 replacements.
        onCorrecting: (cs) => {
          for (const r of correctionAuditRecords(cs, 'POST /api/v1/import?mode=correct'))
            hub.audit?.append({ ...r, actor, ip: req.ip });
        },
        onCorrectionFailed: (cs, err) => {
          for (const r of correctionAuditRecords(cs, 'POST /api/v1/import?mode=correct', err))
            hub.audit?.append({ ...r, actor, ip: req.ip });
        },
      });
      const byAsset = new Map<string, number>();
      for (const t of res.tags) byAsset.set(t.assetPath, Math.min(byAsset.get(t.assetPath) ?? t.from, t.from));
      for (const [asset, from] of byAsset) hub.kpi?.invalidate([asset], from);
      req.log.info(
        {
          mode,
          accepted: res.accepted,
          unchanged: res.unchanged,
          conflicting: res.conflicting,
          corrected: res.corrected,
          rejected: res.rejected,
          lines: res.lines,
        },
        'history imported',
      );
      return {
        ...res,
        mode,
        conflicts: res.conflicts.map((c) => ({ ...c, ts: new Date(c.ts).toISOString() })),
        tags: res.tags.map((t) => ({
          id: t.id,
          from: new Date(t.from).toISOString(),
          to: new Date(t.to).toISOString(),
          count: t.count,
        })),
      };
    },
  );

  app.get(
    '/history/dataset',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'tag' } }, heavyRead: true },
      schema: {
        summary:
          'Raw history of tags over a range as a data set: CSV in the import format, or Parquet (for pandas, polars, DuckDB)',
        tags: ['history'],
        produces: ['text/csv', 'application/vnd.apache.parquet'],
        querystring: Type.Object({
          tag: Type.Optional(
            Type.Union([Type.String(), Type.Array(Type.String())], { description: 'Tag id; repeat for several.' }),
          ),
          asset: Type.Optional(Type.String({ description: 'Every tag at or below this asset path.' })),
          from: Type.String({ default: 'now-1d' }),
          to: Type.String({ default: 'now' }),
          format: Type.Union([Type.Literal('csv'), Type.Literal('parquet')], { default: 'csv' }),
        }),
        response: { 200: Type.String(), 400: ErrorReply, 404: ErrorReply, 429: ErrorReply, 503: ErrorReply },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const { from, to } = parseRange(q.from, q.to);
      checkRange({ from, to });
      const L = READ_LIMITS.dataset;
      if (Array.isArray(q.tag))
        checkCount('tag', 'tags', q.tag.length, L.maxTags, 'export the tags in several data sets');
      let tags: TagRecord[] = [];
      if (q.tag !== undefined) {
        for (const id of Array.isArray(q.tag) ? q.tag : [q.tag]) {
          const t = await hub.historian.getTag(id);
          if (!t)
            throw new GotthardError('GT_TAG_NOT_FOUND', `no tag with id "${id}"; list tags with GET /api/v1/tags?q=…`);
          tags.push(t);
        }
      } else if (q.asset !== undefined) {
        const a = q.asset;
        if (!visibleTo(req.principal, a)) requireInScope(req, a);
        const p = req.principal;
        tags = (await hub.historian.listTags()).filter(
          (t) =>
            (t.assetPath === a || t.assetPath.startsWith(`${a}/`)) &&
            (!p || inScope(p, t.id)) &&
            (hub.governance?.mayRead(p, t.id) ?? true),
        );
      }
      if (tags.length === 0)
        throw new GotthardError('GT_BAD_REQUEST', 'name the tags to export with tag=… (repeatable) or asset=…');
      checkCount(
        q.tag === undefined ? 'asset' : 'tag',
        'tags',
        tags.length,
        L.maxTags,
        'name a smaller asset or fewer tags',
      );
      // The stored values of the range, counted from chunk summaries (SQLite) or 1-minute roll-ups
      // (PostgreSQL) before anything is read: a Parquet file is built in memory, so its size is bounded.
      let rows = 0;
      for (const t of tags) {
        for (const b of await hub.historian.aggregate({ tagKey: t.key, from, to, bucketMs: to - from, fns: ['count'] }))
          rows += b.count + b.badCount;
      }
      const maxRows = q.format === 'parquet' ? L.maxParquetRows : L.maxCsvRows;
      checkCount('from', `values (${q.format})`, rows, maxRows, 'shorten the range or export fewer tags');
      if (q.format === 'parquet') {
        const { bytes } = await exportHistoryParquet(hub.historian, tags, from, to);
        reply.header('content-type', 'application/vnd.apache.parquet');
        reply.header('content-disposition', 'attachment; filename="history.parquet"');
        return reply.send(Buffer.from(bytes) as never);
      }
      const out = new PassThrough();
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="history.csv"');
      exportHistoryCsv(hub.historian, tags, from, to, out).then(
        () => out.end(),
        (err: unknown) => {
          req.log.error({ err }, 'history export failed');
          out.destroy(err as Error);
        },
      );
      return reply.send(out as never);
    },
  );
};
