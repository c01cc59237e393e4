/** The bench load: demo-plant servers in scale mode, hub and baseline child processes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openPki } from '../src/pki/index.js';
import { QUEUE_SIZE } from './bare-client.js';
import { cpuMs, sleep } from './proc.js';

export const ROOT = new URL('..', import.meta.url).pathname;
/** The CLI as shipped (`npm ci` builds dist/; bench/run.ts rebuilds it first so it matches src/). */
export const CLI = join(ROOT, 'dist/cli/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  lines: string[];
  stop(): Promise<void>;
}

/** Spawns `node [--import tsx] …`, resolves when a stdout/stderr line matches `ready`. */
export async function spawnNode(args: string[], ready: RegExp, timeoutMs = 180_000, cwd = ROOT): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready after ${timeoutMs} ms: ${args.join(' ')}\n${lines.slice(-20).join('\n')}`)),
      timeoutMs,
    );
    let done = false;
    const onData = (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line.length === 0) continue;
        lines.push(line);
        if (lines.length > 2000) lines.splice(0, 1000);
        if (!done && ready.test(line)) {
          done = true;
          clearTimeout(timer);
          resolve();
        }
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`exited ${code}: ${args.join(' ')}\n${lines.slice(-20).join('\n')}`));
    });
  });
  const child: Child = {
    proc,
    pid: proc.pid as number,
    lines,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(t);
    },
  };
  return child;
}

export interface Load {
  endpoints: string[];
  certificateFiles: string[];
  servers: Child[];
  machines: number;
  updateIntervalMs: number;
  /** Holds every plant's tick loop; resolves with the values all plants have written so far. */
  pause(): Promise<number>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** Sends SIGUSR2 (`gotthard sim` holds or resumes its ticks) and reads the writes count it prints. */
async function toggle(child: Child, want: 'paused' | 'resumed'): Promise<number> {
  const from = child.lines.length;
  child.proc.kill('SIGUSR2');
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (let i = from; i < child.lines.length; i++) {
      const m = /^(paused|resumed) writes (\d+)$/.exec(child.lines[i] as string);
      if (m && m[1] === want) return Number(m[2]);
    }
    if (Date.now() > deadline) throw new Error(`demo plant did not answer SIGUSR2 with '${want}'`);
    await sleep(50);
  }
}

/** `servers` demo plants with `machines` machines each, every `updateIntervalMs`. */
export async function startLoad(
  dir: string,
  servers: number,
  machines: number,
  updateIntervalMs: number,
): Promise<Load> {
  const list = await Promise.all(
    Array.from({ length: servers }, async (_, i) => {
      const port = await freePort();
      const pki = join(dir, `sim-pki-${i}`);
      const child = await spawnNode(
        [
          CLI,
          'sim',
          '--machines',
          String(machines),
          '--update-interval',
          String(updateIntervalMs),
          '--port',
          String(port),
          '--pki',
          pki,
          '--seed',
          String(i + 1),
          '--log-level',
          'warn',
        ],
        /Server certificate:/,
      );
      const cert = child.lines.map((l) => /Server certificate: (.+)$/.exec(l)?.[1]).find(Boolean) as string;
      return { child, endpoint: `opc.tcp://localhost:${port}/gotthard/demo`, cert };
    }),
  );
  return {
    endpoints: list.map((s) => s.endpoint),
    certificateFiles: list.map((s) => s.cert),
    servers: list.map((s) => s.child),
    machines,
    updateIntervalMs,
    async pause() {
      const n = await Promise.all(list.map((s) => toggle(s.child, 'paused')));
      return n.reduce((a, b) => a + b, 0);
    },
    async resume() {
      await Promise.all(list.map((s) => toggle(s.child, 'resumed')));
    },
    async stop() {
      await Promise.all(list.map((s) => s.child.stop()));
    },
  };
}

export interface HubRun extends Child {
  url: string;
  health(): Promise<HealthReply>;
}

export interface HealthReply {
  sources: { state: string; tags: number; monitoredItems: number }[];
  historian: { accepted: number; persisted: number; backlog: number };
  ingest: { valuesPerSecond: number; totalValues: number };
}

