import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createSqliteHistorian } from '../../src/historian/index.js';
import { createPostgresHistorian } from '../../src/historian/postgres/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import { rng, tagDef, tempDir } from './helpers.js';
import { dropSchemas, randomSchema, testConnectionString } from './pg.js';
import { allRaw, BAD, historianSuite, mixedBatch, type SuiteBackend, T0, UNCERTAIN } from './suite.js';

const connectionString = await testConnectionString();
const schemas = new Set<string>();
after(() => dropSchemas(connectionString, schemas));

function newSchema(): string {
  const s = randomSchema();
  schemas.add(s);
  return s;
}

function openPg(schema: string, extra: Partial<Parameters<typeof createPostgresHistorian>[0]> = {}) {
  return createPostgresHistorian({ connectionString, schema, flushIntervalMs: 60_000, ...extra });
}

const postgres = {
  newStore: async () => newSchema(),
  open: (schema) => openPg(schema),
  settle: (h) => h.flush(),
  equalTimestamps: 'first-wins',
  async checkStore(schema) {
    const c = new pg.Client({ connectionString });
    await c.connect();
    try {
      // Every value sits in a partition of its day, and the rollup agrees with the rows.
      const r = await c.query(
        `SELECT count(*)::int AS n FROM "${schema}".sample WHERE NOT ((status & -1073741824) = 0 AND value IS NULL)`,
      );
      const m = await c.query(`SELECT coalesce(sum(n_good + n_bad), 0)::int AS n FROM "${schema}".sample_1m`);
      assert.equal(m.rows[0].n, r.rows[0].n);
      const parts = await c.query(
        `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = '"${schema}".sample'::regclass`,
      );
      assert.ok(parts.rows[0].n >= 1);
    } finally {
      await c.end();
    }
  },
} satisfies SuiteBackend;

historianSuite('PostgresHistorian', postgres);

