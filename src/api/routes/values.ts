import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GotthardError } from '../../errors.js';
import type { AggregateFn } from '../../historian/types.js';
import type { TagRecord } from '../../model/tag.js';
import { requireInScope, visibleTo } from '../../security/auth/index.js';
import { eventPaths, eventVisibleTo } from '../../security/scope.js';
import { inScope } from '../../security/types.js';
import { iso, sampleOut } from '../format.js';
import { checkCount, checkRange, READ_LIMITS } from '../limits.js';
import { ErrorReply, SampleOut, Value } from '../schemas.js';
import { parseBucket, parseRange, parseTime } from '../time.js';
import type { HubView } from '../types.js';

const AGGREGATES: readonly AggregateFn[] = ['min', 'max', 'avg', 'twa', 'first', 'last', 'count'];
const MAX_BUCKETS = READ_LIMITS.maxBuckets;

const TagsQuery = Type.Union([Type.String(), Type.Array(Type.String())], {
  description: 'Tag id; repeat the parameter for several.',
});

const LatestReply = Type.Object({
  values: Type.Array(
    Type.Object({
      tagId: Type.String(),
      unit: Type.Optional(Type.String()),
      ts: Type.String(),
      serverTs: Type.String(),
      value: Value,
      statusCode: Type.Integer(),
      status: Type.String(),
    }),
  ),
});

