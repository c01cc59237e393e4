import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowArena } from '../../src/historian/columns.js';
import { TagStates } from '../../src/historian/tagStates.js';
import { rng } from './helpers.js';

interface Row {
  ts: number;
  serverTs: number;
  value: number;
  status: number;
  text?: string;
}

function rowsOf(arena: RowArena, slot: number): Row[] {
  const c = arena.columns(slot);
  const out: Row[] = [];
  for (let i = 0; i < c.n; i++) {
    const r: Row = {
      ts: c.ts[i] as number,
      serverTs: c.serverTs[i] as number,
      value: c.value[i] as number,
      status: c.status[i] as number,
    };
    const t = c.text?.get(i);
    if (t !== undefined) r.text = t;
    out.push(r);
  }
  return out;
}

describe('RowArena', () => {
  it('keeps every row of every slot when rows and slots grow past their first capacity', () => {
    const arena = new RowArena(4, 1);
    const tags = 37;
    const expected: Row[][] = Array.from({ length: tags }, () => []);
    const slotOf = new Map<number, number>();
    const r = rng(3);
    for (let i = 0; i < 5000; i++) {
      const tag = Math.floor(r() * tags);
      let slot = slotOf.get(tag);
      if (slot === undefined) {
        slot = arena.addSlot(tag);
        slotOf.set(tag, slot);
      }
      const row: Row = { ts: 1000 + i, serverTs: 1001 + i, value: r() * 100, status: r() < 0.1 ? 0x80310000 : 0 };
      if (r() < 0.05) {
        row.value = Number.NaN;
        row.text = `text ${i}`;
      }
      arena.push(slot, row.ts, row.serverTs, row.value, row.status, row.text);
      (expected[tag] as Row[]).push(row);
    }
    assert.equal(arena.rows, 5000);
    assert.equal(arena.slots, slotOf.size);
    for (const [tag, slot] of slotOf) {
      assert.equal(arena.owner[slot], tag);
      assert.equal(arena.rowsOf(slot), (expected[tag] as Row[]).length);
      assert.deepEqual(rowsOf(arena, slot), expected[tag], `tag ${tag}`);
    }
  });

  it('returns out-of-order rows in time order, stable for equal timestamps, text with its row', () => {
    const arena = new RowArena(2, 2);
    const a = arena.addSlot(7);
    const b = arena.addSlot(8);
    arena.push(a, 30, 1, 3, 0, undefined);
    arena.push(b, 5, 1, 50, 0, undefined);
    arena.push(a, 10, 2, Number.NaN, 0, 'ten');
    arena.push(a, 30, 3, 33, 0x40000000, undefined);
    arena.push(a, 20, 4, 2, 0, undefined);
    arena.push(b, 6, 2, 60, 0, undefined);
    assert.deepEqual(rowsOf(arena, a), [
      { ts: 10, serverTs: 2, value: Number.NaN, status: 0, text: 'ten' },
      { ts: 20, serverTs: 4, value: 2, status: 0 },
      { ts: 30, serverTs: 1, value: 3, status: 0 },
      { ts: 30, serverTs: 3, value: 33, status: 0x40000000 },
    ]);
    assert.deepEqual(rowsOf(arena, b), [
      { ts: 5, serverTs: 1, value: 50, status: 0 },
      { ts: 6, serverTs: 2, value: 60, status: 0 },
    ]);
  });

  it('gives a slot with no rows empty columns', () => {
    const arena = new RowArena();
    const s = arena.addSlot(1);
    assert.equal(arena.columns(s).n, 0);
  });
});

describe('TagStates', () => {
  it('keeps keys and newest values apart per tag across growth; a newer number clears an older text', () => {
    const tags = new TagStates(2);
    for (let k = 100; k < 110; k++) tags.offerLatest(tags.indexOf(k), k, k + 1, k / 2, 0, undefined);
    const i = tags.indexOf(105);
    assert.equal(tags.find(105), i);
    assert.equal(tags.find(99), -1);
    assert.equal(tags.key[i], 105);
    assert.equal(tags.latestValue[i], 52.5);
    tags.offerLatest(i, 200, 201, Number.NaN, 0, 'on');
    assert.equal(tags.latestText.get(i), 'on');
    tags.offerLatest(i, 150, 151, 1, 0, undefined); // older: ignored
    assert.equal(tags.latestTs[i], 200);
    tags.offerLatest(i, 300, 301, 1, 0, undefined);
    assert.equal(tags.latestText.get(i), undefined);
    assert.equal(tags.latestValue[i], 1);
    assert.deepEqual([...tags.keys()], [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    assert.equal(tags.open[tags.indexOf(200)], -1);
  });
});
