import type { SwaggerOptions } from '@fastify/swagger';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../security/auth/index.js';
import type { RouteAccess } from '../security/types.js';
import { OPERATION_EXAMPLES } from './openapi-examples.js';
import { AssetTree, ErrorReply, Lineage, SampleOut, SourceHealth, Tag } from './schemas.js';

/**
 * The API's OpenAPI 3.0 contract, built from the route schemas by @fastify/swagger and completed
 * here in one place, so no route file has to repeat it: shared schemas under their own names
 * (`#/components/schemas/Tag`, not an inline copy or `def-N`), an `operationId` per operation
 * (derived from method and URL, or named in OPERATION_IDS), the security requirement from the
 * route's `config.access`, the error replies each operation can give (all `ErrorReply`), and
 * examples for the main routes. Clients are generated from this document (src/web/src/generated/openapi.ts,
 * docs/api.md), so what it says must be what the code does: test/api/openapi.test.ts validates and
 * lints it and a test against a real hub reads through a generated client.
 */

/** Schemas shared by several routes, by component name. The name is the wire contract's name. */
const SHARED: [name: string, schema: TSchema][] = [
  ['ErrorReply', ErrorReply],
  ['Lineage', Lineage],
  ['Tag', Tag],
  ['Sample', SampleOut],
  ['SourceHealth', SourceHealth],
];

/** The recursive asset tree: its node is a component of its own that refers to itself. */
const ASSET_NODE = 'AssetNode';

/**
 * Operation ids of the main operations, named as an integrator would call them; every other id is
 * derived from method and URL (`GET /pdm/machines` → `getPdmMachines`). Ids are part of the
 * contract: generated clients name their methods by them, so renaming one breaks its callers.
 */
const OPERATION_IDS: Record<string, string> = {
  'GET /health': 'getHealth',
  'GET /health/live': 'getLiveness',
  'POST /auth/login': 'login',
  'POST /auth/logout': 'logout',
  'GET /auth/me': 'getMe',
  'GET /auth/setup': 'getSetupState',
  'POST /auth/setup': 'setUp',
  'GET /users': 'listUsers',
  'POST /users': 'createUser',
  'PATCH /users/{name}': 'updateUser',
  'DELETE /users/{name}': 'deleteUser',
  'GET /tokens': 'listTokens',
  'POST /tokens': 'createToken',
  'DELETE /tokens/{id}': 'revokeToken',
  'GET /tags': 'listTags',
  'GET /tags/{tagId}': 'getTag',
  'GET /assets': 'getAssetTree',
  'GET /values/latest': 'getLatestValues',
  'GET /history/raw': 'getRawHistory',
  'GET /history/aggregate': 'getAggregateHistory',
  'GET /history/export': 'exportHistory',
  'GET /history/dataset': 'getHistoryDataset',
  'POST /import': 'importHistory',
  'GET /events': 'listEvents',
  'GET /trend': 'getTrend',
  'GET /connections': 'listConnections',
  'GET /sites': 'listSites',
  'GET /kpi/machines': 'listKpiMachines',
  'GET /kpi/summary': 'getKpiSummary',
  'GET /kpi/series': 'getKpiSeries',
  'GET /kpi/export': 'exportKpiSeries',
  'GET /kpi/stops': 'listStops',
  'PUT /kpi/stops/reason': 'setStopReason',
  'GET /kpi/pareto': 'getLossPareto',
  'GET /kpi/reasons': 'listStopReasons',
  'GET /kpi/shifts': 'listShifts',
  'GET /kpi/timeline': 'getKpiTimeline',
  'GET /audit': 'listAuditRecords',
  'GET /audit/verify': 'verifyAuditLog',
  'GET /audit/export': 'exportAuditLog',
  'GET /catalog': 'getCatalog',
};

/** Route wildcards (`*`) get a named path parameter in the document. */
const WILDCARD_NAMES: Record<string, string> = { '/api/v1/tags/*': 'tagId' };

