import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { inScope } from '../../security/types.js';
import { LiveHub, type LiveOptions } from '../live.js';
import type { HubView } from '../types.js';

export interface LiveRouteOptions {
  hub: HubView;
  log: Logger;
  live?: Omit<LiveOptions, 'log'>;
}

/**
 * `GET /api/v1/live` (WebSocket; @fastify/websocket is registered at the root in server.ts): live value changes of subscribed tags or assets.
 *
 * Client → hub: `{"type":"subscribe","tags":["…"]}`, `{"type":"subscribe","assets":["acme/zurich/machining"]}`,
 * `{"type":"unsubscribe","tags":[…]}` (no tags and no assets = everything), `{"type":"ping"}`.
 * Hub → client: `hello`, `subscribed`, `snapshot` (latest values of what was just subscribed),
 * `values` (every flush interval, only when something changed), `missed` (values dropped because the
 * client read too slowly), `unsubscribed`, `error`, `pong`. See docs/dashboard.md.
 */
export const liveRoutes: FastifyPluginAsyncTypebox<LiveRouteOptions> = async (app, opts) => {
  const historian = opts.hub.historian;
  const pipeline = opts.hub.pipeline;
  const live = new LiveHub(
    {
      listTags: () => historian.listTags(),
      latest: (keys) => historian.latest(keys),
      listen: (fn) => pipeline?.listen(fn) ?? (() => {}),
    },
    { ...opts.live, log: opts.log },
  );
  app.addHook('onClose', async () => live.close());

  app.get(
    '/live',
    {
      config: { access: { role: 'viewer' } },
      websocket: true,
      schema: {
        summary: 'WebSocket: live value changes of subscribed tags or assets (see docs/dashboard.md)',
        tags: ['values'],
      },
    },
    (socket, req) => {
      const p = req.principal;
      const client = live.connect(socket, p && p.scope.length > 0 ? (id) => inScope(p, id) : undefined);
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          client.sendNow({ type: 'error', code: 'GT_BAD_REQUEST', message: 'send JSON text messages' });
          return;
        }
        client.receive(String(data)).catch((err: unknown) => opts.log.warn({ err }, 'live: message failed'));
      });
      socket.on('close', () => client.close());
      socket.on('error', () => client.close());
    },
  );
};
