import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { createPostgresHistorian } from '../../src/historian/postgres/index.js';
import { eventsSql, type PostgresHistorian, rawSql } from '../../src/historian/postgres/postgresHistorian.js';
import { SampleBatch } from '../../src/model/sample.js';
import { tagDef } from './helpers.js';
import { dropSchemas, randomSchema, testConnectionString } from './pg.js';

const connectionString = await testConnectionString();
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2);
const N = 7 * 86_400; // 7 days of a 1 Hz tag
const PAGE = 10_000;

interface PlanNode {
  'Node Type': string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function nodes(p: PlanNode): PlanNode[] {
  return [p, ...(p.Plans ?? []).flatMap(nodes)];
}

/** Node types of a plan and the rows its scans produced (what the page examined). */
function shape(plan: PlanNode): { types: string[]; scanned: number; filtered: number } {
  const all = nodes(plan);
  const scans = all.filter((n) => /Scan/.test(n['Node Type']));
  return {
    types: [...new Set(all.map((n) => n['Node Type']))],
    scanned: scans.reduce((s, n) => s + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 0), 0),
    filtered: scans.reduce((s, n) => s + (n['Rows Removed by Filter'] ?? 0) * (n['Actual Loops'] ?? 0), 0),
  };
}

describe('PostgreSQL read path: paging costs the same per page at the start and the end of 7 days of 1 Hz', () => {
  const schema = randomSchema();
  let h: PostgresHistorian;
  let key: number;
  let c: pg.Client;

  async function explain(sql: string, params: unknown[]) {
    const r = await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    return shape((r.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]?.Plan as PlanNode);
  }

  before(async () => {
    h = createPostgresHistorian({
      connectionString,
      schema,
      flushIntervalMs: 60_000,
      logger: pino({ level: 'silent' }),
    }) as PostgresHistorian;
    await h.open();
    [key] = (await h.register([tagDef('line1/flow')])) as [number];
    for (let d = 0; d < 7; d++) {
      const b = new SampleBatch();
      for (let i = 0; i < 86_400; i++) {
        const ts = T0 + d * DAY + i * 1000;
        b.push(key, ts, ts + 3, Math.sin(i / 600), 0);
      }
      h.write(b);
      await h.flush();
    }
    for (let i = 0; i < 20_000; i++)
      h.appendEvent({ ts: T0 + i * 30_000, kind: 'gap', severity: 'warning', message: `e${i}` });
    await h.flush();
    // Each day's partition crossed the threshold: analysed by the historian itself, not by the test.
    await h.analyzed();
    c = new pg.Client({ connectionString });
    await c.connect();
    await c.query(`ANALYZE "${schema}".event`);
  });

  after(async () => {
    await c?.end();
    await h?.close();
    await dropSchemas(connectionString, [schema]);
  });

  it('the historian analysed each day partition after the bulk write', async () => {
    // reltuples is -1 until a partition was analysed (PostgreSQL 14+), then about its rows.
    const r = await c.query(
      `SELECT c.relname, c.reltuples::float8 AS tuples FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = '"${schema}".sample'::regclass ORDER BY c.relname`,
    );
    const full = r.rows.filter((x: { tuples: number }) => x.tuples > 80_000);
    assert.equal(full.length, 7, `analysed day partitions: ${JSON.stringify(r.rows)}`);
    for (const row of full) assert.ok(Math.abs(row.tuples - 86_400) < 1000, `${row.relname}: ${row.tuples}`);
  });

  it('a raw page walks the primary key: no Sort, the same rows examined at the start and the end', async () => {
    const from = T0;
    const to = T0 + 7 * DAY;
    const first = await explain(rawSql(`"${schema}"`), [key, from, to, T0 - 1000, PAGE + 1]);
    const lastCursor = T0 + 7 * DAY - 2 * PAGE * 1000; // two pages before the end
    const last = await explain(rawSql(`"${schema}"`), [key, from, to, lastCursor, PAGE + 1]);
    for (const p of [first, last]) {
      assert.ok(!p.types.includes('Sort'), `no Sort node: ${p.types.join(', ')}`);
      assert.ok(!p.types.includes('Seq Scan'), `no Seq Scan: ${p.types.join(', ')}`);
      assert.ok(p.scanned <= PAGE + 1, `rows examined ${p.scanned} ≤ ${PAGE + 1}`);
    }
    assert.equal(first.scanned, last.scanned);
    assert.equal(first.filtered, last.filtered);
    // The control: ordered by the computed output column (the query before the fix) the same page
    // sorts the rest of the range, which proves the check above can fail.
    const old = rawSql(`"${schema}"`).replace('ORDER BY s.ts', 'ORDER BY 1');
    const bad = await explain(old, [key, from, to, T0 - 1000, PAGE + 1]);
    assert.ok(bad.types.includes('Sort') && bad.scanned > 10 * PAGE, `old plan: ${bad.types.join(', ')}`);
  });

  it('paging through the 7 days returns every value once, in order', async () => {
    let cursor: string | undefined;
    let n = 0;
    let prev = Number.NEGATIVE_INFINITY;
    let pages = 0;
    do {
      const page = await h.raw({ tagKey: key, from: T0, to: T0 + 7 * DAY, limit: 50_000, cursor });
      for (const s of page.samples) {
        assert.ok(s.ts > prev);
        prev = s.ts;
      }
      n += page.samples.length;
      cursor = page.next;
      pages++;
    } while (cursor !== undefined);
    assert.equal(n, N);
    assert.equal(pages, Math.ceil(N / 50_000));
  });

  it('the newest events come from the event_ts index, not a sort of the whole range', async () => {
    const p = await explain(eventsSql(`"${schema}"`), [T0 - 1000, T0 + 1000 * DAY, null, 500]);
    assert.ok(!p.types.includes('Sort'), `no full Sort: ${p.types.join(', ')}`);
    assert.ok(p.scanned <= 1000, `rows examined ${p.scanned}`);
    const old = eventsSql(`"${schema}"`).replace('ORDER BY e.ts DESC, e.id DESC', 'ORDER BY 1 DESC, e.id DESC');
    const bad = await explain(old, [T0 - 1000, T0 + 1000 * DAY, null, 500]);
    assert.ok(bad.types.includes('Sort') && bad.scanned >= 20_000, `old plan: ${bad.types.join(', ')}`);
    const events = await h.events({ limit: 3 });
    assert.deepEqual(
      events.map((e) => e.message),
      ['e19999', 'e19998', 'e19997'],
    );
  });

  it('a read over its budget (readTimeoutMs, statement_timeout) is cancelled with GT_READ_TIMEOUT', async () => {
    const tight = createPostgresHistorian({
      connectionString,
      schema,
      readTimeoutMs: 100,
      flushIntervalMs: 60_000,
      logger: pino({ level: 'silent' }),
    });
    await tight.open();
    try {
      // 7-second buckets straddle every minute: all 604 800 raw rows are read and summed in SQL.
      await assert.rejects(
        tight.aggregate({ tagKey: key, from: T0, to: T0 + 7 * DAY, bucketMs: 7001, fns: ['avg'] }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'GT_READ_TIMEOUT');
          assert.match(err.message, /longer than its budget of 100 ms \(historian option readTimeoutMs/);
          return true;
        },
      );
      // The same store answers small reads within the budget.
      const page = await tight.raw({ tagKey: key, from: T0, to: T0 + DAY, limit: 100 });
      assert.equal(page.samples.length, 100);
    } finally {
      await tight.close();
    }
  });
});