export const TAG_DESCRIPTIONS: Record<string, string> = {
  health: 'Liveness, hub health and connection state of every source.',
  auth: 'Sign-in sessions, users and API tokens (docs/security.md).',
  tags: 'Tags (unified-namespace paths) with metadata and lineage.',
  assets: 'The ISA-95 asset tree and sites.',
  values: 'Latest values.',
  history: 'Historical values: raw pages, aggregates, trends, CSV/Parquet export and import.',
  events: 'Hub events: connection lost/restored, revised subscriptions, rejected tags.',
  kpi: 'OEE and the other ISO 22400 KPIs, stops and their reasons (docs/kpi.md).',
  pdm: 'Machine health and predictive maintenance (docs/pdm.md).',
  workflows: 'Rules, work orders and the maintenance calendar (docs/workflows.md).',
  delivery: 'Delivery connectors to ERP/MES, their outbox and dead letters (docs/connectors.md).',
  machines: 'Allowlisted writes and method calls on machines (docs/security.md).',
  audit: 'The tamper-evident audit log (docs/audit.md).',
  pki: 'OPC UA certificates: trust, reject, issuers, CRLs (docs/security.md).',
  governance: 'The data catalogue with classifications (docs/governance.md).',
};

export const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `The session cookie set by \`POST /api/v1/auth/login\` (HttpOnly, SameSite=Strict). Unsafe methods need the \`${CSRF_HEADER}\` header as well.`,
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description: `With a session cookie, every POST/PUT/PATCH/DELETE sends the value of the readable \`${CSRF_COOKIE}\` cookie in this header.`,
  },
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token (`POST /api/v1/tokens` or `security.tokens` in the config) as `Authorization: Bearer <token>`. No CSRF header is needed.',
  },
} as const;

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

/** What each error status means on this API, with the codes it carries (src/errors.ts). */
const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400':
    'Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it.',
  '401': '`GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token.',
  '403':
    '`GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin.',
  '404': 'Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist.',
  '409': '`GT_CONFLICT`: the request conflicts with the current state.',
  '413': '`FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit.',
  '415': 'The content type of the body is not accepted.',
  '429': '`GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names.',
  '502':
    'The machine or server behind the hub refused or failed the request (`GT_COMMAND_FAILED`, `GT_CERT_UNTRUSTED`).',
  '503': 'The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`).',
};

interface RouteFacts {
  access: RouteAccess | undefined;
  hasInput: boolean;
  hasBody: boolean;
}

type Json = Record<string, unknown>;

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Json)
            .filter(([k]) => k !== '$id' && k !== 'title')
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );
}

/** Every shared schema's canonical JSON → its component name. */
function sharedIndex(): Map<string, string> {
  const index = new Map<string, string>(SHARED.map(([name, s]) => [canonical(s), name]));
  index.set(canonical(AssetTree), ASSET_NODE);
  return index;
}

/** A deep copy of `schema` with every sub-schema equal to a shared one replaced by a reference to it. */
function refShared(schema: unknown, index: Map<string, string>, self?: string): unknown {
  if (Array.isArray(schema)) return schema.map((x) => refShared(x, index));
  if (!schema || typeof schema !== 'object') return schema;
  const name = index.get(canonical(schema));
  if (name !== undefined && name !== self) return { $ref: `${name}#` };
  return Object.fromEntries(Object.entries(schema as Json).map(([k, v]) => [k, refShared(v, index)]));
}

/** The shared schemas as `$id`-named schemas for `app.addSchema`, referring to each other. */
export function sharedSchemas(): Json[] {
  const index = sharedIndex();
  const out = SHARED.map(([name, s]) => ({ ...(refShared(s, index, name) as Json), $id: name }));
  const node = (AssetTree as unknown as { $defs: Record<string, Json> }).$defs[ASSET_NODE] as Json;
  // Its children refer to `AssetNode`, which resolves against its own `$id`: itself.
  out.push({ ...node, $id: ASSET_NODE });
  return out;
}

