import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GotthardError } from '../../errors.js';
import type { Historian } from '../../historian/types.js';
import { csvCell as csvField } from '../../model/csv.js';
import { statusName } from '../../model/status.js';
import type { TagRecord } from '../../model/tag.js';
import { bucketsFor, downsampleBuckets, type TrendSeries } from '../downsample.js';
import { iso } from '../format.js';
import { checkCount, checkRange, READ_LIMITS } from '../limits.js';
import { ErrorReply } from '../schemas.js';
import { parseBucket, parseTime } from '../time.js';
import type { HubView } from '../types.js';

const MAX_EXPORT_ROWS = READ_LIMITS.export.maxRows;
/** How far before `from` the trend looks for the value that holds at `from` (report by exception). */
const CARRY_IN_MS = 30 * 86_400_000;
const EXPORT_PAGE = 20_000;

const TagsQuery = Type.Union([Type.String(), Type.Array(Type.String())], {
  description: 'Tag id; repeat the parameter for several.',
});

const SeriesOut = Type.Object({
  tagId: Type.String(),
  name: Type.String(),
  unit: Type.Optional(Type.String()),
  dataType: Type.String(),
  interpolation: Type.Union([Type.Literal('linear'), Type.Literal('step')], {
    description: '`step` for discrete values (integers, booleans, states, counters): the value holds until the next.',
  }),
  t: Type.Array(Type.Number(), { description: 'Epoch milliseconds.' }),
  v: Type.Array(Type.Union([Type.Number(), Type.Null()]), { description: '`null` = gap (no data or Bad quality).' }),
});

export type TrendSeriesOut = TrendSeries & {
  tagId: string;
  name: string;
  unit?: string;
  dataType: string;
  interpolation: 'linear' | 'step';
};

function isDiscrete(tag: TagRecord): boolean {
  return tag.dataType === 'Int' || tag.dataType === 'UInt' || tag.dataType === 'Boolean';
}

async function tagsById(hub: HubView, ids: readonly string[]): Promise<TagRecord[]> {
  return Promise.all(
    ids.map(async (id) => {
      const tag = await hub.historian.getTag(id);
      if (!tag)
        throw new GotthardError('GT_TAG_NOT_FOUND', `no tag with id "${id}"; list tags with GET /api/v1/tags?q=…`);
      return tag;
    }),
  );
}

function range(q: { from: string; to: string }): { from: number; to: number } {
  const now = Date.now();
  const from = parseTime(q.from, 'from', now);
  const to = parseTime(q.to, 'to', now);
  if (to <= from) throw new GotthardError('GT_BAD_REQUEST', `"to" (${iso(to)}) must be after "from" (${iso(from)})`);
  checkRange({ from, to });
  return { from, to };
}

/**
 * One tag's trend in [from, to): M4-downsampled buckets (see downsample.ts), with the value that holds
 * at `from` carried in and the last value held up to min(to, now) when it is still Good.
 */
export async function trendSeries(
  historian: Historian,
  tag: TagRecord,
  from: number,
  to: number,
  maxPoints: number,
  maxGapMs?: number,
): Promise<{ series: TrendSeriesOut; bucketMs: number }> {
  const bucketMs = Math.max(1, Math.ceil((to - from) / bucketsFor(maxPoints)));
  const [buckets, before] = await Promise.all([
    historian.aggregate({ tagKey: tag.key, from, to, bucketMs, fns: ['min', 'max', 'first', 'last'] }),
    historian.aggregate({
      tagKey: tag.key,
      from: from - CARRY_IN_MS,
      to: from,
      bucketMs: CARRY_IN_MS,
      fns: ['last'],
    }),
  ]);
  const s = downsampleBuckets(buckets, { bucketMs, maxGapMs });
  const held = before[0];
  // Carry in only when nothing Bad came after that value (a Bad marker at the end of the window wins).
  if (held && held.last != null && held.badCount === 0 && (s.t.length === 0 || (s.t[0] as number) > from)) {
    s.t.unshift(from);
    s.v.unshift(held.last);
  }
  const end = Math.min(to, Date.now());
  const lastV = s.v[s.v.length - 1];
  if (lastV != null && (s.t[s.t.length - 1] as number) < end) {
    s.t.push(end);
    s.v.push(lastV);
  }
  return {
    bucketMs,
    series: {
      tagId: tag.id,
      name: tag.name,
      unit: tag.unit,
      dataType: tag.dataType,
      interpolation: isDiscrete(tag) ? 'step' : 'linear',
      t: s.t,
      v: s.v,
    },
  };
}

