import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { validateConfig } from '../../src/config/index.js';
import { DEMO_ASSETS, Hub } from '../../src/hub/index.js';
import { testAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';

const run = promisify(execFile);
const log = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
const LINE1 = 'acme/zurich/machining/line1';

/** The fenced blocks of one language in the "Integrate with Gotthard" section of docs/api.md. */
function integrateSnippets(lang: string): string[] {
  const md = readFileSync('docs/api.md', 'utf8');
  const section = md.slice(md.indexOf('## Integrate with Gotthard'));
  assert.ok(section.length > 100, 'docs/api.md has an "Integrate with Gotthard" section');
  return [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] as string);
}

interface Integration {
  gotthardClient(baseUrl: string, token: string): unknown;
  readTags(c: unknown, asset: string): Promise<{ tags: { id: string }[]; first?: { id: string; unit?: string } }>;
  rawHistory(c: unknown, tag: string, from: string, to: string, limit?: number): AsyncGenerator<{ ts: string }>;
  currentShiftOee(c: unknown, line: string): Promise<{ shift?: string; oee: number | null; machines: number }>;
  subscribeLive(base: string, token: string, tags: string[], onValue: (v: { tag: string }) => void): () => void;
}

/**
 * Issue 24's integrator path, as docs/api.md tells it, against a real hub running the demo plant
 * with KPIs: download the served document with a token, generate the client types with the
 * openapi-typescript CLI, type-check the documentation's TypeScript snippets against them with tsc,
 * and run them: tags (one by its slashed id), history paged with the cursor, the current shift's
 * KPIs, and the live WebSocket.
 */
