import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parseDuration } from '../../config/types.js';
import { buildCatalog, type CatalogEntry } from '../../security/governance/index.js';
import { inScope } from '../../security/types.js';
import { iso } from '../format.js';
import { Lineage } from '../schemas.js';
import type { HubView } from '../types.js';

const ERROR = { $ref: 'ErrorReply#' } as const;

const EntryOut = Type.Object({
  id: Type.String({ description: 'Tag id = unified-namespace path.' }),
  name: Type.String(),
  assetPath: Type.String(),
  dataType: Type.String(),
  unit: Type.Optional(Type.String()),
  euRange: Type.Optional(Type.Object({ low: Type.Number(), high: Type.Number() })),
  lineage: Lineage,
  classification: Type.String(),
  owner: Type.Optional(Type.String()),
  retentionClass: Type.String({ description: 'Retention class in force (`default` when none is set).' }),
  sinks: Type.Array(Type.Object({ sink: Type.String(), flows: Type.Boolean(), reason: Type.Optional(Type.String()) }), {
    description: 'Where the values go: the historian, then each outbound sink, and whether governance lets them.',
  }),
  quality: Type.Object({
    samples: Type.Integer(),
    badOrUncertain: Type.Integer(),
    badShare: Type.Number({ description: '0..1' }),
    gaps: Type.Integer({ description: 'Empty buckets between the first and the last sample of the window.' }),
    buckets: Type.Integer(),
    lastTs: Type.Optional(Type.String()),
    stale: Type.Boolean(),
    flatline: Type.Boolean(),
    outOfRange: Type.Integer({ description: 'Buckets with values outside the EURange.' }),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  }),
});

/** How long a computed catalog is reused: quality over hours does not change within a few seconds. */
const CACHE_MS = 15_000;

function entryOut(e: CatalogEntry) {
  const t = e.tag;
  const q = e.quality;
  return {
    id: t.id,
    name: t.name,
    assetPath: t.assetPath,
    dataType: t.dataType,
    ...(t.unit !== undefined ? { unit: t.unit } : {}),
    ...(t.euRange !== undefined ? { euRange: t.euRange } : {}),
    lineage: t.lineage,
    classification: e.governance.classification,
    ...(e.governance.owner !== undefined ? { owner: e.governance.owner } : {}),
    retentionClass: e.governance.retentionClass ?? t.retentionClass ?? 'default',
    sinks: e.sinks,
    quality: { ...q, ...(q.lastTs !== undefined ? { lastTs: iso(q.lastTs) } : { lastTs: undefined }) },
  };
}

/**
 * The data catalog: every tag with its lineage (endpoint and NodeId → UNS path → each sink it flows
 * to), its governance (owner, classification, retention) and its data quality over a window
 * (share of Bad/Uncertain values, gaps, stale, flat-lined sensors, values outside the EURange).
 * Viewer; a scoped principal sees only the tags inside its scope.
 */
export const catalogRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  let cache: { key: string; at: number; entries: CatalogEntry[] } | undefined;

  app.get(
    '/catalog',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Data catalog: lineage, governance and data quality of every tag',
        tags: ['governance'],
        querystring: Type.Object({
          window: Type.String({ default: '24h', description: 'Quality window, e.g. `1h`, `24h`, `7d`.' }),
          staleAfter: Type.String({ default: '15m', description: 'A tag without a value for this long is stale.' }),
          asset: Type.Optional(Type.String({ description: 'Only tags below this asset path.' })),
        }),
        response: {
          200: Type.Object({
            window: Type.Object({ from: Type.String(), to: Type.String() }),
            sinks: Type.Array(Type.String()),
            tags: Type.Array(EntryOut),
          }),
          400: ERROR,
        },
      },
    },
    async (req, reply) => {
      const windowMs = parseDuration(req.query.window);
      const staleAfterMs = parseDuration(req.query.staleAfter);
      if (!windowMs || windowMs < 60_000 || windowMs > 90 * 86_400_000) {
        return reply.status(400).send({
          error: {
            code: 'GT_BAD_REQUEST',
            message: `window "${req.query.window}" must be a duration between 1m and 90d, e.g. 24h`,
          },
        });
      }
      if (staleAfterMs === undefined) {
        return reply.status(400).send({
          error: {
            code: 'GT_BAD_REQUEST',
            message: `staleAfter "${req.query.staleAfter}" is not a duration, e.g. 15m`,
          },
        });
      }
      const outbound = (hub.health().sinks ?? []).map((s) => `mqtt:${s.name}`);
      const key = `${windowMs}|${staleAfterMs}`;
      const now = Date.now();
      if (!cache || cache.key !== key || now - cache.at > CACHE_MS) {
        const tags = await hub.historian.listTags();
        const entries = await buildCatalog(tags, {
          historian: hub.historian,
          governance: hub.governance,
          outbound,
          windowMs,
          buckets: 48,
          staleAfterMs,
          now,
        });
        cache = { key, at: now, entries };
      }
      const p = req.principal;
      const asset = req.query.asset;
      const visible = cache.entries.filter(
        (e) =>
          (!p || inScope(p, e.tag.id)) &&
          (asset === undefined || e.tag.id === asset || e.tag.id.startsWith(`${asset}/`)),
      );
      return {
        window: { from: iso(cache.at - windowMs), to: iso(cache.at) },
        sinks: ['historian', ...outbound],
        tags: visible.sort((a, b) => a.tag.id.localeCompare(b.tag.id)).map(entryOut),
      };
    },
  );
};
