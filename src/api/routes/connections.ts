import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { visibleTo } from '../../security/auth/index.js';
import { iso } from '../format.js';
import { SourceHealth } from '../schemas.js';
import type { HubView } from '../types.js';
import { sourceHealthOut } from './health.js';

const EVENTS_PER_CONNECTION = 50;

const EventOut = Type.Object({
  ts: Type.String(),
  kind: Type.String(),
  severity: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const ConnectionOut = Type.Object({
  ...SourceHealth.properties,
  certificate: Type.Optional(
    Type.Object({
      thumbprint: Type.String({ description: 'SHA-1 thumbprint of the server certificate, hex.' }),
      trust: Type.Union([Type.Literal('trusted'), Type.Literal('rejected'), Type.Literal('unknown')], {
        description: 'State in the hub PKI; `rejected` certificates are trusted with `gotthard pki trust`.',
      }),
      subject: Type.Optional(Type.String()),
      notAfter: Type.Optional(Type.String()),
      expired: Type.Optional(Type.Boolean()),
    }),
  ),
  events: Type.Array(EventOut, { description: `The last ${EVENTS_PER_CONNECTION} events of this connection.` }),
});

const SiteOut = Type.Object({
  path: Type.String(),
  id: Type.String(),
  name: Type.String(),
  timezone: Type.String({ description: 'IANA time zone; the dashboard shows times in it.' }),
});

/** Connections (OPC UA endpoints with security, certificate trust, statistics, events) and sites. */
export const connectionRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  app.get(
    '/connections',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary:
          'Every connection: state, security mode/policy, server certificate and its trust, subscription statistics, recent events',
        tags: ['health'],
        response: { 200: Type.Object({ connections: Type.Array(ConnectionOut) }) },
      },
    },
    async () => {
      const sources = hub.health().sources;
      const certs = (await hub.serverCertificates?.()) ?? [];
      const connections = await Promise.all(
        sources.map(async (s) => {
          const events = await hub.historian.events({ source: s.name, limit: EVENTS_PER_CONNECTION });
          const t = s.details.serverCertificateThumbprint;
          const thumb = typeof t === 'string' ? t : undefined;
          // A certificate can be in both folders during a re-trust; trusted wins.
          const cert = thumb
            ? (certs.find((c) => c.thumbprint === thumb && c.status === 'trusted') ??
              certs.find((c) => c.thumbprint === thumb))
            : undefined;
          return {
            ...sourceHealthOut(s),
            certificate: thumb
              ? {
                  thumbprint: thumb,
                  trust: cert?.status ?? ('unknown' as const),
                  subject: cert?.subject,
                  notAfter: cert ? cert.notAfter.toISOString() : undefined,
                  expired: cert?.expired,
                }
              : undefined,
            events: events.map((e) => ({
              ts: iso(e.ts),
              kind: e.kind,
              severity: e.severity,
              message: e.message,
              details: e.details,
            })),
          };
        }),
      );
      return { connections };
    },
  );

  app.get(
    '/sites',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Configured sites with their time zones',
        tags: ['assets'],
        response: { 200: Type.Object({ sites: Type.Array(SiteOut) }) },
      },
    },
    async (req) => ({ sites: (hub.sites?.() ?? []).filter((s) => visibleTo(req.principal, s.path)) }),
  );
};
