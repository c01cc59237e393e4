import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { SampleBatch } from '../model/sample.js';
import type { TagRecord } from '../model/tag.js';
import {
  type Delivery,
  Forwarder,
  Outbox,
  type OutboxRow,
  type QueuedRow,
  type SinkHealth,
} from '../pipeline/outbox/index.js';
import type { EventSink, Sink } from '../pipeline/types.js';
import { type Link, Supervisor } from '../runtime/index.js';
import type { DataGovernance } from '../security/types.js';
import type { UnsConfig } from './config.js';
import { type BrokerTarget, redactUrl } from './connection.js';
import { encodeJsonPayload, unsTopic } from './json.js';
import { deviceAndMetric, SparkplugEdgeNode } from './sparkplug.js';

/** Where the publisher learns tag ids, units and data types from numeric keys (the historian). */
export interface TagDirectory {
  listTags(): Promise<TagRecord[]>;
}

export interface UnsPublisherOptions {
  config: UnsConfig;
  /** MQTT client id and Sparkplug edge node id. */
  nodeId: string;
  /** Sparkplug group id (resolved from the asset model when not configured). */
  groupId: string;
  target: BrokerTarget;
  /** SQLite file of the store-and-forward queue. */
  outboxPath: string;
  tags: TagDirectory;
  events?: EventSink;
  logger: Logger;
  /** How often accepted values are moved to the disk queue. */
  persistIntervalMs?: number;
  /**
   * Data governance: tags that may not leave the hub through `mqtt:<name>` (confidential or
   * restricted, no allow rule) are never queued, published, or named in a Sparkplug birth.
   */
  governance?: DataGovernance;
}

type TagMeta = Pick<TagRecord, 'id' | 'assetPath' | 'dataType' | 'unit'>;

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The UNS publisher, a `Sink`: every value goes to MQTT under its ISA-95 path, as JSON or as
 * Sparkplug B. `write` only queues the batch in memory; every `persistIntervalMs` the values go to
 * the disk-backed outbox (store-and-forward), and a `Forwarder` drains the outbox into the broker in
 * order, removing values only once the broker acknowledged them. The publisher owns the broker
 * connection through the runtime's `Supervisor` (this class is its connector): one fresh MQTT
 * session per connect (so each Sparkplug session has its own bdSeq and death certificate), jittered
 * exponential backoff between attempts and the liveness check owned by the supervisor, never a sleep.
 */
