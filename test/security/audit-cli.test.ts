import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { makeLog, removeLogs } from './audit-helpers.js';

// The CLI half of the audit tests: it runs `gotthard audit verify` as a child process, so it belongs to
// the integration speed (test/speeds.ts); the in-process chain tests stay in audit.test.ts.
const run = promisify(execFile);
after(removeLogs);
const lines = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');
const save = (file: string, ls: string[]): void => writeFileSync(file, `${ls.join('\n')}\n`);

describe('audit log CLI', () => {
  it('`gotthard audit verify` exits non-zero and says which entry is wrong', async () => {
    const file = makeLog(6);
    const cli = ['--import', 'tsx', path.resolve('src/cli/main.ts'), 'audit', 'verify', '--file', file];
    const good = await run(process.execPath, cli);
    assert.match(good.stdout, /6 entries, chain intact/);
    const ls = lines(file);
    ls.splice(1, 1);
    save(file, ls);
    await assert.rejects(run(process.execPath, cli), (err: { code: number; stdout: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stdout, /entry 2 was removed/);
      return true;
    });
  });
});
