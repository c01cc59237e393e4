import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { type GotthardConfig, validateConfig } from '../../src/config/index.js';
import type { Historian } from '../../src/historian/index.js';
import { Hub } from '../../src/hub/index.js';
import { qualityOf } from '../../src/model/status.js';
import { openPki } from '../../src/pki/index.js';
import { waitFor } from '../helpers/net.js';

export const log: Logger = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });

/** `--soak MINUTES` on the command line or GOTTHARD_SOAK_MINUTES; 0 = no soak. */
export function soakMinutes(): number {
  const i = process.argv.indexOf('--soak');
  const arg = i >= 0 ? process.argv[i + 1] : undefined;
  const v = Number(arg ?? process.env.GOTTHARD_SOAK_MINUTES ?? 0);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

export interface CounterSourceOptions {
  endpoint: string;
  publishingIntervalMs?: number;
  queueSize?: number;
  requestTimeoutMs?: number;
}

/** The hub config for a counter plant: every counter a tag, exception-based sampling, a deep queue. */
export function counterHubConfig(
  dataDir: string,
  src: CounterSourceOptions,
  extra: {
    flushInterval?: number;
    historianPath?: string;
    /** The `uns:` section (case 3 publishes to a private broker). */
    uns?: Record<string, unknown>;
    /** Extra `historian:` keys, e.g. `{ engine: 'postgres', postgres: {…} }` (case 4). */
    historian?: Record<string, unknown>;
    /** Further top-level keys, e.g. `security` with API tokens (the read-storm case). */
    raw?: Record<string, unknown>;
  } = {},
): GotthardConfig {
  return validateConfig(
    {
      dataDir,
      assets: { enterprise: { id: 'acme' }, sites: [{ id: 'zurich' }] },
      http: { host: '127.0.0.1', port: 0 },
      historian: {
        flushInterval: extra.flushInterval ?? 200,
        ...(extra.historianPath ? { path: extra.historianPath } : {}),
        ...extra.historian,
      },
      ...(extra.uns ? { uns: extra.uns } : {}),
      ...extra.raw,
      sources: [
        {
          kind: 'opcua',
          name: 'counters',
          endpoint: src.endpoint,
          securityMode: 'SignAndEncrypt',
          securityPolicy: 'Basic256Sha256',
          assetPrefix: 'acme/zurich',
          browse: [{ root: '/Objects/Counters', levels: ['area', 'line', 'machine'], variableTypes: 'all' }],
          subscription: {
            publishingIntervalMs: src.publishingIntervalMs ?? 200,
            samplingIntervalMs: 0,
            queueSize: src.queueSize ?? 1000,
          },
          reconnect: { initialDelay: 200, maxDelay: 1000 },
          requestTimeoutMs: src.requestTimeoutMs ?? 4000,
        },
      ],
    },
    { env: {} },
  );
}

/** Trusts the server certificate in the hub's PKI before the hub starts (what an operator does once). */
export async function pretrust(dataDir: string, certificateFile: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const pki = await openPki({
    dir: join(dataDir, 'pki'),
    applicationUri: `urn:gotthard:hub:${hostname()}`,
    logger: log,
  });
  await pki.trustFile(certificateFile);
  await pki.close();
}

export async function startHub(config: GotthardConfig): Promise<Hub> {
  const hub = new Hub(config, { logger: log });
  await hub.start();
  return hub;
}

export async function waitConnected(hub: Hub, tags: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `the hub to connect with ${tags} tags`,
    () => {
      const s = hub.health().sources[0];
      return s?.state === 'connected' && Number(s.details.monitoredItems) >= tags;
    },
    timeoutMs,
  );
}

/** NodeId `…;s=C<i>` → counter index i. */
export function counterIndex(nodeId: string): number | undefined {
  const m = /;s=C(\d+)$/.exec(nodeId);
  return m ? Number(m[1]) : undefined;
}

export interface StoredRow {
  ts: number;
  value: number | string | null;
  status: number;
}