describe('a client generated from the served OpenAPI document, against a real hub', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-client-'));
  // Under the project, so the snippets resolve openapi-fetch and ws from its node_modules.
  const work = join(process.cwd(), 'test-results', `integrate-${process.pid}`);
  const auth = testAuth('viewer');
  let hub: Hub;
  let base: string;
  let m: Integration;

  before(async () => {
    const config = validateConfig(
      {
        dataDir: join(dir, 'hub'),
        assets: DEMO_ASSETS,
        http: { port: 0 },
        historian: { flushInterval: 200 },
        demo: { port: await freePort() },
        kpi: { enabled: true, shifts: [{ name: 'day', start: '00:00', end: '00:00' }] },
        security: auth.security,
      },
      { env: {} },
    );
    // The plant's shift breaks follow its simulated clock: started at 07:00 UTC (a shift began at 06:00,
    // the first break is at 08:00) its machines produce for the whole test whatever the time of day.
    const today = new Date();
    const demoSimStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 7);
    hub = new Hub(config, { logger: log, demo: true, webRoot: false, demoSimStart });
    await hub.start();
    base = hub.address as string;

    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
    // Step 1 of the docs: the document as the token's holder downloads it, then the CLI.
    const res = await fetch(`${base}/api/v1/openapi.json`, { headers: auth.headers });
    assert.equal(res.status, 200);
    writeFileSync(join(work, 'gotthard-openapi.json'), await res.text());
    const cli = join(process.cwd(), 'node_modules/openapi-typescript/bin/cli.js');
    await run(process.execPath, [cli, 'gotthard-openapi.json', '-o', 'gotthard-api.d.ts'], { cwd: work });
    // Steps 2–4: the snippets, as one module, checked by the compiler against the generated types.
    const snippets = integrateSnippets('ts');
    assert.equal(snippets.length, 3, 'three TypeScript snippets');
    writeFileSync(join(work, 'client.ts'), snippets.join('\n'));
    const tsc = join(process.cwd(), 'node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022'];
    const checked = await run(process.execPath, [tsc, ...flags, '--types', 'node', 'client.ts'], { cwd: work }).catch(
      (e: { stdout?: string }) => ({ stdout: `tsc failed: ${e.stdout}` }),
    );
    assert.equal(checked.stdout, '', 'the snippets type-check against the generated client');
    m = (await import(pathToFileURL(join(work, 'client.ts')).href)) as Integration;
  });

  after(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('reads tags, and one tag by its slashed id', async () => {
    const c = m.gotthardClient(base, auth.token);
    const { tags, first } = await m.readTags(c, `${LINE1}/cnc1`);
    assert.ok(tags.length > 5, `${tags.length} tags`);
    assert.ok(tags.every((t) => t.id.startsWith(`${LINE1}/cnc1/`)));
    assert.equal(first?.id, tags[0]?.id);
  });

  it('pages through raw history with the cursor', async () => {
    const c = m.gotthardClient(base, auth.token);
    const { tags } = await m.readTags(c, `${LINE1}/cnc1`);
    // The tag of CNC1 that has stored the most values so far (values are stored as they change).
    const count = async (tag: string) => {
      let n = 0;
      for await (const _ of m.rawHistory(c, tag, 'now-1h', 'now', 1000)) n++;
      return n;
    };
    const tag = await waitFor(
      'a tag with 25 stored values',
      async () => {
        for (const t of tags) if ((await count(t.id)) >= 25) return t.id;
        return undefined;
      },
      90_000,
      1000,
    );
    // With pages of 7 the generator follows `next` until the end; no sample twice, oldest first.
    const paged: string[] = [];
    for await (const s of m.rawHistory(c, tag, 'now-1h', 'now', 7)) paged.push(s.ts);
    assert.ok(paged.length >= 25);
    const inOne: string[] = [];
    for await (const s of m.rawHistory(c, tag, 'now-1h', paged[paged.length - 1] as string, 100_000)) inOne.push(s.ts);
    assert.deepEqual(paged.slice(0, inOne.length), inOne);
    assert.deepEqual([...paged].sort(), paged);
  });

  it("reads the current shift's KPIs of a line", async () => {
    const c = m.gotthardClient(base, auth.token);
    const k = await m.currentShiftOee(c, LINE1);
    assert.match(k.shift ?? '', /\/day$/);
    assert.ok(k.machines >= 1, `${k.machines} machines`);
    assert.ok(k.oee === null || (k.oee >= 0 && k.oee <= 1), String(k.oee));
  });

  it('receives live values over the WebSocket with the token', async () => {
    const c = m.gotthardClient(base, auth.token);
    const { tags } = await m.readTags(c, `${LINE1}/cnc1`);
    const wanted = tags.slice(0, 3).map((t) => t.id);
    const seen = new Set<string>();
    const close = m.subscribeLive(base, auth.token, wanted, (v) => seen.add(v.tag));
    try {
      await waitFor('live values of the subscribed tags', async () => seen.size > 0);
      for (const t of seen) assert.ok(wanted.includes(t), t);
    } finally {
      close();
    }
  });

  it('the Python snippet pages through history with requests', async (t) => {
    const py = await run('python3', ['-c', 'import requests']).then(
      () => true,
      () => false,
    );
    if (!py) return t.skip('python3 with requests is not installed here');
    const c = m.gotthardClient(base, auth.token);
    const { tags } = await m.readTags(c, `${LINE1}/cnc1`);
    const tag = tags[0]?.id as string;
    const expected: string[] = [];
    // An end an hour ahead: inside the read limit on a range (docs/api.md, "Read limits").
    const to = new Date(Date.now() + 3_600_000).toISOString();
    for await (const s of m.rawHistory(c, tag, 'now-1h', to, 100_000)) expected.push(s.ts);
    const [snippet] = integrateSnippets('python');
    const script = `${snippet}\nimport sys\nfor s in raw_history(sys.argv[1], sys.argv[2], sys.argv[3], "now-1h", sys.argv[4], limit=5):\n    print(s["ts"])\n`;
    const out = await run('python3', ['-c', script, base, auth.token, tag, to]);
    const got = out.stdout.trim().split('\n');
    // The hub kept storing meanwhile: what Python read starts with what TypeScript read.
    assert.ok(got.length >= expected.length, `${got.length} < ${expected.length}`);
    assert.deepEqual(got.slice(0, expected.length), expected);
  });
});
