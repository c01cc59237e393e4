import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where test processes claim ports: one file per port, created exclusively. `node --test` runs the
 * test files in parallel processes, and a port that was free a moment ago in one of them can be taken
 * by another before its server listens (seen in CI: EADDRINUSE from the demo plant).
 */
const CLAIMS = join(tmpdir(), 'gotthard-test-ports');
/** A claim older than this belongs to a run that has ended. */
const CLAIM_TTL_MS = 30 * 60_000;

/**
 * Ports are taken below the OS's ephemeral range, which `listen(0)` and outgoing connections (to
 * PostgreSQL, Mosquitto, the demo plants) draw from, so neither can take a port between the check
 * and the server's own listen.
 */
function portRange(): [number, number] {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: keep the usual lower bound
  }
  const top = Math.min(low, 65536) - 1;
  return [Math.max(1024, top - 12_000), top];
}

function claim(port: number): boolean {
  const file = join(CLAIMS, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < CLAIM_TTL_MS) return false;
      writeFileSync(file, String(process.pid));
      return true;
    } catch {
      return false;
    }
  }
}

/** Whether a server can listen on `port` on every address (as node-opcua's does: `::`, dual stack). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port for a test server: free now, outside the ephemeral range, and claimed by this process
 * so that no other test process is handed it during this run.
 */
export async function freePort(): Promise<number> {
  mkdirSync(CLAIMS, { recursive: true });
  const [lo, hi] = portRange();
  for (let i = 0; i < 200; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (claim(port) && (await canListen(port))) return port;
  }
  throw new Error(`no free TCP port found in ${lo}–${hi} after 200 tries (claims in ${CLAIMS})`);
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes; returns the value or throws with `what`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T> | T,
  timeoutMs = 15_000,
  everyMs = 200,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