/** `/api/v1/users/:name` → `/users/{name}` (the form OPERATION_IDS and the document use). */
function docPath(url: string, prefix: string): string {
  const wild = WILDCARD_NAMES[url];
  let p = url.replace(/:(\w+)/g, '{$1}');
  if (p.endsWith('*')) p = `${p.slice(0, -1)}{${wild ?? 'path'}}`;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

function derivedOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith('{') ? `by-${seg.slice(1, -1)}` : seg))
    .flatMap((seg) => seg.split(/[-_]/));
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

/**
 * The @fastify/swagger options for the API: the document is completed here (see the file comment).
 * `facts` collects what the document needs from each route's options as routes are registered
 * (pass `collect` to an `onRoute` hook).
 */
export function openapiContract(opts: { version: string; prefix: string }): {
  swagger: SwaggerOptions;
  collect: (route: RouteOptions) => void;
} {
  const facts = new Map<string, RouteFacts>();
  const index = sharedIndex();
  const collect = (route: RouteOptions): void => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const s = (route.schema ?? {}) as Json;
    for (const m of methods) {
      facts.set(`${m.toLowerCase()} ${docPath(route.url, opts.prefix)}`, {
        access: (route.config as { access?: RouteAccess } | undefined)?.access,
        hasInput: s.querystring !== undefined || s.params !== undefined || s.body !== undefined,
        hasBody: s.body !== undefined,
      });
    }
  };

  const swagger: SwaggerOptions = {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Gotthard API',
        version: opts.version,
        description:
          'Tags, live and historical values, KPIs, health, workflows and administration of a Gotthard hub. Sign in with a session (browser) or send an API token as `Authorization: Bearer <token>`; see docs/api.md.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        contact: { name: 'Gotthard project' },
      },
      // The hub serves its API at its own origin; paths carry the /api/v1 prefix.
      servers: [{ url: '/', description: 'This hub' }],
      tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
      components: { securitySchemes: SECURITY_SCHEMES as never },
    },
    refResolver: {
      // Shared schemas are named by their `$id` (`#/components/schemas/Tag`), never `def-N`.
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `schema-${i}`;
      },
    },
    transform: ({ schema, url }) => {
      const wild = WILDCARD_NAMES[url];
      let s = refShared(schema, index) as Json;
      const query = s.querystring as (Json & { properties?: Record<string, Json>; required?: string[] }) | undefined;
      if (query?.properties && query.required) {
        // A query parameter with a default is optional for the client: the server fills it in
        // (ajv `useDefaults`), although TypeBox lists it as required for the handler's type.
        const props = query.properties;
        s = {
          ...s,
          querystring: { ...query, required: query.required.filter((k) => props[k]?.default === undefined) },
        };
      }
      if (wild && s.params) {
        const params = s.params as Json & { properties: Json; required?: string[] };
        const { '*': star, ...rest } = params.properties;
        s = {
          ...s,
          params: {
            ...params,
            properties: {
              ...rest,
              [wild]: {
                ...(star as Json),
                description: 'The id (unified-namespace path); its slashes stay as they are.',
              },
            },
            required: (params.required ?? []).map((r) => (r === '*' ? wild : r)),
          },
        };
      }
      return { schema: s as never, url: wild ? `${url.slice(0, -1)}{${wild}}` : url };
    },
    transformObject: (doc) => {
      if (!('openapiObject' in doc)) throw new Error('OpenAPI: expected an OpenAPI 3 document');
      completeOperations(doc.openapiObject as unknown as Json, facts, opts.prefix);
      return doc.openapiObject;
    },
  };
  return { swagger, collect };
}

function errorResponse(status: string): Json {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? 'Error.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorReply' } } },
  };
}

