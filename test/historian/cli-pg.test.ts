import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { Historian } from '../../src/historian/index.js';
import { createPostgresHistorian } from '../../src/historian/postgres/index.js';
import { buildAssetTree } from '../../src/model/assets.js';
import { openTestAuth, testAuth } from '../helpers/auth.js';
import { tagDef } from './helpers.js';
import { dropSchemas, randomSchema, testConnectionString } from './pg.js';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const log = pino({ level: 'silent' });
const connectionString = await testConnectionString();
const ASSET = 'acme/zurich/machining/line1/cnc1';
const TAG = `${ASSET}/energy/energy_total`;
const T0 = Math.floor((Date.now() - 3 * 86_400_000) / 60_000) * 60_000;
type Failed = { code?: number; stdout: string; stderr: string };

/**
 * Issue 15: `gotthard import` / `export` opened a SQLite file whatever the config said, so with a
 * PostgreSQL config import rejected every row as an unknown tag and export found no tag of an asset;
 * `import --url` could not authenticate.
 */
describe('gotthard import / export with a PostgreSQL config', { timeout: 180_000 }, () => {
  const schema = randomSchema();
  const dir = mkdtempSync(join(tmpdir(), 'gt-cli-pg-'));
  const config = join(dir, 'gotthard.yaml');
  let h: Historian;

  before(async () => {
    h = createPostgresHistorian({ connectionString, schema, logger: log });
    await h.open();
    await h.register([tagDef(TAG, { assetPath: ASSET })]);
    writeFileSync(
      config,
      `dataDir: ${JSON.stringify(join(dir, 'data'))}\nhistorian:\n  engine: postgres\n  postgres:\n    connectionString: ${JSON.stringify(connectionString)}\n    schema: ${schema}\n`,
    );
  });

  after(async () => {
    await h.close();
    await dropSchemas(connectionString, [schema]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports into PostgreSQL and exports an asset back from it', async () => {
    const lines = ['tag,ts,value,status'];
    for (let i = 0; i < 20_000; i++) lines.push(`${TAG},${new Date(T0 + i * 1000).toISOString()},${i / 100},0`);
    const file = join(dir, 'in.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await run(process.execPath, [...CLI, 'import', file, '-c', config]);
    assert.match(r.stdout, /20000 rows imported, 0 rejected/);
    const page = await h.raw({
      tagKey: (await h.getTag(TAG))?.key as number,
      from: T0,
      to: T0 + 86_400_000,
      limit: 30_000,
    });
    assert.equal(page.samples.length, 20_000, 'the rows are in PostgreSQL');
    assert.equal(page.samples[1]?.value, 0.01);

    const out = join(dir, 'out.csv');
    const e = await run(process.execPath, [
      ...CLI,
      'export',
      'history',
      '--asset',
      ASSET,
      '--from',
      new Date(T0).toISOString(),
      '--to',
      new Date(T0 + 3_600_000).toISOString(),
      '-o',
      out,
      '-c',
      config,
    ]);
    assert.match(e.stderr, /3600 rows of 1 tag/);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(csv.length, 1 + 3600);
    assert.equal(csv[1], `${TAG},${new Date(T0).toISOString()},0,0,Good`);
  });

  describe('import --url against a hub on PostgreSQL', () => {
    let app: FastifyInstance;
    let auth: Awaited<ReturnType<typeof openTestAuth>>;
    const engineer = testAuth('engineer', [], 'importer');
    let url = '';

    before(async () => {
      auth = await openTestAuth({ auths: [engineer] });
      app = await buildApi(
        {
          historian: h,
          health: () => ({
            status: 'ok',
            version: '0',
            startedAt: 0,
            sources: [],
            historian: h.stats(),
            ingest: { valuesPerSecond: 0, totalValues: 0 },
          }),
          assetTree: async () =>
            buildAssetTree({ enterprise: { id: 'acme' }, sites: [{ id: 'zurich', areas: [] }] }, await h.listTags()),
        },
        { logger: log, version: '0', auth: auth.auth, webRoot: false },
      );
      url = await app.listen({ host: '127.0.0.1', port: 0 });
    });

    after(async () => {
      await app.close();
      auth.close();
    });

    it('authenticates with --token or GOTTHARD_TOKEN, and says so when it has none', async () => {
      const file = join(dir, 'more.csv');
      const at = (i: number) => new Date(T0 + 86_400_000 + i * 1000).toISOString();
      writeFileSync(file, `${TAG},${at(0)},1\n${TAG},${at(1)},2\n`);
      const none = (await run(process.execPath, [...CLI, 'import', file, '--url', url], {
        env: { ...process.env, GOTTHARD_TOKEN: '' },
      }).catch((err: Failed) => err)) as Failed;
      assert.notEqual(none.code ?? 0, 0);
      assert.match(none.stderr, /401|sign in|token|authenticat/i);
      const flag = await run(process.execPath, [...CLI, 'import', file, '--url', url, '--token', engineer.token]);
      assert.match(flag.stdout, /2 rows imported, 0 rejected/);
      writeFileSync(file, `${TAG},${at(2)},3\n`);
      const env = await run(process.execPath, [...CLI, 'import', file, '--url', url], {
        env: { ...process.env, GOTTHARD_TOKEN: engineer.token },
      });
      assert.match(env.stdout, /1 rows imported, 0 rejected/);
      const page = await h.raw({
        tagKey: (await h.getTag(TAG))?.key as number,
        from: T0 + 86_400_000,
        to: T0 + 86_400_000 + 10_000,
        limit: 10,
      });
      assert.deepEqual(
        page.samples.map((s) => s.value),
        [1, 2, 3],
      );
    });
  });
});

/**
 * Issue 16: a re-import said `accepted` and kept the old value, and import needed a fake device.
 * Offline on PostgreSQL: a tag declared only under `imports`, a conflicting re-import (kept, exit 1),
 * then `--correct` (replaced, audited in the data folder's audit log with old and new value).
 */
describe('gotthard import --correct and import-only tags (PostgreSQL config)', { timeout: 180_000 }, () => {
  const schema = randomSchema();
  const dir = mkdtempSync(join(tmpdir(), 'gt-cli-corr-'));
  const config = join(dir, 'gotthard.yaml');
  const M = 'acme/zurich/machining/line2/lathe3';
  const PARTS = `${M}/production/good_parts`;

  after(async () => {
    await dropSchemas(connectionString, [schema]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports an import-only tag, reports conflicts, corrects them with an audit entry', async () => {
    writeFileSync(
      config,
      `dataDir: ${JSON.stringify(join(dir, 'data'))}\nhistorian:\n  engine: postgres\n  postgres:\n    connectionString: ${JSON.stringify(connectionString)}\n    schema: ${schema}\n` +
        `imports:\n  - asset: ${M}\n    tags:\n      - { name: production/good_parts, dataType: UInt }\n`,
    );
    const at = (i: number) => new Date(T0 + i * 60_000).toISOString();
    const file = join(dir, 'parts.csv');
    writeFileSync(file, `${PARTS},${at(0)},10\n${PARTS},${at(1)},20\n${PARTS},${at(2)},30\n`);
    const first = await run(process.execPath, [...CLI, 'import', file, '-c', config]);
    assert.match(first.stdout, /3 rows imported, 0 rejected \(3 lines\); 0 unchanged, 0 conflicting, 0 corrected/);

    writeFileSync(file, `${PARTS},${at(0)},10\n${PARTS},${at(1)},25\n`);
    const conflict = (await run(process.execPath, [...CLI, 'import', file, '-c', config]).catch(
      (err: Failed) => err,
    )) as Failed;
    assert.equal(conflict.code, 1, 'a conflict fails the command');
    assert.match(
      conflict.stdout,
      /:2: .*good_parts at .* conflicts with the stored value \(kept; --correct replaces it\)/,
    );
    assert.match(conflict.stdout, /0 rows imported, 0 rejected \(2 lines\); 1 unchanged, 1 conflicting, 0 corrected/);

    const fixed = await run(process.execPath, [...CLI, 'import', file, '-c', config, '--correct', '--json']);
    const out = JSON.parse(fixed.stdout) as { accepted: number; unchanged: number; corrected: number };
    assert.deepEqual([out.accepted, out.unchanged, out.corrected], [0, 1, 1]);

    const h = createPostgresHistorian({ connectionString, schema, logger: log });
    await h.open();
    try {
      const tag = await h.getTag(PARTS);
      assert.equal(tag?.lineage.source, 'import');
      const page = await h.raw({ tagKey: tag?.key as number, from: T0, to: T0 + 600_000, limit: 10 });
      assert.deepEqual(
        page.samples.map((s) => s.value),
        [10, 25, 30],
      );
    } finally {
      await h.close();
    }
    const audit = readFileSync(join(dir, 'data', 'audit', 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; actor: string; details: { corrections: unknown[] } });
    const corr = audit.filter((e) => e.action === 'history.correct');
    assert.equal(corr.length, 1);
    assert.match(corr[0]?.actor ?? '', /^cli:/);
    assert.deepEqual(corr[0]?.details.corrections, [
      { tag: PARTS, ts: at(1), line: 2, old: { value: 20, status: 0 }, new: { value: 25, status: 0 } },
    ]);
  });
});
