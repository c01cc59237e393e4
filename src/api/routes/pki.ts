import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { GotthardError, isGotthardError } from '../../errors.js';
import type { HubPki } from '../../pki/index.js';
import { iso } from '../format.js';
import type { HubView } from '../types.js';

const ERROR = { $ref: 'ErrorReply#' } as const;

const CertOut = Type.Object({
  status: Type.String({ description: '`trusted`, `rejected` or `issuer`.' }),
  subject: Type.String(),
  thumbprint: Type.String({ description: 'SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4).' }),
  notBefore: Type.String(),
  notAfter: Type.String(),
  expired: Type.Boolean(),
  applicationUri: Type.Optional(Type.String()),
  endedSessions: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Sources whose session used this certificate and were restarted (reject and remove).',
    }),
  ),
});

const OwnOut = Type.Object({
  subject: Type.String(),
  thumbprint: Type.String(),
  notBefore: Type.String(),
  notAfter: Type.String(),
  daysLeft: Type.Integer({ description: 'Days until the hub certificate expires.' }),
  applicationUri: Type.String(),
});

const Thumbprint = Type.Object({
  thumbprint: Type.String({
    pattern: '^[0-9a-fA-F:]{8,59}$',
    description: 'Thumbprint or a unique prefix (8+ hex digits).',
  }),
});

const Pem = Type.String({ minLength: 20, maxLength: 200_000, description: 'PEM text (-----BEGIN …-----).' });

type Described = {
  status: string;
  subject: string;
  thumbprint: string;
  notBefore: Date;
  notAfter: Date;
  expired: boolean;
  applicationUri?: string;
};

function certOut(c: Described) {
  return {
    status: c.status,
    subject: c.subject,
    thumbprint: c.thumbprint,
    notBefore: iso(c.notBefore.getTime()),
    notAfter: iso(c.notAfter.getTime()),
    expired: c.expired,
    ...(c.applicationUri !== undefined ? { applicationUri: c.applicationUri } : {}),
  };
}

/**
 * OPC UA trust management: the hub's own certificate (expiry, renewal with the same key), trusted
 * and rejected server certificates, CA issuers and CRLs. Viewing needs engineer; every change needs
 * admin and is audited (`pki.*`), failed attempts too.
 */
