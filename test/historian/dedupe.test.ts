import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { buildApi } from '../../src/api/index.js';
import type { HubView } from '../../src/api/types.js';
import { createSqliteHistorian, type SqliteHistorian } from '../../src/historian/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import { authedInject, openTestAuth } from '../helpers/auth.js';
import { tagDef, tempDir } from './helpers.js';

const T0 = 1_700_000_000_000;
let dir: string;
let cleanup: () => void;
before(() => {
  ({ dir, cleanup } = tempDir('gotthard-dedupe-'));
});
after(() => cleanup());

let n = 0;
const open = async (path = join(dir, `d${++n}.db`)) => {
  const h = createSqliteHistorian({ path, flushIntervalMs: 60_000, chunkMaxValues: 64 });
  await h.open();
  return h;
};

/** `count` values of one tag, one per second from `start`, value = 1000 + second, tagged with `mark`. */
function series(key: number, start: number, count: number, mark = 0): SampleBatch {
  const b = new SampleBatch(count);
  for (let i = start; i < start + count; i++) b.push(key, T0 + i * 1000, T0 + i * 1000 + mark, 1000 + i, 0);
  return b;
}

async function rows(h: SqliteHistorian, key: number) {
  return (await h.raw({ tagKey: key, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1_000_000 })).samples;
}

describe('SQLite historian: idempotent on (tag, source timestamp)', () => {
  it('redelivered rows are dropped wherever the first copy is: sealed chunks, sealing, open buffer, same batch', async () => {
    const h = await open();
    const [a, b] = await h.register([tagDef('acme/l/m/a'), tagDef('acme/l/m/b')]);
    assert.ok(a !== undefined && b !== undefined);
    h.write(series(a, 0, 500));
    await h.sealNow(); // 0…499 in chunks
    h.write(series(a, 500, 100));
    await h.flush(); // 500…599 in the open buffer
    // Redelivery: overlaps the chunks and the open buffer, with new rows in between and after, out
    // of order, interleaved with another tag, and a duplicate inside the batch itself.
    const again = new SampleBatch();
    for (let i = 590; i >= 400; i -= 2) again.push(a, T0 + i * 1000, 1, -1, 0); // 400…590 even: all stored
    again.push(b, T0, T0, 7, 0);
    for (let i = 600; i < 650; i++) again.push(a, T0 + i * 1000, T0 + i * 1000, 1000 + i, 0); // new
    again.push(a, T0 + 620 * 1000, 2, -2, 0); // repeats a row of this batch
    again.push(b, T0, 3, -3, 0); // repeats the other tag's row of this batch
    again.push(a, T0 + 10_500, T0 + 10_500, 5, 0); // new, between stored rows
    h.write(again);
    await h.flush();
    const stored = await rows(h, a);
    assert.equal(stored.length, 651);
    assert.equal(new Set(stored.map((s) => s.ts)).size, 651);
    assert.ok(!stored.some((s) => (s.value as number) < 0), 'the first copy stays');
    assert.deepEqual(
      (await rows(h, b)).map((s) => s.value),
      [7],
    );
    // The whole series once more, after sealing everything.
    await h.sealNow();
    h.write(series(a, 0, 650, 9));
    await h.flush();
    assert.equal((await rows(h, a)).length, 651);
    await h.close();
  });

  it('a replay of the staging after a crash makes the same decisions', async () => {
    const path = join(dir, 'replay.db');
    const h = await open(path);
    const [a] = await h.register([tagDef('acme/l/m/a')]);
    assert.ok(a !== undefined);
    h.write(series(a, 0, 300));
    await h.sealNow();
    h.write(series(a, 250, 100, 5)); // 50 duplicates, 50 new
    h.write(series(a, 250, 100, 6)); // all duplicates
    await h.flush();
    assert.equal((await rows(h, a)).length, 350);
    // Not closed: the staging rows stay and are replayed on open, as after a SIGKILL.
    const h2 = createSqliteHistorian({ path, flushIntervalMs: 60_000 });
    await h2.open();
    const stored = await rows(h2, a);
    assert.equal(stored.length, 350);
    assert.ok(stored.every((s) => s.serverTs === s.ts || s.serverTs === s.ts + 5));
    await h2.close();
  });

  it('importing the same CSV twice stores each row once', async () => {
    const path = join(dir, 'import.db');
    const h = await open(path);
    const id = 'acme/zurich/machining/line1/cnc1/spindle/speed';
    const [key] = await h.register([tagDef(id)]);
    const auth = await openTestAuth();
    const hub = {
      historian: h,
      health: () => {
        throw new Error('not used');
      },
      assetTree: async () => {
        throw new Error('not used');
      },
    } as unknown as HubView;
    const app = await buildApi(hub, { logger: pino({ level: 'silent' }), version: 'test', auth: auth.auth });
    const inject = authedInject(app, auth.headers);
    try {
      const csv = ['tag,ts,value,status']
        .concat(Array.from({ length: 200 }, (_, i) => `${id},${new Date(T0 + i * 1000).toISOString()},${i},Good`))
        .join('\n');
      for (let round = 0; round < 2; round++) {
        const r = await inject({
          method: 'POST',
          url: '/api/v1/import',
          headers: { 'content-type': 'text/csv' },
          payload: csv,
        });
        assert.equal(r.statusCode, 200, r.body);
        await h.flush();
        if (round === 0) await h.sealNow();
      }
      const stored = await rows(h, key as number);
      assert.equal(stored.length, 200);
      assert.deepEqual(
        stored.map((s) => s.value),
        Array.from({ length: 200 }, (_, i) => i),
      );
    } finally {
      await app.close();
      auth.close();
      await h.close();
    }
  });
});
