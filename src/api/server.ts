import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController, type RouteOptions } from 'fastify';
import type { Logger } from 'pino';
import { isGotthardError } from '../errors.js';
import { type AuthService, installAuth, installSecurityHeaders } from '../security/auth/index.js';
import { EventLoopMonitor } from './eventLoop.js';
import { type HeavyReadOptions, installReadConcurrency } from './limits.js';
import { DOCS_PATH, docsUiOptions, openapiContract, requireSignInForDocs, sharedSchemas } from './openapi.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { catalogRoutes } from './routes/catalog.js';
import { connectionRoutes } from './routes/connections.js';
import { deliveryRoutes } from './routes/delivery.js';
import { healthRoutes } from './routes/health.js';
import { historyTransferRoutes } from './routes/import.js';
import { kpiRoutes } from './routes/kpi.js';
import { liveRoutes } from './routes/live.js';
import { machineRoutes } from './routes/machines.js';
import { pdmRoutes } from './routes/pdm.js';
import { pkiRoutes } from './routes/pki.js';
import { tagRoutes } from './routes/tags.js';
import { trendRoutes } from './routes/trend.js';
import { valueRoutes } from './routes/values.js';
import { workflowRoutes } from './routes/workflows.js';
import type { HubView } from './types.js';
import { DEFAULT_WEB_ROOT, hasWebApp, webApp } from './web.js';

export const API_PREFIX = '/api/v1';

/**
 * TLS 1.3 suites first, then TLS 1.2 with forward secrecy (ECDHE) and AEAD ciphers only: no static
 * RSA key exchange and no CBC/SHA-1 suites (Mozilla "intermediate" profile; BSI TR-02102-2).
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface ApiOptions {
  logger: Logger;
  version: string;
  /** Request body limit in bytes. */
  bodyLimit?: number;
  /** Folder of the built dashboard served at `/` (default `dist/web`); `false` serves none. */
  webRoot?: string | false;
  /** Who requests are (src/security/auth); every route but health/live, login and setup needs a principal. */
  auth: AuthService;
  /** Serve HTTPS with this PEM key pair (src/security/auth/transport.ts); session cookies then get `Secure`. */
  https?: { cert: string; key: string };
  /** HSTS max-age in ms under HTTPS (default 180 days; 0 = no header). */
  hstsMaxAge?: number;
  /** Browser origins allowed to call the API with an API token (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** Sees every route as it is registered (the authorisation matrix test collects the route table). */
  onRoute?: (route: RouteOptions) => void;
  /** Concurrency of heavy reads per principal and hub-wide (defaults in src/api/limits.ts). */
  heavyReads?: HeavyReadOptions;
}

/**
 * The HTTP API: encapsulated Fastify plugins under /api/v1, each route with a schema, an OpenAPI 3
 * document generated from those schemas, and one error handler that turns the error catalogue into
 * `{ error: { code, message } }` and never sends a stack trace.
 */
export async function buildApi(hub: HubView, opts: ApiOptions): Promise<FastifyInstance> {
  const app = (
    Fastify({
      loggerInstance: opts.logger.child({ component: 'api' }) as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: opts.bodyLimit ?? 1_048_576,
      // Only the configured reverse proxies may name the client address (login throttling, audit).
      ...(opts.auth.trustedProxies.length > 0 ? { trustProxy: [...opts.auth.trustedProxies] } : {}),
      ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
      // Same server type for HTTP and HTTPS as far as routes are concerned.
      ...(opts.https
        ? {
            https: {
              cert: opts.https.cert,
              key: opts.https.key,
              minVersion: 'TLSv1.2' as const,
              ciphers: TLS_CIPHERS,
              honorCipherOrder: true,
            },
          }
        : {}),
    }) as unknown as FastifyInstance
  ).withTypeProvider<TypeBoxTypeProvider>();

  // The OpenAPI document (src/api/openapi.ts): shared schemas by name, and what each route declares.
  const contract = openapiContract({ version: opts.version, prefix: API_PREFIX });
  for (const schema of sharedSchemas()) app.addSchema(schema);
  app.addHook('onRoute', contract.collect);
  // Before installAuth's own onRoute check: the interactive docs' routes (a plugin's) get an access rule.
  app.addHook('onRoute', requireSignInForDocs(`${API_PREFIX}${DOCS_PATH}`));
  await app.register(swagger, contract.swagger);

  app.setErrorHandler((err, req, reply) => {
    if (isGotthardError(err)) {
      return reply.status(err.httpStatus).send({ error: { code: err.code, message: err.message } });
    }
    const e = err as { validation?: unknown; statusCode?: number; code?: string; message: string };
    if (e.validation) {
      return reply.status(400).send({ error: { code: 'GT_BAD_REQUEST', message: e.message } });
    }
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ error: { code: e.code ?? 'GT_BAD_REQUEST', message: e.message } });
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: { code: 'GT_INTERNAL', message: 'internal error; see the hub log' } });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      error: {
        code: 'GT_NOT_FOUND',
        message: `no route ${req.method} ${req.url.split('?')[0]}; see ${API_PREFIX}/openapi.json`,
      },
    });
  });

  // Before any route, so every route (and the WebSocket upgrade) passes through them; headers first,
  // so a CORS preflight is answered without credentials.
  const secureCookies = opts.https !== undefined;
  installSecurityHeaders(app, {
    https: secureCookies,
    hstsMaxAge: opts.hstsMaxAge ?? 180 * 86_400_000,
    corsOrigins: opts.corsOrigins ?? [],
  });
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  installAuth(app, { auth: opts.auth, secureCookies, reads: () => hub.governance });
  // After the auth hooks, so the principal is known and a refused request costs no slot.
  installReadConcurrency(app, opts.heavyReads);

  // At the root, so the whole app (and `app.injectWS` in tests) can upgrade; the route lives in live.ts.
  await app.register(websocket, { options: { maxPayload: 1 << 20 } });

  const eventLoop = new EventLoopMonitor();
  app.addHook('onClose', async () => eventLoop.close());
  await app.register(
    async (api) => {
      await api.register(healthRoutes, { hub, eventLoop });
      await api.register(authRoutes, { hub, auth: opts.auth, secureCookies });
      await api.register(tagRoutes, { hub });
      await api.register(valueRoutes, { hub });
      await api.register(trendRoutes, { hub });
      await api.register(connectionRoutes, { hub });
      await api.register(kpiRoutes, { hub });
      await api.register(pdmRoutes, { hub });
      await api.register(workflowRoutes, { hub });
      await api.register(deliveryRoutes, { hub });
      await api.register(historyTransferRoutes, { hub });
      await api.register(machineRoutes, { hub });
      await api.register(auditRoutes, { hub });
      await api.register(pkiRoutes, { hub });
      await api.register(catalogRoutes, { hub });
      await api.register(liveRoutes, { hub, log: opts.logger.child({ component: 'live' }), auth: opts.auth });
      // Interactive docs for signed-in users, served from node_modules (no CDN).
      await api.register(swaggerUi, docsUiOptions(API_PREFIX));
      api.get('/openapi.json', { schema: { hide: true }, config: { access: { role: 'viewer' } } }, async () =>
        app.swagger(),
      );
    },
    { prefix: API_PREFIX },
  );
  const webRoot = opts.webRoot ?? DEFAULT_WEB_ROOT;
  if (webRoot !== false && hasWebApp(webRoot)) await app.register(webApp, { root: webRoot });
  return app;
}