/** Every stored row of a tag in storage order (the historian returns them by source timestamp). */
export async function readAll(historian: Historian, tagKey: number, from = 0, to = Date.now() + 3_600_000) {
  const rows: StoredRow[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await historian.raw({ tagKey, from, to, limit: 10_000, ...(cursor ? { cursor } : {}) });
    for (const s of page.samples) rows.push({ ts: s.ts, value: s.value, status: s.status });
    if (!page.next) break;
    cursor = page.next;
  }
  return rows;
}

export interface Accounting {
  /** Produced values inside the accounting window. */
  produced: number;
  stored: number;
  /** Missing, but inside a gap window (between the last good value before a Bad marker and the first good one after it). */
  inGap: number;
  /** Missing with no gap marker around them: the failure this suite exists to catch. */
  silentlyMissing: number[];
  duplicates: number;
  badMarkers: number;
  /** Longest gap window, ms (source time). */
  longestGapMs: number;
  /** For the first silently missing value: the stored rows around it, to see what happened. */
  context?: string;
}

/**
 * Accounts for every tick the server produced in [fromTick, toTick] for one tag: stored as a Good
 * value, or inside a gap window. A gap window runs from the last Good value stored before a Bad
 * quality marker to the first Good value stored after it (or to the end of the record).
 */
export function account(
  rows: readonly StoredRow[],
  produced: { ticks: readonly number[]; sourceTs: readonly number[] },
  fromTick: number,
  toTick: number,
): Accounting {
  const good = rows.filter((r) => qualityOf(r.status) === 'Good' && typeof r.value === 'number');
  const seen = new Map<number, number>();
  for (const r of good) seen.set(r.value as number, (seen.get(r.value as number) ?? 0) + 1);
  // gap windows, in storage order
  const windows: [number, number][] = [];
  let lastGoodTs = Number.NEGATIVE_INFINITY;
  let open: number | undefined;
  for (const r of rows) {
    const q = qualityOf(r.status);
    if (q === 'Good') {
      if (open !== undefined) {
        windows.push([open, r.ts]);
        open = undefined;
      }
      lastGoodTs = r.ts;
    } else if (q === 'Bad' && open === undefined) {
      open = lastGoodTs;
    }
  }
  if (open !== undefined) windows.push([open, Number.POSITIVE_INFINITY]);
  const out: Accounting = {
    produced: 0,
    stored: 0,
    inGap: 0,
    silentlyMissing: [],
    duplicates: 0,
    badMarkers: rows.filter((r) => qualityOf(r.status) === 'Bad').length,
    longestGapMs: Math.max(0, ...windows.map(([a, b]) => (Number.isFinite(b - a) ? b - a : 0))),
  };
  for (let i = 0; i < produced.ticks.length; i++) {
    const k = produced.ticks[i] as number;
    if (k < fromTick || k > toTick) continue;
    out.produced++;
    const n = seen.get(k) ?? 0;
    if (n > 0) {
      out.stored++;
      if (n > 1) out.duplicates += n - 1;
      continue;
    }
    const ts = produced.sourceTs[i] as number;
    if (windows.some(([a, b]) => ts >= a && ts <= b)) out.inGap++;
    else {
      if (out.silentlyMissing.length === 0) {
        const j = rows.findIndex((r) => r.ts > ts);
        const around = rows.slice(Math.max(0, j - 3), j + 3);
        out.context = `tick ${k} (ts ${ts}) missing between rows ${around.map((r) => `${r.ts}:${r.value}:${r.status.toString(16)}`).join(' ')}`;
      }
      out.silentlyMissing.push(k);
    }
  }
  return out;
}