const AggregateBucketOut = Type.Object({
  ts: Type.String({ description: 'Bucket start.' }),
  count: Type.Integer({ description: 'Good samples in the bucket.' }),
  badCount: Type.Integer({ description: 'Uncertain and Bad samples (left out of the aggregates).' }),
  min: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  max: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  avg: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  twa: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  first: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  last: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  firstTs: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  lastTs: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

export const valueRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  async function tagById(id: string): Promise<TagRecord> {
    const tag = await hub.historian.getTag(id);
    if (!tag)
      throw new GotthardError('GT_TAG_NOT_FOUND', `no tag with id "${id}"; list tags with GET /api/v1/tags?q=…`);
    return tag;
  }

  app.get(
    '/values/latest',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'tag' } } },
      schema: {
        summary: 'Latest value of tags (by id, or every tag at or below an asset)',
        tags: ['values'],
        querystring: Type.Object({
          tag: Type.Optional(TagsQuery),
          asset: Type.Optional(Type.String({ description: 'Every tag at or below this asset path.' })),
        }),
        response: { 200: LatestReply, 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (req) => {
      const { tag, asset } = req.query;
      let tags: TagRecord[];
      if (tag !== undefined) {
        tags = await Promise.all((Array.isArray(tag) ? tag : [tag]).map(tagById));
      } else {
        if (asset !== undefined && !visibleTo(req.principal, asset)) requireInScope(req, asset);
        tags = await hub.historian.listTags();
        if (asset) tags = tags.filter((t) => t.assetPath === asset || t.assetPath.startsWith(`${asset}/`));
        const p = req.principal;
        // Scope, and classification on reads: a confidential tag needs a read grant.
        if (p) tags = tags.filter((t) => inScope(p, t.id) && (hub.governance?.mayRead(p, t.id) ?? true));
      }
      const byKey = new Map(tags.map((t) => [t.key, t]));
      const latest = await hub.historian.latest([...byKey.keys()]);
      return {
        values: latest.map((l) => {
          const t = byKey.get(l.tagKey) as TagRecord;
          return { tagId: t.id, unit: t.unit, ...sampleOut(l, t) };
        }),
      };
    },
  );

  app.get(
    '/history/raw',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'tag' } }, heavyRead: true },
      schema: {
        summary: 'Raw stored values of one tag in a time range, paged',
        tags: ['history'],
        querystring: Type.Object({
          tag: Type.String({ description: 'Tag id.' }),
          from: Type.String({ default: 'now-1h', description: 'ISO 8601, epoch ms, now or now-15m.' }),
          to: Type.String({ default: 'now' }),
          limit: Type.Integer({ minimum: 1, maximum: READ_LIMITS.maxRawPage, default: 10_000 }),
          cursor: Type.Optional(Type.String({ description: 'From the previous page’s `next`.' })),
        }),
        response: {
          200: Type.Object({
            tagId: Type.String(),
            unit: Type.Optional(Type.String()),
            samples: Type.Array(SampleOut),
            next: Type.Optional(Type.String({ description: 'Pass as `cursor` for the next page.' })),
          }),
          400: ErrorReply,
          404: ErrorReply,
          429: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const range = parseRange(q.from, q.to);
      checkRange(range);
      const { from, to } = range;
      const tag = await tagById(q.tag);
      const page = await hub.historian.raw({ tagKey: tag.key, from, to, limit: q.limit, cursor: q.cursor });
      return { tagId: tag.id, unit: tag.unit, samples: page.samples.map((s) => sampleOut(s, tag)), next: page.next };
    },
  );

  app.get(
    '/history/aggregate',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'tag' } }, heavyRead: true },
      schema: {
        summary: 'Aggregates of one tag in time buckets (min, max, avg, twa, first, last, count); Good samples only',
        tags: ['history'],
        querystring: Type.Object({
          tag: Type.String({ description: 'Tag id.' }),
          from: Type.String({ default: 'now-1h' }),
          to: Type.String({ default: 'now' }),
          bucket: Type.Optional(Type.String({ description: 'Bucket width, e.g. 1m. Default: (to-from)/buckets.' })),
          buckets: Type.Integer({ minimum: 1, maximum: MAX_BUCKETS, default: 500 }),
          fn: Type.String({
            default: 'min,max,avg,first,last,count',
            description: `Comma-separated: ${AGGREGATES.join(', ')}.`,
          }),
        }),
        response: {
          200: Type.Object({
            tagId: Type.String(),
            unit: Type.Optional(Type.String()),
            bucketMs: Type.Integer(),
            buckets: Type.Array(AggregateBucketOut),
          }),
          400: ErrorReply,
          404: ErrorReply,
          429: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const range = parseRange(q.from, q.to);
      checkRange(range);
      const { from, to } = range;
      const tag = await tagById(q.tag);
      const fns = q.fn.split(',').map((f) => f.trim()) as AggregateFn[];
      const unknown = fns.filter((f) => !AGGREGATES.includes(f));
      if (unknown.length > 0) {
        throw new GotthardError(
          'GT_BAD_REQUEST',
          `query parameter "fn": unknown aggregate ${unknown.map((u) => `"${u}"`).join(', ')}; valid: ${AGGREGATES.join(', ')}`,
        );
      }
      const bucketMs = q.bucket ? parseBucket(q.bucket, 'bucket') : Math.max(1, Math.ceil((to - from) / q.buckets));
      checkCount(
        'bucket',
        'buckets',
        Math.ceil((to - from) / bucketMs),
        MAX_BUCKETS,
        'widen "bucket" or shorten the range',
      );
      const buckets = await hub.historian.aggregate({ tagKey: tag.key, from, to, bucketMs, fns });
      return {
        tagId: tag.id,
        unit: tag.unit,
        bucketMs,
        buckets: buckets.map((b) => ({
          ...b,
          ts: iso(b.ts),
          firstTs: b.firstTs == null ? b.firstTs : iso(b.firstTs),
          lastTs: b.lastTs == null ? b.lastTs : iso(b.lastTs),
        })),
      };
    },
  );

  app.get(
    '/events',
    {
      config: { access: { role: 'viewer' }, heavyRead: true },
      schema: {
        summary: 'Hub events: connection lost/restored (gaps), revised subscriptions, rejected tags',
        tags: ['events'],
        querystring: Type.Object({
          from: Type.Optional(Type.String()),
          to: Type.Optional(Type.String()),
          source: Type.Optional(Type.String()),
          limit: Type.Integer({ minimum: 1, maximum: READ_LIMITS.maxEvents, default: 500 }),
        }),
        response: {
          200: Type.Object({
            events: Type.Array(
              Type.Object({
                ts: Type.String(),
                kind: Type.String(),
                severity: Type.String(),
                source: Type.Optional(Type.String()),
                message: Type.String(),
                details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
              }),
            ),
          }),
          400: ErrorReply,
          429: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const now = Date.now();
      const events = await hub.historian.events({
        from: q.from === undefined ? undefined : parseTime(q.from, 'from', now),
        to: q.to === undefined ? undefined : parseTime(q.to, 'to', now),
        source: q.source,
        limit: q.limit,
      });
      // Scope (issue 17: a line-2 viewer saw other lines' events): only events about its assets.
      const p = req.principal;
      let visible = events;
      if (p && p.scope.length > 0) {
        const sources = new Set(
          (await hub.historian.listTags()).filter((t) => inScope(p, t.id)).map((t) => t.lineage.source),
        );
        visible = events.filter((e) => eventVisibleTo(p, e, (s) => sources.has(s)));
      }
      // An event about a confidential tag (its message may carry the value) needs a read grant for it.
      const g = hub.governance;
      if (g) visible = visible.filter((e) => eventPaths(e).every((x) => g.mayRead(p, x)));
      return { events: visible.map((e) => ({ ...e, ts: iso(e.ts) })) };
    },
  );
};
