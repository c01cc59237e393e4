import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parquetReadObjects } from 'hyparquet';
import { createSqliteHistorian } from '../../../src/historian/index.js';
import { log, machineTags } from './helpers.js';

const run = promisify(execFile);
const M = 'acme/zurich/machining/line1/cnc1';
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

describe('gotthard import / export history', { timeout: 60_000 }, () => {
  it('imports a large CSV with progress and row errors by line, then exports Parquet that reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-cli-import-'));
    const h = createSqliteHistorian({ path: join(dir, 'historian.db'), logger: log });
    await h.open();
    await h.register(machineTags(M));
    await h.close();
    const t0 = Date.UTC(2026, 0, 13, 6);
    const lines = ['tag,ts,value,status'];
    for (let i = 0; i < 60_000; i++) lines.push(`${M}/energy/energy_total,${t0 + i * 1000},${i / 100},0`);
    lines.push(`${M}/energy/energy_total,yesterday,1,0`);
    const file = join(dir, 'history.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await run(process.execPath, [...CLI, 'import', file, '--data-dir', dir]).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal((r as { code?: number }).code, 1, 'exit code 1 when a row was rejected');
    assert.match(r.stdout, /history\.csv:60002: timestamp "yesterday" is not ISO 8601/);
    assert.match(r.stdout, /60000 rows imported, 1 rejected/);
    assert.match(r.stderr, /import: +\d+\.\d %/);
    const out = join(dir, 'out.parquet');
    await run(process.execPath, [
      ...CLI,
      'export',
      'history',
      '--asset',
      M,
      '--from',
      new Date(t0).toISOString(),
      '--to',
      new Date(t0 + 3_600_000).toISOString(),
      '--format',
      'parquet',
      '-o',
      out,
      '--data-dir',
      dir,
    ]);
    const buf = readFileSync(out);
    const rows = (await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
    })) as {
      value: number;
    }[];
    assert.equal(rows.length, 3600);
    assert.equal(rows[3599]?.value, 35.99);
  });
});
