import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  CertificatePurpose,
  createSelfSignedCertificate,
  generatePrivateKey,
  privateKeyToPEM,
} from 'node-opcua-crypto';
import type { Logger } from 'pino';
import { GotthardError } from '../../errors.js';

export interface TlsSettings {
  mode: 'auto' | 'on' | 'off';
  cert?: string;
  key?: string;
}

/** True for addresses only this machine can reach (plain HTTP is allowed there). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/** Whether the API is served over HTTPS: `on`, or `auto` on anything but a loopback address. */
export function wantsHttps(tls: TlsSettings, host: string): boolean {
  return tls.mode === 'on' || (tls.mode === 'auto' && !isLoopback(host));
}

const RENEW_BEFORE_MS = 30 * 86_400_000;

/**
 * The HTTPS key pair: the configured PEM files, or a self-signed certificate generated once into
 * `<dir>/cert.pem` + `key.pem` (RSA 2048, SAN = this host name, localhost, 127.0.0.1 and the listen
 * address; renewed 30 days before it expires). Replace it with one from your CA for production.
 */
export async function tlsKeyPair(
  tls: TlsSettings,
  dir: string,
  listenHost: string,
  log: Logger,
): Promise<{ cert: string; key: string; generated: boolean }> {
  if (tls.cert !== undefined || tls.key !== undefined) {
    if (tls.cert === undefined || tls.key === undefined) {
      throw new GotthardError('GT_CONFIG_INVALID', 'http.tls: give both cert and key (PEM files), or neither');
    }
    const read = (what: 'cert' | 'key', file: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (e) {
        throw new GotthardError(
          'GT_CONFIG_INVALID',
          `http.tls.${what}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    };
    const cert = read('cert', tls.cert);
    const key = read('key', tls.key);
    try {
      const x = new X509Certificate(cert);
      if (Date.parse(x.validTo) < Date.now()) log.warn({ validTo: x.validTo }, 'the HTTPS certificate has expired');
    } catch {
      throw new GotthardError('GT_CONFIG_INVALID', `http.tls.cert: ${tls.cert} is not a PEM certificate`);
    }
    return { cert, key, generated: false };
  }
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const x = new X509Certificate(cert);
    if (Date.parse(x.validTo) - Date.now() > RENEW_BEFORE_MS) {
      return { cert, key: readFileSync(keyFile, 'utf8'), generated: false };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKey = await generatePrivateKey(2048);
  const host = hostname();
  const ips = ['127.0.0.1', ...(/^[0-9.]+$/.test(listenHost) && listenHost !== '0.0.0.0' ? [listenHost] : [])];
  const { cert } = await createSelfSignedCertificate({
    privateKey,
    subject: `/CN=${host}/O=Gotthard`,
    dns: [...new Set([host, 'localhost'])],
    ip: [...new Set(ips)],
    validity: 825,
    purpose: CertificatePurpose.ForApplication,
  });
  const { privPem } = await privateKeyToPEM(privateKey);
  writeFileSync(keyFile, privPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, cert);
  const fingerprint = new X509Certificate(cert).fingerprint256;
  log.warn(
    { certFile, fingerprint },
    'generated a self-signed HTTPS certificate; browsers will warn until you trust it or configure http.tls.cert/key from your CA',
  );
  return { cert, key: privPem, generated: true };
}

export interface SecurityHeaderOptions {
  https: boolean;
  /** HSTS max-age in ms; 0 sends no HSTS header. */
  hstsMaxAge: number;
  /** Origins allowed to call the API from a browser with an API token (CORS); none by default. */
  corsOrigins: readonly string[];
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React and uPlot set style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Security headers on every reply (CSP, nosniff, no framing, no referrer, HSTS under HTTPS,
 * `no-store` on API replies), and strict CORS: no cross-origin access unless `corsOrigins` names
 * the origin, and then without credentials (cookies never work cross-origin; tokens do).
 * Install before the auth hook so a CORS preflight is answered without credentials.
 */
export function installSecurityHeaders(app: FastifyInstance, opts: SecurityHeaderOptions): void {
  const allowed = new Set(opts.corsOrigins);
  const hsts = `max-age=${Math.floor(opts.hstsMaxAge / 1000)}; includeSubDomains`;

  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        reply.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
        reply.header('access-control-allow-headers', 'authorization, content-type');
        reply.header('access-control-max-age', '600');
        return reply.status(204).send();
      }
    }
    return undefined;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('content-security-policy', CSP);
    if (opts.https && opts.hstsMaxAge > 0) reply.header('strict-transport-security', hsts);
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
