import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { type ISpectralDiagnostic, Spectral } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { CLIENT_TYPES_FILE, clientTypes } from '../../scripts/openapi-client.js';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { openTestAuth } from '../helpers/auth.js';

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, { description: string; content?: Record<string, { schema: Json; example?: unknown }> }>;
};

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function operations(doc: Json): [string, Operation][] {
  const out: [string, Operation][] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [m, op] of Object.entries(ops)) if (METHODS.includes(m)) out.push([`${m.toUpperCase()} ${path}`, op]);
  }
  return out;
}

async function lint(doc: Json): Promise<ISpectralDiagnostic[]> {
  const spectral = new Spectral();
  spectral.setRuleset(oas as never);
  return spectral.run(structuredClone(doc) as never);
}

/**
 * The OpenAPI document the API serves (issue 24): valid, linted, complete for client generation,
 * and the source of the web app's types. The same document is docs/openapi.json (test/docs).
 */
describe('OpenAPI document', () => {
  let app: FastifyInstance;
  let auth: Awaited<ReturnType<typeof openTestAuth>>;
  let doc: Json;

  before(async () => {
    auth = await openTestAuth();
    const hub = { historian: undefined, health: () => undefined, assetTree: () => undefined } as unknown as HubView;
    app = await buildApi(hub, {
      logger: pino({ level: 'silent' }),
      version: '0.0.0-test',
      auth: auth.auth,
      webRoot: false,
    });
    const r = await app.inject({ url: '/api/v1/openapi.json', headers: auth.headers });
    assert.equal(r.statusCode, 200);
    doc = r.json();
  });

  after(async () => {
    await app.close();
    auth.close();
  });

  it('is valid OpenAPI 3.0 and every $ref resolves (swagger-parser validate + dereference)', async () => {
    await SwaggerParser.validate(structuredClone(doc) as never);
    const deref = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Json;
    // The recursive asset tree dereferences to itself, not to a missing def-N.
    const tree = (deref.paths as Json)['/api/v1/assets'] as { get: Operation };
    const schema = tree.get.responses['200']?.content?.['application/json']?.schema as Json;
    assert.deepEqual(Object.keys(schema.properties as Json).sort(), [
      'children',
      'description',
      'id',
      'level',
      'name',
      'path',
      'tagCount',
    ]);
  });

  it('names its shared schemas (AssetNode, ErrorReply, Tag, Sample, …), never def-N', () => {
    const names = Object.keys((doc.components as { schemas: Json }).schemas);
    for (const n of ['AssetNode', 'ErrorReply', 'Lineage', 'Sample', 'SourceHealth', 'Tag'])
      assert.ok(names.includes(n), n);
    assert.deepEqual(
      names.filter((n) => /^(def|schema)-\d+$/.test(n)),
      [],
    );
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) assert.match(ref, /"#\/components\/schemas\/[A-Z][A-Za-z]+"/);
    // Routes refer to the shared schema instead of repeating it.
    const tags = (doc.paths as Json)['/api/v1/tags'] as { get: Operation };
    const list = tags.get.responses['200']?.content?.['application/json']?.schema as { properties: Json };
    assert.deepEqual((list.properties.tags as Json).items, { $ref: '#/components/schemas/Tag' });
  });

  it('gives every operation a unique operationId, a summary, declared tags, security and its error replies', () => {
    const declaredTags = new Set((doc.tags as { name: string }[]).map((t) => t.name));
    const ids = new Set<string>();
    const ops = operations(doc);
    assert.ok(ops.length >= 70, `${ops.length} operations`);
    for (const [key, op] of ops) {
      assert.match(op.operationId ?? '', /^[a-z][A-Za-z]+$/, `${key} operationId`);
      assert.ok(!ids.has(op.operationId as string), `${key}: duplicate operationId ${op.operationId}`);
      ids.add(op.operationId as string);
      assert.ok(op.summary, `${key} summary`);
      assert.ok(op.tags?.length && op.tags.every((t) => declaredTags.has(t)), `${key} tags ${op.tags}`);
      assert.ok(Array.isArray(op.security), `${key} security`);
      const isPublic = op.security?.length === 0;
      const unsafe = !key.startsWith('GET ');
      if (!isPublic) {
        const schemes = op.security?.map((s) => Object.keys(s).sort().join('+'));
        assert.deepEqual(schemes, [unsafe ? 'csrf+session' : 'session', 'apiToken'], key);
        for (const code of ['401', '403']) assert.ok(op.responses[code], `${key} ${code}`);
      }
      if (op.parameters?.length || op.requestBody) assert.ok(op.responses['400'], `${key} 400`);
      if (op.requestBody) assert.ok(op.responses['413'], `${key} 413`);
      for (const [code, r] of Object.entries(op.responses)) {
        if (Number(code) < 400 || !r.content) continue;
        assert.deepEqual(
          r.content['application/json']?.schema,
          { $ref: '#/components/schemas/ErrorReply' },
          `${key} ${code}`,
        );
        assert.notEqual(r.description, 'Default Response', `${key} ${code} description`);
      }
    }
    const byId = new Map(ops.map(([k, op]) => [op.operationId, k]));
    // The names integrators call (docs/api.md) are stable.
    assert.equal(byId.get('listTags'), 'GET /api/v1/tags');
    assert.equal(byId.get('getTag'), 'GET /api/v1/tags/{tagId}');
    assert.equal(byId.get('getRawHistory'), 'GET /api/v1/history/raw');
    assert.equal(byId.get('getKpiSummary'), 'GET /api/v1/kpi/summary');
    assert.equal(byId.get('login'), 'POST /api/v1/auth/login');
    // Sign-in and liveness are public; the lockout is documented.
    const login = ops.find(([k]) => k === 'POST /api/v1/auth/login')?.[1];
    assert.deepEqual(login?.security, []);
    assert.ok(login?.responses['429']);
    // A query parameter with a server default is optional for clients.
    const raw = ops.find(([k]) => k === 'GET /api/v1/history/raw')?.[1];
    assert.equal(raw?.parameters?.find((p) => p.name === 'limit')?.required, false);
    assert.equal(raw?.parameters?.find((p) => p.name === 'tag')?.required, true);
  });

  it('has request and response examples on the main routes', () => {
    const ops = new Map(operations(doc).map(([, op]) => [op.operationId, op]));
    for (const id of ['listTags', 'getTag', 'getRawHistory', 'getTrend', 'getKpiSummary', 'getLatestValues']) {
      const op = ops.get(id) as Operation;
      assert.ok(
        op.parameters?.some((p) => p.example !== undefined),
        `${id}: a request (parameter) example`,
      );
      assert.ok(op.responses['200']?.content?.['application/json']?.example, `${id}: a response example`);
    }
    const login = ops.get('login') as Operation;
    const body = (login.requestBody?.content as Record<string, Json> | undefined)?.['application/json'];
    assert.ok(body?.example);
  });

  it("passes Spectral's OpenAPI ruleset with no errors, and the linter does catch a wrong example", async () => {
    const results = await lint(doc);
    const errors = results.filter((r) => r.severity === 0);
    assert.deepEqual(
      errors.map((e) => `${e.code} ${e.path.join('.')}: ${e.message}`),
      [],
    );
    // Not a linter that checks nothing: an example that contradicts its schema is an error.
    const broken = structuredClone(doc) as Json;
    const listTags = ((broken.paths as Json)['/api/v1/tags'] as { get: Operation }).get;
    const media = listTags.responses['200']?.content?.['application/json'] as { example: unknown };
    media.example = { total: 'many', tags: [] };
    const caught = (await lint(broken)).filter((r) => r.severity === 0);
    assert.ok(
      caught.some((r) => r.code === 'oas3-valid-media-example'),
      caught.map((r) => r.code).join(', '),
    );
  });

  it(`${CLIENT_TYPES_FILE} is generated from this document (run npm run docs after a change)`, async () => {
    assert.equal(
      readFileSync(CLIENT_TYPES_FILE, 'utf8'),
      await clientTypes(doc),
      `${CLIENT_TYPES_FILE} is out of date`,
    );
  });
});

