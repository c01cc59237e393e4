import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { testAuth } from '../helpers/auth.js';
import { freePort, waitFor } from '../helpers/net.js';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

async function gotthard(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe('gotthard command line', { timeout: 180_000 }, () => {
  it('has --help for every command', async () => {
    const top = await gotthard('--help');
    assert.equal(top.code, 0);
    for (const cmd of ['start', 'sim', 'browse', 'read', 'pki', 'config'])
      assert.match(top.stdout, new RegExp(`\\n  ${cmd}\\b`));
    for (const cmd of [['start'], ['sim'], ['browse'], ['read'], ['pki'], ['pki', 'trust'], ['config', 'check']]) {
      const r = await gotthard(...cmd, '--help');
      assert.equal(r.code, 0, cmd.join(' '));
      assert.match(r.stdout, /Usage: gotthard/);
    }
  });

  it('rejects a bad config file with its path and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'http:\n  port: 80800\n');
    const r = await gotthard('config', 'check', file);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:2:9 http\.port: Too big: expected number to be <=65535/);
  });

  describe('start --demo', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gt-cli-demo-'));
    let hub: ChildProcess;
    let http: number;
    let opcua: number;
    let stderr = '';
    const auth = testAuth('viewer');
    const api = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${http}/api/v1${path}`, { headers: auth.headers });
      return r.json() as Promise<Record<string, unknown>>;
    };

    before(async () => {
      http = await freePort();
      opcua = await freePort();
      // The API token comes from the environment, as a deployment would provide a secret.
      writeFileSync(
        join(dir, 'gotthard.yaml'),
        `dataDir: ./data\nhttp: { port: ${http} }\ndemo: { port: ${opcua} }\n` +
          'security:\n  tokens:\n    - { name: cli-test, role: viewer, secret: "${GOTTHARD_TEST_TOKEN}" }\n',
      );
      hub = spawn(process.execPath, [...CLI, 'start', '--demo', '--config', join(dir, 'gotthard.yaml')], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, GOTTHARD_TEST_TOKEN: auth.token },
      });
      hub.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
    });

    after(() => {
      if (hub.exitCode === null) hub.kill('SIGKILL');
    });

    it('comes up connected over SignAndEncrypt and stores every demo tag', async () => {
      const health = await waitFor(
        'the demo source to connect',
        async () => {
          const h = await api('/health');
          const s = (h.sources as { state: string; tags: number }[])[0];
          return s?.state === 'connected' && s.tags > 50 ? h : undefined;
        },
        // Start-up time is a benchmark figure (npm run bench); here only a generous bound for a loaded box.
        60_000,
      );
      const src = (health.sources as Record<string, unknown>[])[0] as Record<string, unknown>;
      assert.equal((src.details as Record<string, unknown>).securityMode, 'SignAndEncrypt');
      const tags = (await api('/tags?limit=10000')).tags as { id: string }[];
      assert.equal(tags.length, src.tags);
      // Every tag gets history within a few seconds (the plant updates each value at least every second
      // or reports it once at subscription time).
      await waitFor(
        'history for every tag',
        async () => {
          const latest = (await api('/values/latest')).values as unknown[];
          return latest.length === tags.length;
        },
        15_000,
      );
      // Raw history sees what was flushed (every second by default).
      await waitFor('raw history', async () => {
        const one = await api('/history/raw?tag=acme/zurich/machining/line1/cnc1/spindle/speed&from=now-1m');
        return ((one.samples as unknown[] | undefined) ?? []).length >= 1;
      });
    });

    it('reads and browses the demo plant with the trust the hub set up', async () => {
      const endpoint = `opc.tcp://localhost:${opcua}/gotthard/demo`;
      const pki = join(dir, 'data', 'pki');
      const list = await gotthard('pki', 'list', '--dir', pki);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^trusted .*Gotthard Demo Plant/m);
      const read = await gotthard(
        'read',
        endpoint,
        'nsu=urn:gotthard:demo-plant;s=Machining.Line1.CNC1.Bearing.Temperature',
        'i=2258',
        '--pki',
        pki,
        '--json',
      );
      assert.equal(read.code, 0, read.stderr);
      const [row, serverTime] = JSON.parse(read.stdout) as { value: unknown; status: string }[];
      assert.equal(row?.status, 'Good');
      assert.equal(typeof row?.value, 'number');
      assert.equal(serverTime?.status, 'Good');
      const browse = await gotthard('browse', endpoint, '--pki', pki, '--depth', '2');
      assert.equal(browse.code, 0, browse.stderr);
      assert.match(browse.stdout, /DemoPlant/);
    });

    // Within the grace period of `docker stop` (10 s) before it sends SIGKILL; ≈ 1.3 s on an idle machine.
    it('stops within 10 s on SIGTERM', async () => {
      const t0 = Date.now();
      const exited = new Promise<number | null>((resolve) => hub.on('exit', (code) => resolve(code)));
      hub.kill('SIGTERM');
      const code = await exited;
      assert.equal(code, 0, stderr.slice(-2000));
      assert.ok(Date.now() - t0 < 10_000, `stopped in ${Date.now() - t0} ms`);
      assert.match(stderr, /hub stopped/);
      // Secrets never reach the log; the first start prints its one-time setup token once.
      assert.ok(!stderr.includes(auth.token), 'the API token secret is not logged');
      assert.equal(stderr.match(/"setupToken"/g)?.length, 1, 'the one-time setup token is printed once');
    });
  });
});
