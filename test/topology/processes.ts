import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/net.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const MOSQUITTO = '/usr/sbin/mosquitto';

/** A child process with the tail of its stderr, for failure messages. */
export interface Proc {
  name: string;
  child: ChildProcess;
  tail(): string;
}

function track(name: string, child: ChildProcess): Proc {
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-6000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  return { name, child, tail: () => tail };
}

/** `gotthard <args>` from the sources (tsx), as CI runs the other CLI tests. */
export function gotthard(name: string, args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return track(name, child);
}

/** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
export async function stop(p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 8000): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * A private Mosquitto on its own port and persistence file, so it can be stopped without touching
 * the shared broker on 1883. `max_queued_messages 0`: a central hub's persistent session may queue
 * any number of QoS 1 messages while the hub is down (Mosquitto drops beyond 1000 by default).
 */
export class PrivateMosquitto {
  proc: Proc | undefined;
  readonly conf: string;

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.conf = join(dir, 'mosquitto.conf');
    writeFileSync(
      this.conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${dir}/`,
        'persistence_file mosquitto.db',
        'autosave_interval 5',
        'max_queued_messages 0',
        'max_inflight_messages 100',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        '',
      ].join('\n'),
    );
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!existsSync(MOSQUITTO))
      throw new Error(`${MOSQUITTO} not found: install the mosquitto package (apt-get install mosquitto)`);
    const child = spawn(MOSQUITTO, ['-c', this.conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = track('mosquitto', child);
    await waitFor(
      `mosquitto on port ${this.port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${this.proc?.tail()}`);
        return tcpOpen(this.port);
      },
      10_000,
      50,
    );
  }

  /** SIGTERM: Mosquitto writes its persistence file (sessions, subscriptions, queued messages) and exits. */
  async stop(): Promise<void> {
    await stop(this.proc, 'SIGTERM');
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