/** Sums accountings of several tags; keeps the first few silently missing ticks for the message. */
export function total(list: readonly Accounting[]): Accounting {
  const t: Accounting = {
    produced: 0,
    stored: 0,
    inGap: 0,
    silentlyMissing: [],
    duplicates: 0,
    badMarkers: 0,
    longestGapMs: 0,
  };
  for (const a of list) {
    t.produced += a.produced;
    t.stored += a.stored;
    t.inGap += a.inGap;
    t.duplicates += a.duplicates;
    t.badMarkers += a.badMarkers;
    t.longestGapMs = Math.max(t.longestGapMs, a.longestGapMs);
    if (t.silentlyMissing.length < 20) t.silentlyMissing.push(...a.silentlyMissing.slice(0, 20));
    if (t.context === undefined && a.context !== undefined) t.context = a.context;
  }
  return t;
}

export function describe(a: Accounting): string {
  return (
    `produced ${a.produced}, stored ${a.stored}, in gap windows ${a.inGap}, silently missing ` +
    `${a.silentlyMissing.length}${a.silentlyMissing.length ? ` (ticks ${a.silentlyMissing.slice(0, 10).join(', ')}…)` : ''}, ` +
    `duplicates ${a.duplicates}, Bad markers ${a.badMarkers}, longest gap ${a.longestGapMs} ms` +
    (a.context ? `; ${a.context}` : '')
  );
}

/** Accounts every counter tag of a historian against the plant's record. */
export async function accountHistorian(
  historian: Historian,
  produced: { ticks: readonly number[]; sourceTs: readonly number[] },
  fromTick: number,
  toTick: number,
  every = 1,
): Promise<Accounting> {
  const tags = (await historian.listTags()).filter((t) => {
    const i = counterIndex(t.lineage.nodeId);
    return i !== undefined && i % every === 0;
  });
  if (tags.length === 0) throw new Error('no counter tags in the historian');
  const list: Accounting[] = [];
  for (const t of tags) list.push(account(await readAll(historian, t.key), produced, fromTick, toTick));
  return total(list);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A TCP proxy between hub and server. `blackhole()` keeps the sockets open but drops every byte
 * both ways (a cable pulled behind a switch); `reset()` then kills every connection with a TCP RST
 * and, while `refuse` is on, resets new ones at once; `heal()` passes traffic again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<[Socket, Socket]>();
  private mode: 'pass' | 'blackhole' | 'refuse' = 'pass';
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<number> {
    const { connect } = await import('node:net');
    this.server = createServer((client) => {
      if (this.mode !== 'pass') {
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk) => {
          if (this.mode === 'pass') to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      const end = () => {
        this.pairs.delete(pair);
        if (!client.destroyed) client.destroy();
        if (!upstream.destroyed) upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this.port;
  }

  blackhole(): void {
    this.mode = 'blackhole';
  }

  reset(): void {
    this.mode = 'refuse';
    for (const [a, b] of this.pairs) {
      a.resetAndDestroy();
      b.resetAndDestroy();
    }
    this.pairs.clear();
  }

  heal(): void {
    this.mode = 'pass';
  }

  get connections(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Spawns `node --import tsx <script> …args`; resolves once a stdout or stderr line matches `ready`. */
export async function spawnTs(
  script: string,
  args: string[],
  ready: RegExp,
  opts: { onLine?: (line: string) => void; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      // never leave a child that did not come up running behind the test
      child.kill('SIGKILL');
      reject(new Error(`${script} not ready after ${opts.timeoutMs ?? 60_000} ms: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    let found = false;
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        opts.onLine?.(line);
        const m = ready.exec(line);
        if (m && !found) {
          found = true;
          clearTimeout(timer);
          resolve(m);
        }
        nl = buf.indexOf('\n');
      }
    });
    // Some programs (the CLI's `sim`) print their ready line on stderr.
    let errBuf = '';
    child.stderr?.on('data', (d: Buffer) => {
      errBuf += d.toString();
      let nl = errBuf.indexOf('\n');
      while (nl >= 0) {
        const m = ready.exec(errBuf.slice(0, nl));
        errBuf = errBuf.slice(nl + 1);
        if (m && !found) {
          found = true;
          clearTimeout(timer);
          resolve(m);
        }
        nl = errBuf.indexOf('\n');
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`${script} exited (${code ?? signal}) before ready: ${stderr}`));
    });
  });
  return { child, match };
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}
