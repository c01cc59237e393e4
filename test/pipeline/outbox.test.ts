import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Forwarder, Outbox, type OutboxRow, outboxSchema } from '../../src/pipeline/outbox/index.js';
import { tempDir } from '../historian/helpers.js';
import { silent } from '../uns/helpers.js';

const tmp = tempDir('gotthard-outbox-');
after(() => tmp.cleanup());

const rows = (from: number, n: number, tag = 'a/b'): OutboxRow[] =>
  Array.from({ length: n }, (_, i) => ({ tag, sourceTs: from + i, serverTs: from + i, value: from + i, status: 0 }));

test('survives a reopen: what was appended and not acknowledged is still there, in order', () => {
  const path = join(tmp.dir, 'reopen.db');
  const a = new Outbox({ path, maxRows: 10_000, overflow: 'dropOldest', logger: silent });
  a.append(rows(0, 10));
  a.append([{ tag: 'x/y', sourceTs: 99, serverTs: 99, value: null, text: 'AUTO', status: 0x80310000 }]);
  a.ack(a.peek(0, 3).map((r) => r.seq));
  a.close();
  const b = new Outbox({ path, maxRows: 10_000, overflow: 'dropOldest', logger: silent });
  const left = b.peek(0, 100);
  assert.deepEqual(
    left.map((r) => r.value ?? r.text),
    [3, 4, 5, 6, 7, 8, 9, 'AUTO'],
  );
  assert.equal(left.at(-1)?.status, 0x80310000);
  assert.equal(b.queued, 8);
  b.close();
});

test('dropOldest keeps the newest values, counts the dropped ones and reports once per 10 s', () => {
  const reports: number[] = [];
  const o = new Outbox({
    path: join(tmp.dir, 'old.db'),
    maxRows: 1000,
    overflow: 'dropOldest',
    logger: silent,
    onOverflow: (n) => reports.push(n),
  });
  o.append(rows(0, 800));
  o.append(rows(800, 500));
  assert.equal(o.queued, 1000);
  assert.equal(o.peek(0, 1)[0]?.value, 300);
  assert.equal(o.stats().dropped, 300);
  o.append(rows(1300, 5));
  assert.equal(o.stats().dropped, 305);
  assert.deepEqual(reports, [300], 'one warning, not one per batch');
  o.append(rows(2000, 1500)); // a batch larger than the bound keeps its newest rows
  assert.equal(o.queued, 1000);
  assert.equal(o.peek(0, 1)[0]?.value, 2500);
  o.close();
});

test('dropNewest keeps the oldest values and refuses the rest', () => {
  const o = new Outbox({ path: join(tmp.dir, 'new.db'), maxRows: 1000, overflow: 'dropNewest', logger: silent });
  assert.deepEqual(o.append(rows(0, 900)), { accepted: 900, dropped: 0 });
  assert.deepEqual(o.append(rows(900, 300)), { accepted: 100, dropped: 200 });
  assert.equal(o.peek(0, 1)[0]?.value, 0);
  assert.equal(o.peek(0, 1000).at(-1)?.value, 999);
  assert.equal(o.stats().dropped, 200);
  o.close();
});

test('forwarder: in order, only acknowledged rows leave, a failed delivery is retried', async () => {
  const o = new Outbox({ path: join(tmp.dir, 'fwd.db'), maxRows: 10_000, overflow: 'dropOldest', logger: silent });
  const f = new Forwarder(o, { batchRows: 7, log: silent, retryDelayMs: 10 });
  const seen: number[] = [];
  let fail = 2;
  o.append(rows(0, 50));
  f.attach({
    deliver: async (batch) => {
      if (fail-- > 0) throw new Error('broker said no');
      // Acknowledge only the first half of each round: the rest must come again, first.
      const half = batch.slice(0, Math.ceil(batch.length / 2));
      for (const r of half) seen.push(r.value as number);
      return half.map((r) => r.seq);
    },
  });
  await f.idle();
  assert.deepEqual(
    seen,
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(o.queued, 0);
  assert.equal(o.stats().delivered, 50);
  f.stop();
  o.close();
});

test('schema: the policy is an enum string with a clear error', () => {
  const r = outboxSchema.safeParse({ overflow: 'block' });
  assert.match(r.error?.issues[0]?.message ?? '', /dropOldest.*dropNewest/);
});