describe('interactive API docs at /api/v1/docs', () => {
  let app: FastifyInstance;
  let auth: Awaited<ReturnType<typeof openTestAuth>>;

  before(async () => {
    auth = await openTestAuth();
    const hub = { historian: undefined, health: () => undefined, assetTree: () => undefined } as unknown as HubView;
    app = await buildApi(hub, {
      logger: pino({ level: 'silent' }),
      version: '0.0.0-test',
      auth: auth.auth,
      webRoot: false,
    });
  });

  after(async () => {
    await app.close();
    auth.close();
  });

  it('are for signed-in users only', async () => {
    for (const url of ['/api/v1/docs', '/api/v1/docs/static/swagger-ui-bundle.js', '/api/v1/docs/json']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 401, url);
      assert.equal(r.json().error.code, 'GT_UNAUTHENTICATED');
    }
  });

  it('serve Swagger UI from node_modules under the hub CSP, with the CSRF interceptor for "try it out"', async () => {
    const page = await app.inject({ url: '/api/v1/docs', headers: auth.headers });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    // Every script and style is local (no CDN) and no script is inline, so `script-src 'self'` holds.
    const srcs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(srcs.length >= 4, page.body);
    for (const s of srcs) assert.match(s, /^\/api\/v1\/docs\/static\//, s);
    assert.doesNotMatch(page.body, /<script>(?!\s*<\/script>)|<script(?![^>]*src=)[^>]*>/);
    const csp = page.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'(;|$)/);
    for (const s of srcs) {
      const r = await app.inject({ url: s, headers: auth.headers });
      assert.equal(r.statusCode, 200, s);
    }
    const init = await app.inject({ url: '/api/v1/docs/static/swagger-initializer.js', headers: auth.headers });
    assert.match(init.body, /requestInterceptor/);
    assert.match(init.body, /x-csrf-token/);
    assert.match(init.body, /gotthard_csrf/);
    assert.match(init.body, /validatorUrl: null/);
  });
});
