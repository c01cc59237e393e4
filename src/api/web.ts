import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Where `vite build` puts the dashboard: `<package>/dist/web`. This file sits two folders below the
 * package root both as source (`src/api/web.ts`) and when compiled (`dist/api/web.js`).
 */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** True when a built dashboard is present in `root`. */
export function hasWebApp(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/**
 * Serves the built dashboard at `/`. Hashed assets under `/assets/` are cached for a year
 * (`immutable`); `index.html` is revalidated on every load so a new hub version shows at once.
 * The app routes with the URL hash, so no server-side fallback is needed. The files are public (the
 * bundle holds no data); @fastify/static refuses paths that leave `root` (`..`, encoded or not).
 */
export const webApp: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  // The static files are public so the sign-in page can load; every data route needs a principal.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: { public: true } };
  });
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: 'index.html',
    wildcard: true,
    decorateReply: false,
    cacheControl: false,
    setHeaders(reply, path) {
      const immutable = path.includes(join('assets', ''));
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
};
