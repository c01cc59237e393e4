import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { createSqliteHistorian, type Historian } from '../../src/historian/index.js';
import { SampleBatch } from '../../src/model/sample.js';
import type { TagDefinition } from '../../src/model/tag.js';
import { freePort, waitFor } from '../helpers/net.js';

export const silent = pino({ level: process.env.GOTTHARD_TEST_LOG ?? 'silent' });
export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

export function def(id: string, extra: Partial<TagDefinition> = {}): TagDefinition {
  return {
    id,
    assetPath: id.split('/').slice(0, -2).join('/'),
    name: id.split('/').pop() ?? id,
    dataType: 'Double',
    lineage: { source: 'test', endpoint: 'test://', nodeId: id },
    ...extra,
  };
}

export async function openHistorian(dir: string): Promise<Historian> {
  mkdirSync(dir, { recursive: true });
  const h = createSqliteHistorian({ path: join(dir, 'historian.db'), flushIntervalMs: 50, logger: silent });
  await h.open();
  return h;
}

export function batchOf(rows: [key: number, ts: number, value: number | string, status?: number][]): SampleBatch {
  const b = new SampleBatch(rows.length);
  for (const [k, ts, v, st] of rows) {
    if (typeof v === 'string') b.pushText(k, ts, ts + 1, v, st ?? 0);
    else b.push(k, ts, ts + 1, v, st ?? 0);
  }
  return b;
}

/** A plain mqtt.js subscriber that records every message (the independent side of a round trip). */
export async function recorder(
  url: string,
  filters: string[],
  opts: mqtt.IClientOptions = {},
): Promise<{ client: MqttClient; messages: { topic: string; payload: Buffer; retain: boolean }[] }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, ...opts });
  const messages: { topic: string; payload: Buffer; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain }));
  await client.subscribeAsync(filters, { qos: 1 });
  return { client, messages };
}

/** A separate Mosquitto process on a free port, for outage tests (stop = the broker is gone). */
export class MosquittoProcess {
  private proc: ChildProcess | undefined;
  port = 0;

  constructor(private readonly dir: string) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(port?: number): Promise<void> {
    this.port = port ?? this.port ?? 0;
    if (!this.port) this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    const conf = join(this.dir, `mosquitto-${this.port}.conf`);
    // Persistence keeps subscribers' sessions (and their queued QoS 1 messages) across a restart.
    writeFileSync(
      conf,
      `listener ${this.port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${this.dir}/\nmax_queued_messages 0\n`,
    );
    this.proc = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
    await waitFor(
      'mosquitto to listen',
      async () => {
        try {
          const c = await mqtt.connectAsync(this.url, { reconnectPeriod: 0, connectTimeout: 500 });
          await c.endAsync();
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      100,
    );
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }
}
