import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SourceHealth as SourceHealthIn } from '../../pipeline/types.js';
import type { EventLoopMonitor } from '../eventLoop.js';
import { iso } from '../format.js';
import { SourceHealth } from '../schemas.js';
import type { HubView } from '../types.js';

const HealthReply = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  startedAt: Type.String(),
  uptimeS: Type.Number(),
  sources: Type.Array(SourceHealth),
  historian: Type.Object({
    accepted: Type.Number(),
    persisted: Type.Number(),
    backlog: Type.Number({ description: 'Values accepted but not yet durable.' }),
    diskBytes: Type.Number(),
    lastFlushAt: Type.Optional(Type.String()),
    lastError: Type.Optional(
      Type.String({ description: 'Why the last write failed (e.g. disk full); values are kept and retried.' }),
    ),
  }),
  ingest: Type.Object({
    valuesPerSecond: Type.Number({ description: 'Average over the last 9 s.' }),
    totalValues: Type.Number(),
  }),
  eventLoop: Type.Optional(
    Type.Object(
      {
        windowS: Type.Number(),
        p50Ms: Type.Number(),
        p99Ms: Type.Number(),
        maxMs: Type.Number(),
      },
      {
        description:
          'Event-loop delay of the hub process over the last window (perf_hooks.monitorEventLoopDelay): collection shares this loop, so a read that blocks it shows here first.',
      },
    ),
  ),
  sinks: Type.Array(
    Type.Object({
      name: Type.String(),
      kind: Type.String({
        description: '`mqtt-json` or `mqtt-sparkplug` (UNS); `delivery-<kind>` for a connector (docs/connectors.md).',
      }),
      target: Type.String({ description: 'Broker URL, without credentials.' }),
      state: Type.Union([Type.Literal('connected'), Type.Literal('disconnected'), Type.Literal('stopped')]),
      queued: Type.Number({
        description:
          'Values accepted and not yet acknowledged by the broker (in the store-and-forward outbox or about to be appended to it).',
      }),
      maxRows: Type.Number({ description: 'The outbox bound.' }),
      overflow: Type.String({ description: 'Policy at the bound: `dropOldest` or `dropNewest`.' }),
      appended: Type.Number(),
      delivered: Type.Number({ description: 'Values the broker acknowledged since start.' }),
      dropped: Type.Number({ description: 'Values discarded by the overflow policy since start.' }),
      oldestSourceTs: Type.Optional(Type.String()),
      diskBytes: Type.Number(),
      lastDeliveredAt: Type.Optional(Type.String()),
      lastError: Type.Optional(Type.String()),
    }),
    {
      description:
        'Outbound sinks with store-and-forward: the UNS publisher, and each delivery connector (`queued` = entries waiting, `dropped` = dead letters, `oldestSourceTs` = oldest waiting entry).',
    },
  ),
  tagOwnership: Type.Optional(
    Type.Object(
      {
        collisions: Type.Number({ description: 'Tag declarations refused: the id belongs to another source.' }),
        refusedValues: Type.Number({ description: 'Values (and gap markers) dropped for those declarations.' }),
        bySource: Type.Record(Type.String(), Type.Object({ collisions: Type.Number(), refusedValues: Type.Number() })),
      },
      { description: 'One source per tag id (docs/security.md, tag ownership).' },
    ),
  ),
});

/** A source's health on the wire: times as ISO 8601, details without unknown (undefined) entries. */
export function sourceHealthOut(s: SourceHealthIn) {
  const details: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(s.details)) if (v !== undefined) details[k] = v;
  return {
    ...s,
    lastValueAt: s.lastValueAt === undefined ? undefined : iso(s.lastValueAt),
    lastContactAt: s.lastContactAt === undefined ? undefined : iso(s.lastContactAt),
    connectedSince: s.connectedSince === undefined ? undefined : iso(s.connectedSince),
    details,
  };
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ hub: HubView; eventLoop?: EventLoopMonitor }> = async (
  app,
  { hub, eventLoop },
) => {
  app.get(
    '/health',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Hub health: each connection with its security, tags, ingest rate and historian backlog',
        tags: ['health'],
        response: { 200: HealthReply },
      },
    },
    async () => {
      const h = hub.health();
      return {
        status: h.status,
        version: h.version,
        startedAt: iso(h.startedAt),
        uptimeS: Math.round((Date.now() - h.startedAt) / 1000),
        sources: h.sources.map(sourceHealthOut),
        historian: {
          ...h.historian,
          lastFlushAt: h.historian.lastFlushAt === undefined ? undefined : iso(h.historian.lastFlushAt),
        },
        ingest: h.ingest,
        eventLoop: eventLoop?.figures(),
        sinks: (h.sinks ?? []).map((k) => ({
          ...k,
          oldestSourceTs: k.oldestSourceTs === undefined ? undefined : iso(k.oldestSourceTs),
          lastDeliveredAt: k.lastDeliveredAt === undefined ? undefined : iso(k.lastDeliveredAt),
        })),
        ...(h.tagOwnership ? { tagOwnership: h.tagOwnership } : {}),
      };
    },
  );

  app.get(
    '/health/live',
    {
      config: { access: { public: true } },
      schema: {
        summary: 'Liveness probe: 200 while the process serves requests',
        tags: ['health'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
};