export class UnsPublisher implements Sink {
  readonly name = 'uns';
  private readonly cfg: UnsConfig;
  private readonly log: Logger;
  private outbox: Outbox | undefined;
  private forwarder: Forwarder | undefined;
  private pending: SampleBatch[] = [];
  private persisting: Promise<void> = Promise.resolve();
  private persistTimer: NodeJS.Timeout | undefined;
  private client: MqttClient | undefined;
  private readonly supervisor: Supervisor;
  private stopped = false;
  private byKey = new Map<number, TagMeta>();
  private byId = new Map<string, TagMeta>();
  /** Keys of tags governance keeps inside the hub. */
  private withheld = new Set<number>();
  private unresolved = 0;
  private readonly spb: SparkplugEdgeNode | undefined;
  /** Serialises Sparkplug births and data: seq numbers must go out in the order they were assigned. */
  private spbLock: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: UnsPublisherOptions) {
    this.cfg = opts.config;
    this.log = opts.logger;
    this.spb = this.cfg.format === 'sparkplug' ? new SparkplugEdgeNode(opts.groupId, opts.nodeId) : undefined;
    this.supervisor = new Supervisor({
      name: this.name,
      peer: `UNS broker ${redactUrl(opts.target.url)}`,
      role: 'sink',
      connector: { connect: (link) => this.open(link), close: () => this.disconnect() },
      reconnect: this.cfg.reconnect,
      liveness: this.cfg.liveness,
      connectTimeout: CONNECT_TIMEOUT_MS,
      note: {
        lost: () => 'values are kept in the outbox until it returns',
        restored: () => `replaying ${this.outbox?.queued ?? 0} queued values`,
        details: () => ({ queued: this.outbox?.queued }),
      },
      log: this.log,
    });
  }

  /** Opens the outbox (replaying what an earlier run left) and connects in the background. */
  async start(): Promise<void> {
    this.outbox = new Outbox({
      path: this.opts.outboxPath,
      maxRows: this.cfg.outbox.maxRows,
      overflow: this.cfg.outbox.overflow,
      logger: this.log,
      onOverflow: (dropped, total) =>
        this.opts.events?.emit({
          ts: Date.now(),
          kind: 'outbox.overflow',
          severity: 'warning',
          message: `UNS outbox full (${this.cfg.outbox.maxRows} values): ${dropped} values discarded (${this.cfg.outbox.overflow}), ${total} in all; raise uns.outbox.maxRows or restore the broker`,
          details: { sink: this.name, dropped, totalDropped: total, policy: this.cfg.outbox.overflow },
        }),
    });
    this.forwarder = new Forwarder(this.outbox, { batchRows: this.cfg.outbox.batchRows, log: this.log });
    await this.refreshTags();
    this.persistTimer = setInterval(() => {
      if (this.pending.length > 0) void this.persist();
    }, this.opts.persistIntervalMs ?? 100);
    this.persistTimer.unref();
    // connects in the background: start must not wait for a broker that is down
    void this.supervisor.start({ ...(this.opts.events ? { events: this.opts.events } : {}) });
  }

  write(batch: SampleBatch): void {
    if (this.stopped || batch.length === 0) return;
    this.pending.push(batch);
  }

  /** Makes every accepted value durable in the outbox. */
  flush(): Promise<void> {
    return this.persist();
  }

  /** Resolves when everything accepted so far has been delivered (or the broker is unreachable). */
  async drained(): Promise<void> {
    await this.persist();
    await this.forwarder?.idle();
  }

  health(): SinkHealth {
    const stats = this.outbox?.stats() ?? {
      queued: 0,
      maxRows: this.cfg.outbox.maxRows,
      overflow: this.cfg.outbox.overflow,
      appended: 0,
      delivered: 0,
      dropped: 0,
      diskBytes: 0,
    };
    // Accepted values wait up to persistIntervalMs in memory before the outbox has them: they are
    // queued too, or a reader that sees `queued: 0` could stop the hub with values not yet sent.
    let accepted = 0;
    for (const b of this.pending) accepted += b.length;
    return {
      name: this.name,
      kind: this.cfg.format === 'sparkplug' ? 'mqtt-sparkplug' : 'mqtt-json',
      target: redactUrl(this.opts.target.url),
      state: this.stopped ? 'stopped' : this.supervisor.connected ? 'connected' : 'disconnected',
      ...stats,
      queued: stats.queued + accepted,
      lastDeliveredAt: this.forwarder?.lastDeliveredAt,
      lastError: this.supervisor.health().lastError ?? this.forwarder?.lastError,
    };
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    await this.persist();
    this.stopped = true;
    if (this.persistTimer) clearInterval(this.persistTimer);
    this.forwarder?.stop();
    const client = this.client;
    if (client && this.spb && client.connected) {
      // An intentional disconnect sends the death certificate itself (the will is only for a lost connection).
      const timeout = new Promise<void>((r) => setTimeout(r, 1500).unref());
      await Promise.race([
        client.publishAsync(this.spb.topic('NDEATH'), this.spb.ndeathPayload(), { qos: 1 }),
        timeout,
      ]).catch(() => undefined);
    }
    await this.supervisor.stop();
    await this.spbLock.catch(() => undefined);
    this.outbox?.close();
  }

  /** The connector's `close`: detaches the forwarder and ends the client. */
  private async disconnect(): Promise<void> {
    this.forwarder?.detach();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await Promise.race([client.endAsync(), new Promise<void>((r) => setTimeout(r, 1500).unref())]).catch(
      () => undefined,
    );
    client.end(true);
  }

  private persist(): Promise<void> {
    this.persisting = this.persisting
      .then(() => this.doPersist())
      .catch((err: unknown) => {
        this.log.error({ err }, 'UNS outbox append failed');
      });
    return this.persisting;
  }

  private async doPersist(): Promise<void> {
    const outbox = this.outbox;
    if (!outbox || this.pending.length === 0) return;
    const batches = this.pending;
    this.pending = [];
    if (batches.some((b) => hasUnknownKey(b, this.byKey, this.withheld))) await this.refreshTags();
    const rows: OutboxRow[] = [];
    for (const b of batches) {
      for (let i = 0; i < b.length; i++) {
        // Classification keeps these tags inside the hub (docs/governance.md).
        if (this.withheld.has(b.tagKey[i] as number)) continue;
        const tag = this.byKey.get(b.tagKey[i] as number);
        if (!tag) {
          this.unresolved++;
          if (this.unresolved === 1 || this.unresolved % 1000 === 0) {
            this.log.error(
              { tagKey: b.tagKey[i], unresolved: this.unresolved },
              'value of an unregistered tag key not published',
            );
          }
          continue;
        }
        const v = b.valueAt(i);
        rows.push({
          tag: tag.id,
          sourceTs: b.sourceTs[i] as number,
          serverTs: b.serverTs[i] as number,
          value: typeof v === 'number' ? v : null,
          text: typeof v === 'string' ? v : undefined,
          status: b.status[i] as number,
        });
      }
    }
    outbox.append(rows);
    this.forwarder?.kick();
  }

  private async refreshTags(): Promise<void> {
    const tags = await this.opts.tags.listTags();
    const governance = this.opts.governance;
    for (const t of tags) {
      if (governance && !governance.mayLeave(t.id, `mqtt:${this.name}`)) {
        if (!this.withheld.has(t.key)) this.log.info({ tag: t.id }, 'tag withheld from the UNS by data governance');
        this.withheld.add(t.key);
        continue;
      }
      const meta: TagMeta = { id: t.id, assetPath: t.assetPath, dataType: t.dataType, unit: t.unit };
      this.byKey.set(t.key, meta);
      this.byId.set(t.id, meta);
    }
  }

  private meta(tagId: string): TagMeta {
    return (
      this.byId.get(tagId) ?? { id: tagId, assetPath: tagId.split('/').slice(0, -1).join('/'), dataType: 'Double' }
    );
  }

  /** The connector's `connect`: one MQTT session; resolves once births are out and the forwarder is attached. */
  private open(link: Link): Promise<void> {
    const { url, options } = this.opts.target;
    const clientOptions: IClientOptions = {
      ...options,
      clientId: `gotthard-${this.opts.nodeId}`,
      clean: true,
      // the supervisor reconnects; mqtt.js must not run a second loop of its own
      reconnectPeriod: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      keepalive: this.cfg.liveness > 0 ? Math.max(1, Math.floor(this.cfg.liveness / 2000)) : 30,
      protocolVersion: 4,
    };
    if (this.spb) clientOptions.will = this.spb.newSession().will;
    const client = mqtt.connect(url, clientOptions);
    this.client = client;
    let onClosed: (err: Error) => void = () => undefined;
    const closedP = new Promise<never>((_, reject) => {
      onClosed = reject;
    });
    closedP.catch(() => undefined);
    // every packet from the broker (PUBACK, PINGRESP, NCMD) is a sign of life
    client.on('packetreceive', () => link.contact());
    client.on('message', (topic, payload) => {
      if (this.spb && topic === this.spb.topic('NCMD') && SparkplugEdgeNode.isRebirth(payload)) {
        this.log.info('Sparkplug rebirth requested (NCMD Node Control/Rebirth)');
        void this.withSpbLock(() => this.births(client)).catch((err: unknown) =>
          this.log.warn({ err }, 'Sparkplug rebirth failed'),
        );
      }
    });
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      client.once('connect', () => {
        this.onConnect(client, closedP).then(
          () => {
            opened = true;
            resolve();
          },
          (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
        );
      });
      client.on('error', (err) => {
        this.log.debug({ err: err.message }, 'UNS broker connection error');
        if (!opened) reject(err);
        else link.error(err.message);
      });
      client.on('close', () => {
        onClosed(new Error('broker connection closed'));
        this.forwarder?.detach();
        if (!opened) reject(new Error('broker connection closed'));
        else link.lost('broker connection closed');
      });
    });
  }

  private async onConnect(client: MqttClient, closedP: Promise<never>): Promise<void> {
    const outbox = this.outbox;
    if (!outbox || this.stopped) return;
    if (this.spb) {
      await Promise.race([client.subscribeAsync(this.spb.topic('NCMD'), { qos: 1 }), closedP]);
      await this.refreshTags();
      await this.withSpbLock(() => this.births(client));
    }
    // Rows queued before this session are replayed backlog: Sparkplug flags them `is_historical`.
    const backlogMark = outbox.lastSeq();
    this.log.info({ url: redactUrl(this.opts.target.url), queued: outbox.queued }, 'UNS broker connected');
    const delivery: Delivery = this.spb
      ? { deliver: (rows) => this.withSpbLock(() => this.deliverSparkplug(client, rows, closedP, backlogMark)) }
      : { deliver: (rows) => this.deliverJson(client, rows, closedP) };
    this.forwarder?.attach(delivery);
  }

  private async deliverJson(
    client: MqttClient,
    rows: readonly QueuedRow[],
    closedP: Promise<never>,
  ): Promise<number[]> {
    const acked: number[] = [];
    const opts = { qos: this.cfg.qos, retain: this.cfg.retain };
    const sends = rows.map((r) =>
      client
        .publishAsync(unsTopic(this.cfg.topicPrefix, r.tag), encodeJsonPayload(r, this.byId.get(r.tag)), opts)
        .then(() => {
          acked.push(r.seq);
        }),
    );
    const settled = await Promise.race([Promise.allSettled(sends), closedP]);
    const failed = settled.find((s) => s.status === 'rejected');
    if (acked.length === 0 && failed) throw failed.reason;
    return acked;
  }

  private withSpbLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.spbLock.then(fn, fn);
    this.spbLock = run.catch(() => undefined);
    return run;
  }

  /** NBIRTH, then a DBIRTH for every device with known tags. */
  private async births(client: MqttClient): Promise<void> {
    const spb = this.spb;
    if (!spb) return;
    const qos = this.cfg.qos;
    const sends: Promise<unknown>[] = [];
    const nb = spb.nbirth();
    sends.push(client.publishAsync(nb.topic, nb.payload, { qos }));
    for (const [deviceId, tags] of this.devices()) {
      const db = spb.dbirth(deviceId, tags, new Map());
      sends.push(client.publishAsync(db.topic, db.payload, { qos }));
    }
    await Promise.all(sends);
  }

  private devices(extra: readonly TagMeta[] = []): Map<string, TagMeta[]> {
    const out = new Map<string, TagMeta[]>();
    const seen = new Set<string>();
    for (const t of [...this.byId.values(), ...extra]) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      const { deviceId } = deviceAndMetric(t);
      let list = out.get(deviceId);
      if (!list) {
        list = [];
        out.set(deviceId, list);
      }
      list.push(t);
    }
    return out;
  }

  private async deliverSparkplug(
    client: MqttClient,
    rows: readonly QueuedRow[],
    closedP: Promise<never>,
    backlogMark: number,
  ): Promise<number[]> {
    const spb = this.spb as SparkplugEdgeNode;
    const qos = this.cfg.qos;
    const byDevice = new Map<string, QueuedRow[]>();
    for (const r of rows) {
      const { deviceId } = deviceAndMetric(this.meta(r.tag));
      let list = byDevice.get(deviceId);
      if (!list) {
        list = [];
        byDevice.set(deviceId, list);
      }
      list.push(r);
    }
    const acked: number[] = [];
    const sends: Promise<unknown>[] = [];
    for (const [deviceId, list] of byDevice) {
      const tagIds = new Set(list.map((r) => r.tag));
      if (!spb.isBorn(deviceId, tagIds)) {
        // A metric the last DBIRTH did not announce: announce the device again before its data.
        const extra = [...tagIds].map((id) => this.meta(id));
        const first = new Map<string, OutboxRow>();
        for (const r of list) if (!first.has(r.tag)) first.set(r.tag, r);
        const db = spb.dbirth(deviceId, this.devices(extra).get(deviceId) ?? extra, first);
        sends.push(client.publishAsync(db.topic, db.payload, { qos }));
      }
      const dd = spb.ddata(
        deviceId,
        list,
        (id) => this.meta(id),
        (r) => (r as QueuedRow).seq <= backlogMark,
      );
      sends.push(
        client.publishAsync(dd.topic, dd.payload, { qos }).then(() => {
          for (const r of list) acked.push(r.seq);
        }),
      );
    }
    const settled = await Promise.race([Promise.allSettled(sends), closedP]);
    const failed = settled.find((s) => s.status === 'rejected');
    if (acked.length === 0 && failed) throw failed.reason;
    return acked;
  }
}

function hasUnknownKey(b: SampleBatch, known: ReadonlyMap<number, unknown>, withheld: ReadonlySet<number>): boolean {
  for (let i = 0; i < b.length; i++) {
    const k = b.tagKey[i] as number;
    if (!known.has(k) && !withheld.has(k)) return true;
  }
  return false;
}
