import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
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

export const healthRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
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
        sources: h.sources.map((s) => ({
          ...s,
          lastValueAt: s.lastValueAt === undefined ? undefined : iso(s.lastValueAt),
          connectedSince: s.connectedSince === undefined ? undefined : iso(s.connectedSince),
        })),
        historian: {
          ...h.historian,
          lastFlushAt: h.historian.lastFlushAt === undefined ? undefined : iso(h.historian.lastFlushAt),
        },
        ingest: h.ingest,
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