export const pkiRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  const store = (): HubPki => {
    const p = hub.pki;
    if (!p) throw Object.assign(new Error('the hub has no PKI open'), { statusCode: 503, code: 'GT_NOT_CONNECTED' });
    return p;
  };

  /** Runs a trust change and audits it, whether it worked or not. */
  async function audited<T extends Described>(
    req: FastifyRequest,
    action: string,
    target: string,
    fn: () => Promise<T>,
    withdraws = false,
  ): Promise<ReturnType<typeof certOut> & { endedSessions?: string[] }> {
    const p = req.principal;
    const actor = p ? `${p.kind}:${p.name}` : 'anonymous';
    try {
      const c = await fn();
      // A certificate no longer trusted must not keep a session alive that was opened with it.
      const ended = withdraws ? ((await hub.withdrawCertificate?.(c.thumbprint)) ?? []) : undefined;
      hub.audit?.append({
        actor,
        action,
        target: c.thumbprint,
        outcome: 'ok',
        details: {
          subject: c.subject,
          status: c.status,
          notAfter: c.notAfter.toISOString(),
          ...(ended ? { endedSessions: ended } : {}),
        },
        ip: req.ip,
      });
      return { ...certOut(c), ...(ended ? { endedSessions: ended } : {}) };
    } catch (err) {
      hub.audit?.append({
        actor,
        action,
        target,
        outcome: 'failed',
        reason: isGotthardError(err) ? `${err.code}: ${err.message}` : (err as Error).message,
        ip: req.ip,
      });
      throw err;
    }
  }

  app.get(
    '/pki',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: "The hub's own certificate, trusted and rejected server certificates, CA issuers and CRLs",
        tags: ['pki'],
        response: {
          200: Type.Object({
            own: OwnOut,
            certificates: Type.Array(CertOut),
            issuers: Type.Array(CertOut),
            crls: Type.Array(
              Type.Object({
                target: Type.String(),
                file: Type.String(),
                bytes: Type.Integer(),
                modifiedAt: Type.String(),
              }),
            ),
          }),
          503: ERROR,
        },
      },
    },
    async () => {
      const p = store();
      const own = await p.ownCertificate();
      return {
        own: {
          subject: own.subject,
          thumbprint: own.thumbprint,
          notBefore: iso(own.notBefore.getTime()),
          notAfter: iso(own.notAfter.getTime()),
          daysLeft: Math.floor((own.notAfter.getTime() - Date.now()) / 86_400_000),
          applicationUri: own.applicationUri,
        },
        certificates: (await p.list()).map(certOut),
        issuers: (await p.issuers()).map(certOut),
        crls: (await p.crls()).map((c) => ({
          ...c,
          file: c.file.split(/[\\/]/).pop() as string,
          modifiedAt: iso(c.modifiedAt.getTime()),
        })),
      };
    },
  );

  const change = { config: { access: { role: 'admin' as const } } };

  // Trust is hub-wide: a certificate trusted for one line is trusted for every connection. So only
  // an admin without an asset scope changes it (issue 17: a line admin trusted certificates for the
  // whole hub). The refusal is audited like any other failed change. On request, before the body is
  // validated, so the answer does not depend on what was sent.
  app.addHook('onRequest', async (req) => {
    const p = req.principal;
    if (req.method === 'GET' || !p || p.scope.length === 0) return;
    const reason = `${p.kind} "${p.name}" is limited to ${p.scope.join(', ')}; certificate trust applies to the whole hub and needs an admin without scope`;
    hub.audit?.append({
      actor: `${p.kind}:${p.name}`,
      action: 'pki.change',
      target: `${req.method} ${req.routeOptions.url ?? req.url}`,
      outcome: 'refused',
      reason,
      ip: req.ip,
    });
    throw new GotthardError('GT_FORBIDDEN', reason);
  });

  app.post(
    '/pki/certificates/:thumbprint/trust',
    {
      ...change,
      schema: {
        summary: 'Trust a (rejected) server certificate',
        tags: ['pki'],
        params: Thumbprint,
        response: { 200: CertOut, 404: ERROR },
      },
    },
    async (req) =>
      audited(req, 'pki.trust', req.params.thumbprint, () => store().trust(req.params.thumbprint.replace(/:/g, ''))),
  );

  app.post(
    '/pki/certificates/:thumbprint/reject',
    {
      ...change,
      schema: {
        summary: 'Reject a trusted server certificate; sources connected with it are restarted (their sessions end)',
        tags: ['pki'],
        params: Thumbprint,
        response: { 200: CertOut, 404: ERROR },
      },
    },
    async (req) => audited(req, 'pki.reject', req.params.thumbprint, () => store().reject(req.params.thumbprint), true),
  );

  app.delete(
    '/pki/certificates/:thumbprint',
    {
      ...change,
      schema: {
        summary: 'Remove a trusted or rejected server certificate; sources connected with it are restarted',
        tags: ['pki'],
        params: Thumbprint,
        response: { 200: CertOut, 404: ERROR },
      },
    },
    async (req) => audited(req, 'pki.remove', req.params.thumbprint, () => store().remove(req.params.thumbprint), true),
  );

  app.post(
    '/pki/certificates',
    {
      ...change,
      schema: {
        summary: 'Trust a server certificate given as PEM',
        tags: ['pki'],
        body: Type.Object({ pem: Pem }, { additionalProperties: false }),
        response: { 200: CertOut, 400: ERROR },
      },
    },
    async (req) => audited(req, 'pki.trust', 'upload', () => store().trustCertificate(req.body.pem)),
  );

  app.post(
    '/pki/issuers',
    {
      ...change,
      schema: {
        summary: 'Add a CA certificate (PEM) to issuers; `trust: true` also trusts everything it signed',
        tags: ['pki'],
        body: Type.Object({ pem: Pem, trust: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 200: CertOut, 400: ERROR },
      },
    },
    async (req) => audited(req, 'pki.issuer.add', 'upload', () => store().addIssuer(req.body.pem, req.body.trust)),
  );

  app.delete(
    '/pki/issuers/:thumbprint',
    {
      ...change,
      schema: {
        summary: 'Remove a CA certificate from issuers',
        tags: ['pki'],
        params: Thumbprint,
        response: { 200: CertOut, 404: ERROR },
      },
    },
    async (req) =>
      audited(req, 'pki.issuer.remove', req.params.thumbprint, () => store().removeIssuer(req.params.thumbprint)),
  );

  app.post(
    '/pki/crls',
    {
      ...change,
      schema: {
        summary: 'Add a certificate revocation list (PEM) for a CA in issuers or trusted',
        tags: ['pki'],
        body: Type.Object(
          { pem: Pem, target: Type.Union([Type.Literal('issuers'), Type.Literal('trusted')], { default: 'issuers' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ status: Type.String() }), 400: ERROR },
      },
    },
    async (req) => {
      const p = req.principal;
      const status = await store()
        .addCrl(req.body.pem, req.body.target)
        .catch((err: unknown) => {
          hub.audit?.append({
            actor: p ? `${p.kind}:${p.name}` : 'anonymous',
            action: 'pki.crl.add',
            outcome: 'failed',
            reason: (err as Error).message,
            ip: req.ip,
          });
          throw err;
        });
      hub.audit?.append({
        actor: p ? `${p.kind}:${p.name}` : 'anonymous',
        action: 'pki.crl.add',
        target: req.body.target,
        outcome: 'ok',
        details: { status },
        ip: req.ip,
      });
      return { status };
    },
  );

  app.post(
    '/pki/own/renew',
    {
      ...change,
      schema: {
        summary: "Renew the hub's own certificate (same key, trust lists kept); servers must trust the new one",
        tags: ['pki'],
        body: Type.Object(
          { validityDays: Type.Integer({ minimum: 30, maximum: 7300, default: 3650 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ previous: Type.String(), current: OwnOut }), 503: ERROR },
      },
    },
    async (req) => {
      const p = req.principal;
      const { previous, current } = await store().renewOwnCertificate(req.body.validityDays);
      hub.audit?.append({
        actor: p ? `${p.kind}:${p.name}` : 'anonymous',
        action: 'pki.renew',
        target: current.thumbprint,
        outcome: 'ok',
        details: { previous: previous.thumbprint, notAfter: current.notAfter.toISOString() },
        ip: req.ip,
      });
      return {
        previous: previous.thumbprint,
        current: {
          subject: current.subject,
          thumbprint: current.thumbprint,
          notBefore: iso(current.notBefore.getTime()),
          notAfter: iso(current.notAfter.getTime()),
          daysLeft: Math.floor((current.notAfter.getTime() - Date.now()) / 86_400_000),
          applicationUri: current.applicationUri,
        },
      };
    },
  );
};