/** Compares two aggregate results with a relative tolerance on floats. */
function assertBucketsClose(got: unknown[], want: unknown[], what: string): void {
  assert.equal(got.length, want.length, `${what}: bucket count`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i] as Record<string, number | null>;
    const w = want[i] as Record<string, number | null>;
    assert.deepEqual(Object.keys(g).sort(), Object.keys(w).sort(), `${what}: keys of bucket ${i}`);
    for (const k of Object.keys(w)) {
      const a = g[k];
      const b = w[k];
      if (typeof a === 'number' && typeof b === 'number') {
        assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: bucket ${i} ${k}: ${a} ≠ ${b}`);
      } else {
        assert.equal(a, b, `${what}: bucket ${i} ${k}`);
      }
    }
  }
}

describe('PostgresHistorian specifics', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir());
  });
  after(() => cleanup());

  it('is idempotent on (tag, source timestamp): redelivery, also from another hub, never duplicates', async () => {
    const schema = newSchema();
    const a = openPg(schema);
    const b = openPg(schema);
    await a.open();
    await b.open();
    const [key] = await a.register([tagDef('x/y/z')]);
    assert.equal((await b.register([tagDef('x/y/z')]))[0], key);
    a.write(mixedBatch(key!, 500));
    b.write(mixedBatch(key!, 600)); // overlaps a's 500 rows, in a concurrent transaction
    await Promise.all([a.flush(), b.flush()]);
    a.write(mixedBatch(key!, 600));
    await a.flush();
    const rows = await allRaw(a, key!);
    assert.equal(rows.length, 600);
    const agg = await a.aggregate({ tagKey: key!, from: T0, to: T0 + 600_000, bucketMs: 600_000, fns: ['count'] });
    assert.equal(
      (agg[0]?.count ?? 0) + (agg[0]?.badCount ?? 0),
      600 - 60,
      'strings (60) are neither good-numeric nor bad',
    );
    assert.equal(a.stats().backlog, 0);
    await a.close();
    await b.close();
  });

  it('computes the same aggregates as the embedded engine, also for late and out-of-order data', async () => {
    const sq = createSqliteHistorian({ path: join(dir, 'ref.db'), chunkMaxValues: 200, flushIntervalMs: 60_000 });
    const h = openPg(newSchema());
    await sq.open();
    await h.open();
    const r = rng(7);
    // ~3 h of a 1 s tag, delivered in 40 shuffled batches (late data lands in minutes already rolled up).
    const rows: [number, number, number][] = [];
    let v = 50;
    for (let i = 0; i < 10_800; i++) {
      v = Math.round((v + (r() - 0.5) * 2) * 10) / 10;
      const st = r() < 0.02 ? BAD : r() < 0.02 ? UNCERTAIN : 0;
      rows.push([T0 + i * 1000 + Math.floor(r() * 900), v, st]);
    }
    const order = rows.map((_, i) => i);
    const parts: number[][] = Array.from({ length: 40 }, () => []);
    for (const i of order) parts[Math.floor(r() * 40)]!.push(i);
    for (const part of parts) {
      const b = new SampleBatch();
      for (const i of part) {
        const [t, val, st] = rows[i]!;
        if (i % 500 === 7) b.pushText(1, t, t, 'x', 0);
        else b.push(1, t, t, st === BAD && i % 2 ? Number.NaN : val, st);
      }
      sq.write(b);
      h.write(b);
      await h.flush();
    }
    await sq.sealNow();
    const fns = ['min', 'max', 'avg', 'twa', 'first', 'last', 'count'] as const;
    const queries = [
      { from: T0, to: T0 + 10_800_000, bucketMs: 600_000 }, // aligned: rollups only
      { from: T0 + 12_345, to: T0 + 9_000_000, bucketMs: 900_000 }, // unaligned: edges and cut minutes raw
      { from: T0 - 60_000, to: T0 + 11_000_000, bucketMs: 250_000 },
      { from: T0 + 3_600_000, to: T0 + 3_700_000, bucketMs: 7_000 }, // under a minute: raw only
      { from: T0, to: T0 + 10_800_000, bucketMs: 10_800_000 },
    ];
    for (const q of queries) {
      const want = await sq.aggregate({ tagKey: 1, ...q, fns });
      const got = await h.aggregate({ tagKey: 1, ...q, fns });
      assertBucketsClose(got, want, JSON.stringify(q));
    }
    assert.deepEqual(await allRaw(h, 1), await allRaw(sq, 1));
    await sq.close();
    await h.close();
  });

  it('keeps the backlog through a database outage and writes it when the database returns', async () => {
    const proxy = await tcpProxy(5432);
    const schema = newSchema();
    const h = openPg(schema, {
      connectionString: connectionString.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`),
      flushIntervalMs: 50,
      pool: { connectionTimeoutMillis: 1000 },
    });
    await h.open();
    h.write(mixedBatch(1, 100));
    await h.flush();
    proxy.cut();
    h.write(mixedBatch(1, 200, 100));
    await assert.rejects(h.flush());
    await new Promise((r) => setTimeout(r, 300)); // a few timer retries fail too
    const s = h.stats();
    assert.equal(s.backlog, 200);
    assert.equal(s.persisted, 100);
    assert.match(String((s as { lastError?: string }).lastError), /.+/);
    await assert.rejects(h.latest([1]), (err: Error & { code?: string }) => err.code === 'GT_NOT_CONNECTED');
    proxy.restore();
    for (let i = 0; i < 100 && h.stats().backlog > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.stats().backlog, 0, 'the timer wrote the backlog once the database was back');
    assert.equal((await allRaw(h, 1)).length, 300);
    await h.close();
    await proxy.close();
  });

  it('creates daily partitions on demand and retention drops whole expired ones', async () => {
    const schema = newSchema();
    const h = openPg(schema);
    await h.open();
    const [k1, k2] = await h.register([tagDef('p/a'), tagDef('p/b', { retentionClass: 'short' })]);
    const day = 86_400_000;
    const D0 = Date.UTC(2024, 0, 1);
    const b = new SampleBatch();
    for (let i = 0; i < 10 * 24; i++) {
      b.push(k1!, D0 + i * 3_600_000, D0, i, 0);
      b.push(k2!, D0 + i * 3_600_000, D0, i, 0);
    }
    h.write(b);
    await h.flush();
    const partitions = async () => {
      const c = new pg.Client({ connectionString });
      await c.connect();
      const r = await c.query(`SELECT suffix FROM "${schema}".partition ORDER BY start_ms`);
      await c.end();
      return r.rows.map((x) => x.suffix as string);
    };
    const before = await partitions();
    assert.ok(before.includes('p20240101_0000') && before.includes('p20240110_0000'), before.join());
    h.setRetention([
      { class: 'default', maxAgeMs: 5 * day },
      { class: 'short', maxAgeMs: 3 * day },
    ]);
    const now = D0 + 10 * day;
    const { deletedChunks } = await h.applyRetention(now);
    const afterDrop = await partitions();
    // Every class keeps ≤ 5 days: the first 5 days' partitions are dropped whole.
    assert.deepEqual(
      afterDrop.filter((p) => p < 'p20240106'),
      [],
    );
    assert.ok(afterDrop.includes('p20240106_0000'));
    const a = (await allRaw(h, k1!)).map((s) => s.ts);
    const s = (await allRaw(h, k2!)).map((x) => x.ts);
    assert.equal(a[0], now - 5 * day);
    assert.equal(s[0], now - 3 * day);
    assert.equal(a.length, 5 * 24);
    assert.equal(s.length, 3 * 24);
    assert.equal(deletedChunks, 5 + 2 * 24, '5 partitions dropped, 48 rows deleted');
    // The rollup forgot the deleted rows.
    const agg = await h.aggregate({ tagKey: k2!, from: D0, to: now, bucketMs: day, fns: ['count'] });
    assert.deepEqual(
      agg.map((x) => x.count),
      [0, 0, 0, 0, 0, 0, 0, 24, 24, 24],
    );
    await h.close();
  });

  it('SIGKILL of a writer process: every value it reported written is there after reopening, once', async () => {
    const schema = newSchema();
    const fixture = fileURLToPath(new URL('./fixtures/pg-crash-writer.ts', import.meta.url));
    let reported = 0;
    for (let round = 0; round < 2; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, connectionString, schema, String(round)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let buf = '';
      let last = 0;
      let killTimer: NodeJS.Timeout | undefined;
      const guard = setTimeout(() => child.kill('SIGTERM'), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) last = Number(l.split(' ')[1]);
        if (last >= 20_000 && killTimer === undefined) {
          killTimer = setTimeout(() => child.kill('SIGKILL'), 37 + round * 50);
        }
      });
      const [, signal] = (await once(child, 'close')) as [number | null, string | null];
      clearTimeout(guard);
      clearTimeout(killTimer);
      assert.equal(signal, 'SIGKILL');
      reported = last;
      const h = openPg(schema);
      await h.open();
      const rows = await allRaw(h, 1, 1_000_000);
      // Each round writes values round*1e6 + 0, 1, 2, … in order; all reported ones must be there.
      const mine = rows.filter((x) => (x.value as number) >= round * 1e6 && (x.value as number) < (round + 1) * 1e6);
      assert.ok(mine.length >= reported, `round ${round}: ${mine.length} stored < ${reported} reported`);
      const values = mine.map((x) => x.value as number);
      assert.equal(new Set(values).size, values.length, 'no duplicates');
      for (let i = 0; i < reported; i++) assert.equal(values[i], round * 1e6 + i);
      await h.close();
    }
  });

  it('rejects bad options and reports an unreachable database clearly', async () => {
    assert.throws(() => openPg('Bad-Name'), /schema/);
    const h = createPostgresHistorian({
      connectionString: 'postgresql://nobody:secret@127.0.0.1:1/none',
      pool: { connectionTimeoutMillis: 500 },
    });
    await assert.rejects(h.open(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'GT_NOT_CONNECTED');
      assert.match(err.message, /127\.0\.0\.1:1/);
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
  });
});

/** A TCP proxy to a local port that can be cut (connections destroyed, new ones refused) and restored. */
async function tcpProxy(
  target: number,
): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