/** Starts `gotthard start --config …` as a child process collecting from the load. */
export async function startHub(
  dir: string,
  load: Load,
  extraArgs: string[] = [],
  overrides: Record<string, unknown> = {},
): Promise<HubRun> {
  const dataDir = join(dir, `hub-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  const pki = await openPki({
    dir: join(dataDir, 'pki'),
    applicationUri: `urn:gotthard:hub:${hostname()}`,
    logger: pino({ enabled: false }),
  });
  for (const f of load.certificateFiles) await pki.trustFile(f);
  await pki.close();
  const port = await freePort();
  const token = randomBytes(32).toString('base64url');
  const config = {
    dataDir,
    security: { tokens: [{ name: 'bench', role: 'viewer', secret: token }] },
    assets: { enterprise: { id: 'acme' }, sites: [{ id: 'zurich' }] },
    http: { host: '127.0.0.1', port },
    sources: load.endpoints.map((endpoint, i) => ({
      kind: 'opcua',
      name: `plant${i}`,
      endpoint,
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      assetPrefix: `acme/zurich/p${i}`,
      browse: [{ root: '/Objects/DemoPlant', levels: ['area', 'line', 'machine'], variableTypes: 'all' }],
      // exception-based (samplingInterval 0): the server reports each setValueFromSource instead of
      // sampling every item on a timer, which costs the server far more CPU than the changes themselves
      subscription: { publishingIntervalMs: 1000, samplingIntervalMs: 0, queueSize: QUEUE_SIZE },
    })),
    ...overrides,
  };
  const file = join(dataDir, 'gotthard.yaml');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = await spawnNode([...extraArgs, CLI, 'start', '--config', file, '--log-level', 'warn'], /./, 180_000);
  const url = `http://127.0.0.1:${port}`;
  const run: HubRun = {
    ...child,
    url,
    async health() {
      const r = await fetch(`${url}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } });
      return (await r.json()) as HealthReply;
    },
  };
  // wait for the API, then for every source to be connected with its monitored items
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      const h = await run.health();
      if (h.sources.length === load.endpoints.length && h.sources.every((s) => s.state === 'connected')) break;
    } catch {
      // API not up yet
    }
    if (Date.now() > deadline) throw new Error(`hub did not connect: ${child.lines.slice(-10).join('\n')}`);
    if (child.proc.exitCode !== null) throw new Error(`hub exited: ${child.lines.slice(-10).join('\n')}`);
    await sleep(500);
  }
  return run;
}

export interface Window {
  values: number;
  cpuMs: number;
  ms: number;
  /** CPU µs per value. */
  usPerValue: number;
  /** Values per second delivered. */
  rate: number;
}

/** Measures CPU and values over `windowMs` after `warmMs`. `count()` returns values delivered so far. */
export async function measure(
  pid: number,
  count: () => Promise<number> | number,
  warmMs: number,
  windowMs: number,
): Promise<Window> {
  await sleep(warmMs);
  const c0 = cpuMs(pid);
  const v0 = await count();
  const t0 = Date.now();
  await sleep(windowMs);
  const c1 = cpuMs(pid);
  const v1 = await count();
  const ms = Date.now() - t0;
  const values = v1 - v0;
  return {
    values,
    cpuMs: c1 - c0,
    ms,
    usPerValue: values > 0 ? ((c1 - c0) * 1000) / values : Number.NaN,
    rate: (values * 1000) / ms,
  };
}

/** Starts the bare client on the load; `count()` reads its last printed count. */
export async function startBare(dir: string, load: Load): Promise<Child & { count(): number }> {
  const child = await spawnNode(
    [
      '--import',
      'tsx',
      join(ROOT, 'bench/bare-client.ts'),
      '--pki',
      join(dir, 'bare-pki'),
      '--sampling',
      '0',
      ...load.endpoints,
    ],
    /^ready/,
  );
  return {
    ...child,
    count() {
      for (let i = child.lines.length - 1; i >= 0; i--) {
        const m = /^count (\d+)$/.exec(child.lines[i] as string);
        if (m) return Number(m[1]);
      }
      return 0;
    },
  };
}
