import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { AuthService } from '../../security/auth/index.js';
import { inScope, sameAuthority } from '../../security/types.js';
import { LiveHub, type LiveOptions } from '../live.js';
import type { HubView } from '../types.js';

export interface LiveRouteOptions {
  hub: HubView;
  log: Logger;
  live?: Omit<LiveOptions, 'log'>;
  /** Re-checks each socket's credential when authority changes, and every `recheckMs` for expiry. */
  auth?: Pick<AuthService, 'recheck' | 'onAuthorityChange'>;
  /** How often open sockets are re-checked for expired sessions and tokens (default 5 s). */
  recheckMs?: number;
}

/** WebSocket close code for "policy violation" (RFC 6455, 7.4.1): the channel lost its authority. */
const CLOSE_POLICY = 1008;

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
  // A socket outlives the request that opened it: its credential is checked again whenever
  // authority may have been taken away (logout, revocation, a user disabled, deleted, or given
  // another role or scope) and periodically for expiry; one that no longer carries the same
  // role and scope is closed, and the client signs in or reconnects under its new authority.
  const watched = new Map<{ close(code?: number, reason?: string): void }, () => string | undefined>();
  const sweep = (): void => {
    for (const [socket, lost] of watched) {
      const why = lost();
      if (why === undefined) continue;
      watched.delete(socket);
      socket.close(CLOSE_POLICY, why);
    }
  };
  const unwatch = opts.auth?.onAuthorityChange(sweep);
  const timer = setInterval(sweep, opts.recheckMs ?? 5000);
  timer.unref();
  app.addHook('onClose', async () => {
    unwatch?.();
    clearInterval(timer);
    live.close();
  });

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
      // Scope and classification: a confidential tag streams only to a principal with a read grant.
      const g = opts.hub.governance;
      const client = live.connect(
        socket,
        (p && p.scope.length > 0) || g ? (id) => (!p || inScope(p, id)) && (g?.mayRead(p, id) ?? true) : undefined,
      );
      const cred = req.credential;
      const auth = opts.auth;
      if (auth && p && cred) {
        watched.set(socket, () => {
          const now = auth.recheck(cred);
          if (!now) return 'signed out, expired or revoked; sign in again';
          return sameAuthority(now, p) ? undefined : 'role or scope changed; reconnect';
        });
      }
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          client.sendNow({ type: 'error', code: 'GT_BAD_REQUEST', message: 'send JSON text messages' });
          return;
        }
        client.receive(String(data)).catch((err: unknown) => opts.log.warn({ err }, 'live: message failed'));
      });
      socket.on('close', () => {
        watched.delete(socket);
        client.close();
      });
      socket.on('error', () => {
        watched.delete(socket);
        client.close();
      });
    },
  );
};