/** Formats epoch ms as ISO 8601 with the offset of an IANA zone, e.g. `2026-01-05T09:00:00.000+01:00`. */
export function isoInZone(ms: number, fmt: Intl.DateTimeFormat): string {
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(ms)) p[part.type] = part.value;
  const hour = p.hour === '24' ? '00' : p.hour;
  const local = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(hour),
    Number(p.minute),
    Number(p.second),
  );
  const millis = ((ms % 1000) + 1000) % 1000;
  const offsetMin = Math.round((local - (ms - millis)) / 60_000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const ms3 = String(millis).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${hour}:${p.minute}:${p.second}.${ms3}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function zoneFormat(tz: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    throw new GotthardError(
      'GT_BAD_REQUEST',
      `query parameter "tz" = "${tz}" is not an IANA time zone, e.g. Europe/Zurich`,
    );
  }
}

export const trendRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  app.get(
    '/trend',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'tag' } }, heavyRead: true },
      schema: {
        summary: 'Downsampled trend of tags for plotting: min/max/first/last per pixel bucket, gaps as null',
        description:
          'M4 downsampling from the historian aggregates: peaks are exact at pixel resolution; Bad/Uncertain quality and recorded gaps are `null` (never interpolated across). Times are epoch ms.',
        tags: ['history'],
        querystring: Type.Object({
          tag: TagsQuery,
          from: Type.String({ default: 'now-1h', description: 'ISO 8601, epoch ms, now or now-15m.' }),
          to: Type.String({ default: 'now' }),
          maxPoints: Type.Integer({
            minimum: 10,
            maximum: READ_LIMITS.trend.maxPointsPerTag,
            default: 2000,
            description: 'Upper bound of points per tag; ask for about 4 × the plot width in pixels.',
          }),
          maxGap: Type.Optional(
            Type.String({ description: 'Draw a stretch without any sample longer than this as a gap, e.g. 5m.' }),
          ),
        }),
        response: {
          200: Type.Object({
            from: Type.Number(),
            to: Type.Number(),
            bucketMs: Type.Integer(),
            series: Type.Array(SeriesOut),
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
      const ids = Array.isArray(q.tag) ? q.tag : [q.tag];
      const L = READ_LIMITS.trend;
      checkCount('tag', 'tags', ids.length, L.maxTags, 'split the tags over several trends');
      checkCount(
        'maxPoints',
        'points (tags × maxPoints)',
        ids.length * q.maxPoints,
        L.maxPoints,
        `ask for at most ${Math.floor(L.maxPoints / ids.length)} points per tag`,
      );
      const { from, to } = range(q);
      const maxGapMs = q.maxGap === undefined ? undefined : parseBucket(q.maxGap, 'maxGap');
      const tags = await tagsById(hub, ids);
      const results = await Promise.all(
        tags.map((t) => trendSeries(hub.historian, t, from, to, q.maxPoints, maxGapMs)),
      );
      return { from, to, bucketMs: results[0]?.bucketMs ?? 0, series: results.map((r) => r.series) };
    },
  );

  app.get(
    '/history/export',
    {
      config: { access: { role: 'viewer', asset: { in: 'query', key: 'tag' } }, heavyRead: true },
      schema: {
        summary: 'CSV export of tags in a time range: raw values with timestamps and StatusCodes, or per bucket',
        description:
          'Raw: one row per stored value (`tag,unit,source_timestamp,server_timestamp,value,status_code,status`). With `bucket`: one row per tag and bucket (`tag,unit,bucket_start,count,bad_count,min,max,avg,first,last`). Timestamps are ISO 8601 UTC; with `tz` a `local_time` column in that zone follows.',
        tags: ['history'],
        produces: ['text/csv'],
        querystring: Type.Object({
          tag: TagsQuery,
          from: Type.String({ default: 'now-1h' }),
          to: Type.String({ default: 'now' }),
          bucket: Type.Optional(Type.String({ description: 'Aggregate per bucket of this width, e.g. 1m.' })),
          tz: Type.Optional(Type.String({ description: 'IANA time zone for the local_time column.' })),
          limit: Type.Integer({ minimum: 1, maximum: MAX_EXPORT_ROWS, default: 1_000_000 }),
        }),
        response: {
          200: Type.String({ description: 'CSV, RFC 4180, UTF-8.' }),
          400: ErrorReply,
          404: ErrorReply,
          429: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const ids = Array.isArray(q.tag) ? q.tag : [q.tag];
      const L = READ_LIMITS.export;
      checkCount('tag', 'tags', ids.length, L.maxTags, 'export the tags in several files');
      const { from, to } = range(q);
      const bucketMs = q.bucket === undefined ? undefined : parseBucket(q.bucket, 'bucket');
      if (bucketMs !== undefined) {
        const perTag = Math.ceil((to - from) / bucketMs);
        const hint = 'widen "bucket" or shorten the range';
        checkCount('bucket', 'buckets per tag', perTag, READ_LIMITS.maxBuckets, hint);
        checkCount('bucket', 'rows (tags × buckets)', perTag * ids.length, L.maxBucketRows, hint);
      }
      const fmt = q.tz === undefined ? undefined : zoneFormat(q.tz);
      const tags = await tagsById(hub, ids);
      const historian = hub.historian;
      const limit = q.limit;
      const local = (ms: number) => (fmt ? `,${isoInZone(ms, fmt)}` : '');

      async function* rows(): AsyncGenerator<string> {
        if (bucketMs !== undefined) {
          yield `tag,unit,bucket_start${fmt ? ',local_time' : ''},count,bad_count,min,max,avg,first,last\n`;
          for (const tag of tags) {
            const buckets = await historian.aggregate({
              tagKey: tag.key,
              from,
              to,
              bucketMs,
              fns: ['min', 'max', 'avg', 'first', 'last', 'count'],
            });
            let out = '';
            for (const b of buckets) {
              out += `${csvField(tag.id)},${csvField(tag.unit)},${iso(b.ts)}${local(b.ts)},${b.count},${b.badCount},${csvField(b.min)},${csvField(b.max)},${csvField(b.avg)},${csvField(b.first)},${csvField(b.last)}\n`;
            }
            yield out;
          }
          return;
        }
        yield `tag,unit,source_timestamp${fmt ? ',local_time' : ''},server_timestamp,value,status_code,status\n`;
        let written = 0;
        for (const tag of tags) {
          let cursor: string | undefined;
          do {
            const page = await historian.raw({
              tagKey: tag.key,
              from,
              to,
              limit: Math.min(EXPORT_PAGE, limit - written),
              cursor,
            });
            let out = '';
            for (const s of page.samples) {
              const code = s.status >>> 0;
              out += `${csvField(tag.id)},${csvField(tag.unit)},${iso(s.ts)}${local(s.ts)},${iso(s.serverTs)},${csvField(s.value)},${code},${statusName(code)}\n`;
            }
            written += page.samples.length;
            if (out) yield out;
            cursor = page.next;
          } while (cursor && written < limit);
          if (written >= limit) return;
        }
      }

      const stamp = new Date(from).toISOString().slice(0, 16).replace(/[:T]/g, '');
      const name = `${tags.length === 1 ? (tags[0] as TagRecord).id.replaceAll('/', '_') : `${tags.length}-tags`}_${stamp}.csv`;
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          // Streamed: Fastify pipes a stream as it is; the 200 schema only documents the CSV.
          .send(Readable.from(rows()) as unknown as string)
      );
    },
  );
};
