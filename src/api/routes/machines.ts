import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MachineCommandResult, Principal } from '../../security/types.js';
import type { HubView } from '../types.js';

const Reason = Type.String({
  minLength: 3,
  maxLength: 500,
  description: 'Why (goes into the audit log with the attempt), e.g. `bearing replaced, WO-10231`.',
});

const ResultOut = Type.Object({
  ok: Type.Boolean(),
  statusCode: Type.String({ description: 'OPC UA StatusCode name of the result, e.g. Good.' }),
  message: Type.String(),
  outputArguments: Type.Optional(Type.Array(Type.Unknown())),
});

const ERROR = { $ref: 'ErrorReply#' } as const;

/** HTTP status and error code for a command that did not succeed. */
function failure(r: MachineCommandResult): { http: number; code: string } {
  switch (r.statusCode) {
    case 'BadUserAccessDenied':
      return { http: 403, code: 'GT_FORBIDDEN' };
    case 'BadOutOfRange':
    case 'BadTypeMismatch':
    case 'BadArgumentsMissing':
    case 'BadInvalidArgument':
      return { http: 400, code: 'GT_BAD_REQUEST' };
    case 'BadNodeIdUnknown':
      return { http: 404, code: 'GT_NOT_FOUND' };
    case 'BadNotConnected':
      return { http: 503, code: 'GT_NOT_CONNECTED' };
    default:
      return { http: 502, code: 'GT_COMMAND_FAILED' };
  }
}

function send(reply: FastifyReply, r: MachineCommandResult) {
  if (r.ok) return reply.send(r);
  const f = failure(r);
  return reply.status(f.http).send({ error: { code: f.code, message: `${r.statusCode}: ${r.message}` } });
}

function named(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function auditTarget(
  isCall: boolean,
  body: { tagId?: unknown; asset?: unknown; method?: unknown },
  route: string,
): string {
  if (isCall) {
    const a = named(body.asset);
    const m = named(body.method);
    return a || m ? `${a ?? '(no asset)'}#${m ?? '(no method)'}` : `POST ${route}`;
  }
  return named(body.tagId) ?? `POST ${route}`;
}

function actor(p: Principal | undefined): string {
  return p ? `${p.kind}:${p.name}` : 'anonymous';
}

/**
 * Guarded writes and method calls to machines (src/security/writes): engineer role (or what
 * `writes.role` asks) and the asset scope are checked by the access hook, the allowlist, value
 * range and reason by `hub.commands`. Every attempt is audited, including those the access hook
 * or the body schema refused before a handler ran.
 */
export const machineRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  const handled = new WeakSet<FastifyRequest>();
  app.addHook('onResponse', async (req, reply) => {
    if (handled.has(req) || reply.statusCode < 400) return;
    const body = (req.body ?? {}) as { tagId?: unknown; asset?: unknown; method?: unknown; reason?: unknown };
    const isCall = req.url.includes('/machines/call');
    hub.audit?.append({
      actor: actor(req.principal),
      action: isCall ? 'machine.call' : 'machine.write',
      // Never "undefined": a request refused before its body was read (401, a bad body) is named by
      // what it asked for, or by the route.
      target: auditTarget(isCall, body, req.routeOptions.url ?? req.url.split('?')[0] ?? ''),
      outcome: 'refused',
      reason: typeof body.reason === 'string' ? body.reason : '',
      details: {
        http: reply.statusCode,
        message:
          reply.statusCode === 401 || reply.statusCode === 403
            ? 'refused by the access check (role or asset scope)'
            : 'refused: the request was malformed (see the API answer)',
      },
      ip: req.ip,
    });
  });

  app.get(
    '/machines/allowlist',
    {
      config: { access: { role: 'engineer' } },
      schema: {
        summary: 'What may be written and called: tag globs with type and range, methods per asset glob',
        tags: ['machines'],
        response: {
          200: Type.Object({
            enabled: Type.Boolean(),
            role: Type.String(),
            tags: Type.Array(Type.Record(Type.String(), Type.Unknown())),
            methods: Type.Array(Type.Record(Type.String(), Type.Unknown())),
          }),
        },
      },
    },
    async () => {
      const c = hub.commands as
        | { allowlist?: () => { enabled: boolean; role: string; tags: unknown[]; methods: unknown[] } }
        | undefined;
      return (c?.allowlist?.() ?? { enabled: false, role: 'engineer', tags: [], methods: [] }) as {
        enabled: boolean;
        role: string;
        tags: Record<string, unknown>[];
        methods: Record<string, unknown>[];
      };
    },
  );

  app.post(
    '/machines/write',
    {
      config: { access: { role: 'engineer', asset: { in: 'body', key: 'tagId' } } },
      schema: {
        summary: 'Write a value to a machine (OPC UA Write) through the allowlist; audited',
        tags: ['machines'],
        body: Type.Object(
          {
            tagId: Type.String({ minLength: 1, description: 'Tag id (UNS path) to write.' }),
            // No type here on purpose: the API's validator coerces (`true`, `[44]`, `"0x2A"`, `" 43 "` all
            // became 43-ish numbers for a Double). The guarded path checks the value strictly against
            // the tag's DataType and the audit keeps it as sent (src/security/writes).
            value: Type.Unknown({
              description: 'JSON number for Double/Float/Int/UInt, true/false for Boolean, a string for String.',
            }),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 200: ResultOut, 400: ERROR, 403: ERROR, 404: ERROR, 502: ERROR, 503: ERROR },
      },
    },
    async (req, reply) => {
      handled.add(req);
      const principal = req.principal as Principal;
      if (!hub.commands) {
        return reply.status(503).send({ error: { code: 'GT_NOT_CONNECTED', message: 'the hub runs no command path' } });
      }
      return send(reply, await hub.commands.write({ ...req.body, principal }));
    },
  );

  app.post(
    '/machines/call',
    {
      config: { access: { role: 'engineer', asset: { in: 'body', key: 'asset' } } },
      schema: {
        summary: 'Call a method on a machine (OPC UA Call), e.g. ResetWear, through the allowlist; audited',
        tags: ['machines'],
        body: Type.Object(
          {
            asset: Type.String({
              minLength: 1,
              description: 'Asset path of the machine, e.g. acme/zurich/machining/line1/cnc1.',
            }),
            method: Type.String({ minLength: 1, description: 'BrowseName of the method, e.g. ResetWear.' }),
            args: Type.Optional(Type.Array(Type.Union([Type.Number(), Type.String(), Type.Boolean()]))),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 200: ResultOut, 400: ERROR, 403: ERROR, 404: ERROR, 502: ERROR, 503: ERROR },
      },
    },
    async (req, reply) => {
      handled.add(req);
      const principal = req.principal as Principal;
      if (!hub.commands) {
        return reply.status(503).send({ error: { code: 'GT_NOT_CONNECTED', message: 'the hub runs no command path' } });
      }
      return send(reply, await hub.commands.call({ ...req.body, principal }));
    },
  );
};