function completeOperations(doc: Json, facts: Map<string, RouteFacts>, prefix: string): void {
  const seen = new Set<string>();
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const [path, ops] of Object.entries(paths)) {
    const local = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method.toUpperCase()} ${local}`;
      const id = OPERATION_IDS[key] ?? derivedOperationId(method, local);
      if (seen.has(id)) throw new Error(`OpenAPI: operationId ${id} of ${key} is not unique; name it in OPERATION_IDS`);
      seen.add(id);
      op.operationId = id;
      const f = facts.get(`${method} ${local}`);
      const isPublic = f?.access !== undefined && 'public' in f.access;
      const responses = op.responses as Record<string, Json>;
      const errors = new Set(Object.keys(responses).filter((c) => Number(c) >= 400));
      if (f?.hasInput) errors.add('400');
      if (f?.hasBody) errors.add('413');
      if (!isPublic) {
        errors.add('401');
        errors.add('403');
        op.security = UNSAFE.has(method)
          ? [{ session: [], csrf: [] }, { apiToken: [] }]
          : [{ session: [] }, { apiToken: [] }];
        const role = f?.access && 'role' in f.access ? f.access.role : undefined;
        if (role) {
          op['x-required-role'] = role;
          const scoped = f?.access && 'asset' in f.access && f.access.asset !== undefined;
          const note = `Needs role \`${role}\` or higher${scoped ? ', and the asset named must lie in the caller’s scope' : ''}.`;
          op.description = op.description ? `${op.description as string}\n\n${note}` : note;
        }
      } else {
        op.security = [];
        const note = 'Public: needs no session or token.';
        op.description = op.description ? `${op.description as string}\n\n${note}` : note;
      }
      for (const code of [...errors].sort()) responses[code] = errorResponse(code);
      for (const [code, r] of Object.entries(responses)) {
        if (Number(code) < 400 && r.description === 'Default Response') r.description = 'Success.';
      }
      const ex = OPERATION_EXAMPLES[id];
      if (ex) applyExamples(op, ex);
    }
  }
}

function applyExamples(op: Json, ex: (typeof OPERATION_EXAMPLES)[string]): void {
  for (const p of (op.parameters ?? []) as Json[]) {
    const v = ex.parameters?.[p.name as string];
    if (v !== undefined) p.example = v;
  }
  if (ex.requestBody !== undefined) {
    const media = ((op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.[
      'application/json'
    ];
    if (media) media.example = ex.requestBody;
  }
  if (ex.response !== undefined) {
    const ok = (op.responses as Record<string, Json>)[ex.status ?? '200'];
    const media = (ok?.content as Record<string, Json> | undefined)?.['application/json'];
    if (media) media.example = ex.response;
  }
}

/** Where the interactive docs (Swagger UI) live below the API prefix. */
export const DOCS_PATH = '/docs';

/**
 * Swagger UI's "try it out" goes through the signed-in session: the session cookie goes along by
 * itself (same origin), and this interceptor adds the CSRF header from the readable cookie to every
 * unsafe request, as the dashboard does (src/web/src/api.ts). With "Authorize" and an API token the
 * bearer header is sent instead and the hub does not ask for CSRF. The function runs in the
 * browser: @fastify/swagger-ui writes its source into swagger-initializer.js, so it uses no import
 * and no closure.
 */
declare const document: { cookie: string };

const csrfInterceptor = (request: { method?: string; headers: Record<string, string> }) => {
  const m = /(?:^|;\s*)gotthard_csrf=([^;]*)/.exec(document.cookie);
  const method = (request.method ?? 'GET').toUpperCase();
  if (m?.[1] && method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
    request.headers['x-csrf-token'] = decodeURIComponent(m[1]);
  }
  return request;
};

export function docsUiOptions(prefix: string): FastifySwaggerUiOptions {
  return {
    routePrefix: DOCS_PATH,
    indexPrefix: prefix,
    // No validator badge: it would send the document to an outside service.
    validatorUrl: false,
    theme: { title: 'Gotthard API' },
    uiConfig: {
      deepLinking: true,
      displayOperationId: true,
      requestInterceptor: csrfInterceptor as never,
    },
  };
}

/**
 * An `onRoute` hook: the interactive docs (routes of the @fastify/swagger-ui plugin) are for
 * signed-in users, like the document itself, so they get the viewer access rule.
 */
export function requireSignInForDocs(docsUrl: string): (route: RouteOptions) => void {
  return (route) => {
    if (route.url === docsUrl || route.url.startsWith(`${docsUrl}/`)) {
      route.config = { ...(route.config as object), access: { role: 'viewer' } } as RouteOptions['config'];
    }
  };
}
