import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createSqliteHistorian } from '../../src/historian/index.js';
import { tempDir } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const T0 = 1_700_000_000_000;

let dir: string;
let cleanup: () => void;
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

/** Runs the writer until it reported at least `minPersisted` durable values, then SIGKILLs it. */
async function runAndKill(
  path: string,
  first: number,
  minPersisted: number,
  extraMs: number,
  killAfterSlices = 0,
): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, path, String(first), String(killAfterSlices)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = 0;
  let buf = '';
  let killTimer: NodeJS.Timeout | undefined;
  const guard = setTimeout(() => child.kill('SIGTERM'), 60_000);
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) last = Number(l.split(' ')[1]);
    if (last >= minPersisted && killTimer === undefined) killTimer = setTimeout(() => child.kill('SIGKILL'), extraMs);
  });
  // 'close' comes after stdout ended, so every report the child made has been read.
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
  clearTimeout(guard);
  clearTimeout(killTimer);
  assert.equal(signal, 'SIGKILL', `writer ended with ${code ?? signal} after reporting ${last} values`);
  return last;
}

describe('crash safety', () => {
  it('SIGKILL at random moments: nothing flushed is lost, nothing is duplicated, the file is sound', async () => {
    const path = join(dir, 'crash.db');
    // Several kills into the same file: each reopen recovers, then the next run keeps writing.
    const reported: number[] = [];
    for (let round = 0; round < 3; round++) {
      const first = round * 10_000_000;
      // The last run kills itself right after a seal slice committed: chunks of an unfinished
      // generation are on disk next to its staging rows, and recovery must not count them twice.
      const selfKill = round === 2 ? 150 : 0;
      reported.push(await runAndKill(path, first, 20_000, Math.floor(Math.random() * 300), selfKill));
      const db = new Database(path);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      if (selfKill > 0) {
        const partial = db
          .prepare('SELECT COUNT(*) FROM chunk WHERE gen >= (SELECT MIN(gen) FROM wal)')
          .pluck()
          .get() as number;
        assert.ok(partial > 0, 'the kill landed in the middle of a seal');
      }
      db.close();

      const h = createSqliteHistorian({ path, flushIntervalMs: 60_000 });
      await h.open();
      const seen = new Map<number, number>();
      for (let tag = 0; tag < 10; tag++) {
        const rows = (await h.raw({ tagKey: tag, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10_000_000 })).samples;
        for (const r of rows) {
          const seq = r.ts - T0;
          seen.set(seq, (seen.get(seq) ?? 0) + 1);
          assert.equal(r.value, seq % 50 === 7 ? `s${seq}` : seq, `value of ${seq}`);
          assert.equal(r.serverTs, r.ts + 1);
          assert.equal(r.status, seq % 13 === 0 && seq % 50 !== 7 ? 0x80310000 : 0);
        }
      }
      for (const [seq, count] of seen) assert.equal(count, 1, `value ${seq} stored ${count} times`);
      for (let r = 0; r <= round; r++) {
        const base = r * 10_000_000;
        // Everything reported durable is there, and what is there is a gap-free prefix of what was written.
        let present = 0;
        while (seen.has(base + present)) present++;
        assert.ok(present >= (reported[r] as number), `run ${r}: ${present} values, ${reported[r]} were durable`);
        const inRun = [...seen.keys()].filter((s) => s >= base && s < base + 10_000_000).length;
        assert.equal(inRun, present, `run ${r}: values beyond a gap`);
      }
      await h.close();
    }
  });
});
