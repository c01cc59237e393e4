import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { GotthardError } from '../../errors.js';
import { inScope } from '../../security/types.js';
import type { Delivery, EntryView } from '../../workflows/delivery/index.js';
import { iso } from '../format.js';
import { ErrorReply } from '../schemas.js';
import type { HubView } from '../types.js';

const EntryOut = Type.Object({
  id: Type.Integer(),
  connector: Type.String({ description: 'Connector name (`http` and `mqtt` for rule actions of those kinds).' }),
  idempotencyKey: Type.String({ description: 'Sent as `Idempotency-Key`; one entry per key and connector.' }),
  summary: Type.String(),
  asset: Type.Optional(Type.String()),
  state: Type.String({ description: '`pending`, `delivered`, `dead` or `discarded`.' }),
  attempts: Type.Integer(),
  createdAt: Type.String({ description: 'Queued (or queued again by a retry).' }),
  nextAt: Type.String({ description: 'Next attempt, for pending entries.' }),
  updatedAt: Type.String(),
  lastError: Type.Optional(Type.String({ description: 'Why the last attempt failed, or why it was held back.' })),
  externalId: Type.Optional(
    Type.String({ description: 'Id in the external system, e.g. the SAP notification number.' }),
  ),
});

const ConnectorOut = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  target: Type.String({ description: 'Where it sends, without credentials.' }),
  workOrders: Type.Boolean({ description: 'Receives work-order changes.' }),
  inbound: Type.Boolean({ description: 'Accepts status updates at POST /connectors/{name}/status.' }),
});

const out = (e: EntryView) => ({
  ...e,
  createdAt: iso(e.createdAt),
  nextAt: iso(e.nextAt),
  updatedAt: iso(e.updatedAt),
});

function deliveryOf(hub: HubView): Delivery {
  if (!hub.delivery) {
    throw new GotthardError('GT_NOT_FOUND', 'no delivery on this hub: configure `connectors` (see docs/connectors.md)');
  }
  return hub.delivery;
}

const visible = (req: FastifyRequest, e: EntryView) => !req.principal || !e.asset || inScope(req.principal, e.asset);
const actorOf = (req: FastifyRequest) => (req.principal ? `${req.principal.kind}:${req.principal.name}` : 'anonymous');

/**
 * The delivery outbox (connectors, backlog, dead letters with retry/discard) and the inbound status
 * endpoint external systems call.
 */
export const deliveryRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  // The inbound route needs the raw body to check its HMAC; this parser is local to this plugin.
  const raw = new WeakMap<FastifyRequest, string>();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    raw.set(req, text);
    try {
      done(null, text.length === 0 ? undefined : JSON.parse(text));
    } catch {
      done(new GotthardError('GT_BAD_REQUEST', 'the request body is not valid JSON'), undefined);
    }
  });

  app.get(
    '/delivery/connectors',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'Configured connectors (SAP PM, webhooks, e-mail, MQTT, HTTP)',
        tags: ['delivery'],
        response: { 200: Type.Array(ConnectorOut) },
      },
    },
    async () => deliveryOf(hub).connectorList(),
  );

  app.get(
    '/delivery/entries',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Outbox entries in one state (pending backlog, delivered, dead letters, discarded)',
        tags: ['delivery'],
        querystring: Type.Object({
          state: Type.Union(
            [Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead'), Type.Literal('discarded')],
            { default: 'pending' },
          ),
          connector: Type.Optional(Type.String()),
          limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
        }),
        response: { 200: Type.Array(EntryOut) },
      },
    },
    async (req) => {
      const q = req.query;
      return deliveryOf(hub)
        .entries(q.state, q.limit, q.connector)
        .filter((e) => visible(req, e))
        .map(out);
    },
  );

  app.get(
    '/delivery/dead-letters',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary:
          'Dead letters: entries refused permanently, held back by classification, or failing past retry.deadAfter',
        tags: ['delivery'],
        querystring: Type.Object({ connector: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(EntryOut) },
      },
    },
    async (req) =>
      deliveryOf(hub)
        .entries('dead', 5000, req.query.connector)
        .filter((e) => visible(req, e))
        .map(out),
  );

  const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
  const checkScope = (req: FastifyRequest, id: number) => {
    const e = deliveryOf(hub).entry(id);
    if (e && req.principal && e.asset && !inScope(req.principal, e.asset)) {
      throw new GotthardError('GT_FORBIDDEN', `dead letter ${id} concerns ${e.asset}, outside your scope`);
    }
  };

  app.post(
    '/delivery/dead-letters/:id/retry',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Queue a dead letter again (attempts reset, due now); audited',
        tags: ['delivery'],
        params: IdParams,
        response: { 200: EntryOut, 404: ErrorReply },
      },
    },
    async (req) => {
      checkScope(req, req.params.id);
      return out(deliveryOf(hub).retryDead(req.params.id, actorOf(req)));
    },
  );

  app.post(
    '/delivery/dead-letters/:id/discard',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'Discard a dead letter (never sent; kept for the record); audited',
        tags: ['delivery'],
        params: IdParams,
        response: { 200: EntryOut, 404: ErrorReply },
      },
    },
    async (req) => {
      checkScope(req, req.params.id);
      return out(deliveryOf(hub).discardDead(req.params.id, actorOf(req)));
    },
  );

  app.post(
    '/connectors/:name/status',
    {
      // Public to the session/token authentication only: the handler authenticates the caller
      // itself, by the connector's HMAC signature over the raw body (timestamped, each signature
      // accepted once) or its own bearer token, and refuses everything else with 401/403. ERP
      // systems have no Gotthard user; the connector's secret is their credential.
      config: { access: { public: true } },
      schema: {
        summary: 'Inbound status update from an ERP/CMMS (signed with X-Gotthard-Signature or a bearer token)',
        description:
          'Body: `{ "workOrderId"?: "WO-000042", "externalId"?: "10000123", "status": "open|planned|in_progress|done|cancelled", "note"?: "…" }`. See docs/connectors.md.',
        tags: ['delivery'],
        params: Type.Object({ name: Type.String() }),
        body: Type.Unknown({ description: 'JSON; checked after the signature (see description).' }),
        response: {
          200: Type.Object({ workOrderId: Type.String(), status: Type.String(), revision: Type.Integer() }),
          400: ErrorReply,
          401: ErrorReply,
          403: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (req) => {
      const sig = req.headers['x-gotthard-signature'];
      const wo = deliveryOf(hub).inboundStatus(
        req.params.name,
        raw.get(req) ?? '',
        { signature: typeof sig === 'string' ? sig : undefined, authorization: req.headers.authorization },
        req.ip,
      );
      return { workOrderId: wo.id, status: wo.status, revision: wo.revision };
    },
  );
};
