import { hostname } from 'node:os';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { GotthardError } from '../../errors.js';
import { SampleBatch } from '../../model/sample.js';
import { STATUS_BAD_NO_COMMUNICATION } from '../../model/status.js';
import { type TagDataType, type TagDefinition, toSegment } from '../../model/tag.js';
import type { Source, SourceContext, SourceHealth } from '../../pipeline/types.js';
import {
  connectionTarget,
  decodeSparkplug,
  encodeSparkplug,
  parseJsonValue,
  REBIRTH_METRIC,
  redactUrl,
  type UMetric,
} from '../../protocols/mqtt/index.js';
import { type Link, Supervisor } from '../../runtime/index.js';
import type { MqttSourceConfig } from './config.js';
import {
  type MetricInfo,
  metricSample,
  metricStatus,
  metricTagId,
  metricUnit,
  parseSparkplugTopic,
  type SparkplugTopic,
  toNumber,
} from './sparkplug.js';

/** The MQTT part of a source's health. */
export type MqttHealthDetails = {
  format: 'json' | 'sparkplug';
  /** Topic filters subscribed. */
  subscriptions: number;
  session: 'persistent' | 'clean';
  tls: boolean;
  authentication: 'ClientCertificate' | 'UserName' | 'Anonymous';
  sharedGroup?: string;
};

export interface MqttSourceDeps {
  logger: Logger;
}

/** One received value, before its tag has a key. */
interface InboxRow {
  tagId: string;
  topic: string;
  dataType: TagDataType;
  unit: string | undefined;
  sourceTs: number;
  serverTs: number;
  value: number;
  text?: string | undefined;
  status: number;
}

interface NodeState {
  bdSeq?: number;
  expectedSeq?: number;
  /** device id ('' = the node itself) → alias → metric; also name → metric. */
  devices: Map<string, { byAlias: Map<number, MetricInfo>; byName: Map<string, MetricInfo> }>;
  lastRebirthRequest: number;
}

const SPB_TYPE: Partial<Record<UMetric['type'], TagDataType>> = {
  Boolean: 'Boolean',
  String: 'String',
  Text: 'String',
  UUID: 'String',
  DateTime: 'DateTime',
  Float: 'Float',
  Double: 'Double',
  Int8: 'Int',
  Int16: 'Int',
  Int32: 'Int',
  Int64: 'Int',
  UInt8: 'UInt',
  UInt16: 'UInt',
  UInt32: 'UInt',
  UInt64: 'UInt',
};

const FLUSH_MS = 100;
const CONNECT_TIMEOUT_MS = 10_000;
const REBIRTH_EVERY_MS = 5000;
/** After a failed durable flush, held PUBACKs wait this long before the next attempt. */
const ACK_RETRY_MS = 1000;

/**
 * mqtt.js 5.x sends a QoS 1 PUBACK through this private method right after the `message` event
 * (lib/handlers/publish.js), with `done` continuing the packet pump. It has no public manual-ack API
 * (mqttjs/MQTT.js#691): `handleMessage` delays the pump with the ack, one message at a time.
 */
interface PacketSender {
  _sendPacket(packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]): void;
}

/** A PUBACK owed to the broker: message id and the connection it arrived on. */
interface HeldAck {
  messageId: number;
  conn: number;
}

export function createMqttSource(config: MqttSourceConfig, deps: MqttSourceDeps): Source {
  return new MqttSource(config, deps);
}

/**
 * An MQTT subscription source for devices and edge hubs that already publish: JSON (topic = tag
 * id) or Sparkplug B. Payloads are validated at the edge; a malformed message is counted, logged
 * and reported as a `message.rejected` event (at most one event per 10 s) and never stops the others.
 * Tags register on first sight (unit from the JSON payload or the Sparkplug birth).
 *
 * Central hubs: with `sharedGroup`, data topics are subscribed as `$share/<group>/<filter>` (MQTT 5
 * and Mosquitto/EMQX/HiveMQ for 3.1.1), so each message goes to one hub of the group; Sparkplug
 * births/deaths are subscribed unshared, so every hub knows every alias.
 *
 * The connection belongs to the runtime's `Supervisor` (this class is its connector): mqtt.js's own
 * reconnection is off (`reconnectPeriod: 0`), the supervisor reconnects with backoff, and with
 * `session: persistent` (fixed client id, clean session off) the broker queues QoS 1 messages
 * while the hub is away. Every packet from the broker is a contact; the MQTT keep-alive is
 * liveness/2, so an idle but healthy connection still answers a PINGREQ within the liveness time.
 * A lost connection writes BadNoCommunication gap markers at the last contact.
 *
 * Acknowledgement (QoS 1): a PUBACK is sent only after the values of that message were handed to
 * the sink and `sink.flush()` made them durable — the runtime decides when a message is done, not
 * receipt. Acks go out in receive order (MQTT 3.1.1, 4.6.0-2), in batches of whatever arrived during
 * the previous flush (the broker's in-flight window bounds a batch). A hub killed before the flush
 * acked nothing, so the broker redelivers to it or another hub of the group; acks owed on a
 * connection that dropped are discarded (the broker resends those messages on the next session).
 */
class MqttSource implements Source {
  readonly kind = 'mqtt';
  readonly name: string;
  private ctx: SourceContext | undefined;
  private readonly log: Logger;
  private client: MqttClient | undefined;
  private link: Link | undefined;
  private readonly supervisor: Supervisor;
  private stopped = false;
  private readonly keys = new Map<string, number>();
  private readonly units = new Map<string, string | undefined>();
  private inbox: InboxRow[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private flushTimer: NodeJS.Timeout | undefined;
  /** PUBACKs held until the values are durable, in receive order. */
  private acks: HeldAck[] = [];
  /** Connection generation: bumped on every close, so acks of an old connection are never sent. */
  private conn = 0;
  private sendAck: ((messageId: number) => void) | undefined;
  private ackRetryAt = 0;
  private readonly nodes = new Map<string, NodeState>();
  private rejectedMessages = 0;
  private rejectedSinceEvent = 0;
  private lastRejectEventAt = 0;
  constructor(
    readonly config: MqttSourceConfig,
    deps: MqttSourceDeps,
  ) {
    this.name = config.name;
    this.log = deps.logger;
    this.supervisor = new Supervisor({
      name: this.name,
      peer: `MQTT broker ${redactUrl(config.broker.url)}`,
      connector: { connect: (link) => this.open(link), close: () => this.close() },
      reconnect: config.reconnect,
      liveness: config.liveness,
      connectTimeout: CONNECT_TIMEOUT_MS,
      log: this.log,
    });
  }

  get marksGaps(): boolean {
    const g = this.config.gapMarkers;
    return g === 'always' || (g === 'auto' && this.config.sharedGroup === undefined);
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    this.flushTimer = setInterval(() => {
      if (this.inbox.length > 0 || (this.acks.length > 0 && Date.now() >= this.ackRetryAt)) void this.flush();
    }, FLUSH_MS);
    this.flushTimer.unref();
    await this.supervisor.start({
      events: ctx.events,
      ...(this.marksGaps ? { gaps: { sink: ctx.sink, keys: () => [...this.keys.values()] } } : {}),
    });
  }

  /** The connector's `connect`: one MQTT connection, subscribed. */
  private open(link: Link): Promise<void> {
    const c = this.config;
    const target = connectionTarget(c.broker, `sources[${c.name}].broker`);
    const options: IClientOptions = {
      ...target.options,
      clientId: c.clientId ?? `gotthard-${c.name}-${toSegment(hostname()) || 'hub'}`,
      clean: c.session === 'clean',
      // the supervisor reconnects; mqtt.js must not run a second loop of its own
      reconnectPeriod: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      keepalive: c.liveness > 0 ? Math.max(1, Math.floor(c.liveness / 2000)) : 30,
      protocolVersion: 4,
      resubscribe: false,
    };
    const client = mqtt.connect(target.url, options);
    this.client = client;
    this.link = link;
    if (c.qos === 1) this.holdAcks(client);
    client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet.retain, packet.qos));
    client.on('packetreceive', () => link.contact());
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      client.once('connect', () => {
        this.onConnect(client).then(
          () => {
            opened = true;
            resolve();
          },
          (err: Error) => reject(err),
        );
      });
      client.on('error', (err) => {
        this.log.debug({ err: err.message }, 'MQTT source connection error');
        if (!opened) reject(err);
        else link.error(err.message);
      });
      client.on('close', () => {
        // acks owed on this connection are void: the broker resends those messages on the next session
        this.conn++;
        if (!opened) reject(new Error('connection closed by the broker'));
        else link.lost('broker connection closed');
      });
    });
  }

  /** The connector's `close`: ends the client (a clean DISCONNECT when the broker answers). */
  private async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.link = undefined;
    if (!client) return;
    await Promise.race([client.endAsync(), new Promise((r) => setTimeout(r, 1000).unref())]).catch(() => undefined);
    client.end(true);
  }

  /** Takes over QoS 1 PUBACKs: they are recorded here and sent by `doFlush` once durable. */
  private holdAcks(client: MqttClient): void {
    const priv = client as unknown as PacketSender;
    const send = priv._sendPacket;
    if (typeof send !== 'function') {
      throw new GotthardError(
        'GT_INTERNAL',
        `sources[${this.name}]: this mqtt.js version has no _sendPacket, so PUBACKs cannot wait for the historian; pin mqtt 5.x`,
      );
    }
    priv._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined) {
        // Not acked at all after stop: the broker redelivers on the next session.
        if (!this.stopped) this.acks.push({ messageId: packet.messageId, conn: this.conn });
        cb?.();
        return;
      }
      send.call(client, packet, cb, ...rest);
    };
    this.sendAck = (messageId) => send.call(client, { cmd: 'puback', messageId });
  }

  private async onConnect(client: MqttClient): Promise<void> {
    const c = this.config;
    const filters = c.topics ?? (c.format === 'sparkplug' ? ['spBv1.0/#'] : ['#']);
    const share = (f: string) => (c.sharedGroup ? `$share/${c.sharedGroup}/${f}` : f);
    const subs: Record<string, { qos: 0 | 1 }> = {};
    for (const f of filters) {
      if (c.format === 'sparkplug' && c.sharedGroup) {
        // Data is shared; births and deaths go to every hub so each one knows the aliases.
        const group = f.split('/')[1] ?? '+';
        for (const t of ['NBIRTH', 'DBIRTH', 'NDEATH', 'DDEATH']) subs[`spBv1.0/${group}/${t}/#`] = { qos: c.qos };
        subs[share(`spBv1.0/${group}/NDATA/#`)] = { qos: c.qos };
        subs[share(`spBv1.0/${group}/DDATA/#`)] = { qos: c.qos };
      } else {
        subs[share(f)] = { qos: c.qos };
      }
    }
    let refusedMessage: string | undefined;
    try {
      const granted = await client.subscribeAsync(subs);
      const refused = granted.filter((g) => g.qos === 128);
      if (refused.length > 0) {
        refusedMessage = `broker refused subscription(s): ${refused.map((g) => g.topic).join(', ')}`;
        this.log.error(refusedMessage);
      }
    } catch (err) {
      throw new Error(`subscribe failed: ${(err as Error).message}`);
    }
    // after the supervisor marked the connection up (which clears lastError)
    if (refusedMessage) setImmediate(() => this.supervisor.error(refusedMessage));
    this.log.info({ url: redactUrl(c.broker.url), topics: Object.keys(subs) }, 'MQTT source subscribed');
    if (c.format === 'sparkplug') {
      // Ask nodes we know for a rebirth: aliases may have changed while we were away.
      for (const key of this.nodes.keys()) {
        const [group, node] = key.split('/') as [string, string];
        this.requestRebirth({ group, node, type: 'NCMD' }, 'reconnected');
      }
    }
  }

  private reject(topic: string, reason: string): void {
    this.rejectedMessages++;
    this.rejectedSinceEvent++;
    this.supervisor.error(`${topic}: ${reason}`);
    this.log.warn({ topic, reason }, 'MQTT message rejected');
    const now = Date.now();
    if (now - this.lastRejectEventAt >= 10_000) {
      this.lastRejectEventAt = now;
      this.ctx?.events.emit({
        ts: now,
        kind: 'message.rejected',
        severity: 'warning',
        source: this.name,
        message: `${this.rejectedSinceEvent} MQTT message(s) rejected; last on ${topic}: ${reason}`,
        details: { topic, reason, count: this.rejectedSinceEvent },
      });
      this.rejectedSinceEvent = 0;
    }
  }

  private onMessage(topic: string, payload: Buffer, retained: boolean, qos: number): void {
    if (this.stopped) return;
    try {
      if (this.config.format === 'json') this.onJson(topic, payload, retained);
      else this.onSparkplug(topic, payload);
    } catch (err) {
      this.reject(topic, err instanceof Error ? err.message : String(err));
    }
    // Its PUBACK is recorded right after this returns; flush soon so the broker's in-flight window
    // (Mosquitto: 20 messages by default) does not stall delivery for a whole timer period.
    if (qos > 0 && this.sendAck !== undefined && Date.now() >= this.ackRetryAt) void this.flush();
  }

  private topicTagId(topic: string): string {
    const prefix = this.config.topicPrefix;
    let rest = topic;
    if (prefix) {
      if (!topic.startsWith(`${prefix}/`)) throw new Error(`topic is not below the prefix "${prefix}"`);
      rest = topic.slice(prefix.length + 1);
    }
    const segs = rest.split('/').map((s) => toSegment(s));
    if (segs.length < 2 || segs.some((s) => s.length === 0)) {
      throw new Error('topic does not make a tag id (need at least two non-empty levels: asset/measurement)');
    }
    return segs.join('/');
  }

  private onJson(topic: string, payload: Buffer, _retained: boolean): void {
    // An empty retained message clears a retained value; it is not a value.
    if (payload.length === 0) return;
    const tagId = this.topicTagId(topic);
    const now = Date.now();
    const p = parseJsonValue(payload, now);
    const dataType: TagDataType = p.kind === 'boolean' ? 'Boolean' : p.kind === 'string' ? 'String' : 'Double';
    this.push({
      tagId,
      topic,
      dataType,
      unit: p.unit,
      sourceTs: p.sourceTs,
      serverTs: p.serverTs,
      value: typeof p.value === 'number' ? p.value : Number.NaN,
      text: typeof p.value === 'string' ? p.value : undefined,
      status: p.status,
    });
  }

  private nodeState(t: SparkplugTopic): NodeState {
    const key = `${t.group}/${t.node}`;
    let s = this.nodes.get(key);
    if (!s) {
      s = { devices: new Map(), lastRebirthRequest: 0 };
      this.nodes.set(key, s);
    }
    return s;
  }

  private requestRebirth(t: SparkplugTopic, why: string): void {
    const s = this.nodeState(t);
    const now = Date.now();
    if (now - s.lastRebirthRequest < REBIRTH_EVERY_MS || !this.client?.connected) return;
    s.lastRebirthRequest = now;
    this.log.info({ group: t.group, node: t.node, why }, 'requesting Sparkplug rebirth');
    const payload = encodeSparkplug({
      timestamp: now,
      metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }],
    });
    this.client.publish(`spBv1.0/${t.group}/NCMD/${t.node}`, Buffer.from(payload), { qos: 0 });
  }

  private onSparkplug(topic: string, payload: Buffer): void {
    const t = parseSparkplugTopic(topic);
    if (!t) throw new Error('not a spBv1.0 topic (spBv1.0/<group>/<type>/<node>[/<device>])');
    if (t.type === 'STATE' || t.type === 'NCMD' || t.type === 'DCMD') return;
    let p: ReturnType<typeof decodeSparkplug>;
    try {
      p = decodeSparkplug(payload);
    } catch (err) {
      throw new Error(`not a Sparkplug B payload: ${(err as Error).message}`);
    }
    const node = this.nodeState(t);
    const seq = p.seq === undefined || p.seq === null ? undefined : toNumber(p.seq);
    const now = Date.now();
    const payloadTs = p.timestamp === undefined || p.timestamp === null ? now : toNumber(p.timestamp);
    const metrics = p.metrics ?? [];
    const deviceKey = t.device ?? '';

    if (t.type === 'NDEATH' || t.type === 'DDEATH') {
      if (t.type === 'NDEATH') {
        const bd = metrics.find((m) => m.name === 'bdSeq');
        if (bd && node.bdSeq !== undefined && toNumber(bd.value) !== node.bdSeq) return; // a stale will
      }
      const devices =
        t.type === 'NDEATH' ? [...node.devices.values()] : [node.devices.get(deviceKey)].filter((d) => d !== undefined);
      if (this.marksGaps) {
        for (const d of devices) {
          for (const m of d.byName.values()) {
            this.push({
              tagId: m.tagId,
              topic,
              dataType: SPB_TYPE[m.type] ?? 'Double',
              unit: m.unit,
              sourceTs: payloadTs,
              serverTs: now,
              value: Number.NaN,
              status: STATUS_BAD_NO_COMMUNICATION,
            });
          }
        }
      }
      if (t.type === 'NDEATH') {
        node.devices.clear();
        node.expectedSeq = undefined;
      } else node.devices.delete(deviceKey);
      return;
    }

    // Sequence check (Sparkplug B: one seq counter per edge node, 0–255). Shared subscriptions
    // split the stream across hubs, so only births are checked there.
    if (seq !== undefined && !this.config.sharedGroup && t.type !== 'NBIRTH') {
      if (node.expectedSeq !== undefined && seq !== node.expectedSeq) {
        this.log.warn(
          { group: t.group, node: t.node, expected: node.expectedSeq, got: seq },
          'Sparkplug seq gap: messages lost',
        );
        this.requestRebirth(t, 'seq gap');
      }
    }
    if (seq !== undefined) node.expectedSeq = (seq + 1) % 256;

    const isBirth = t.type === 'NBIRTH' || t.type === 'DBIRTH';
    if (t.type === 'NBIRTH') {
      node.devices.clear();
      const bd = metrics.find((m) => m.name === 'bdSeq');
      node.bdSeq = bd ? toNumber(bd.value) : undefined;
    }
    if (isBirth) node.devices.set(deviceKey, { byAlias: new Map(), byName: new Map() });
    const device = node.devices.get(deviceKey);
    if (!device) {
      this.requestRebirth(t, `${t.type} before a birth`);
      throw new Error(`${t.type} for ${t.device ?? t.node} without a birth certificate; rebirth requested`);
    }
    let unknown = 0;
    for (const m of metrics) {
      if (m.name === 'bdSeq' || m.name?.startsWith('Node Control/') || m.name?.startsWith('Properties/')) continue;
      let info: MetricInfo | undefined;
      if (isBirth) {
        const tagId = metricTagId(t, m);
        if (!tagId) {
          this.reject(topic, `metric "${m.name ?? m.alias}" does not make a tag id`);
          continue;
        }
        info = { tagId, type: m.type, unit: metricUnit(m) };
        if (m.alias !== undefined && m.alias !== null) device.byAlias.set(toNumber(m.alias), info);
        if (m.name) device.byName.set(m.name, info);
        if (m.value === null || m.value === undefined) continue; // announced, no value yet
      } else {
        info =
          m.alias !== undefined && m.alias !== null
            ? device.byAlias.get(toNumber(m.alias))
            : m.name
              ? device.byName.get(m.name)
              : undefined;
        if (!info) {
          unknown++;
          continue;
        }
      }
      try {
        const s = metricSample(m, info.type);
        this.push({
          tagId: info.tagId,
          topic,
          dataType: SPB_TYPE[info.type] ?? 'Double',
          unit: info.unit,
          sourceTs: m.timestamp === undefined || m.timestamp === null ? payloadTs : toNumber(m.timestamp),
          serverTs: now,
          value: s.value,
          text: s.text,
          status: metricStatus(m),
        });
      } catch (err) {
        this.reject(topic, `metric ${info.tagId}: ${(err as Error).message}`);
      }
    }
    if (unknown > 0) {
      this.requestRebirth(t, 'unknown alias');
      throw new Error(`${unknown} metric(s) with an alias or name the birth did not announce; rebirth requested`);
    }
  }

  private push(r: InboxRow): void {
    this.inbox.push(r);
    this.link?.received(1);
    if (this.inbox.length >= 5000) void this.flush();
  }

  /** Queues one flush after the running one; calls while one is queued join it. */
  private flush(): Promise<void> {
    if (this.flushQueued) return this.flushing;
    this.flushQueued = true;
    this.flushing = this.flushing
      .then(() => {
        this.flushQueued = false;
        return this.doFlush();
      })
      .catch((err: unknown) => {
        this.log.error({ err }, 'MQTT source flush failed');
      });
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    // The acks recorded so far belong to messages already in the inbox (the `message` event comes first).
    const acks = this.acks;
    this.acks = [];
    await this.handOver(ctx);
    if (acks.length === 0) return;
    try {
      await ctx.sink.flush();
    } catch (err) {
      // Not durable: the acks wait (and the broker holds back once its in-flight window is full).
      this.acks = acks.concat(this.acks);
      this.ackRetryAt = Date.now() + ACK_RETRY_MS;
      this.supervisor.error(`values not yet durable, ${this.acks.length} PUBACK(s) held: ${(err as Error).message}`);
      this.log.warn({ err: (err as Error).message, held: this.acks.length }, 'sink flush failed; PUBACKs held');
      return;
    }
    this.ackRetryAt = 0;
    const client = this.client;
    if (!client?.connected || this.sendAck === undefined) return;
    for (const a of acks) if (a.conn === this.conn) this.sendAck(a.messageId);
  }

  /** Registers new tags and writes the inbox to the sink. */
  private async handOver(ctx: SourceContext): Promise<void> {
    if (this.inbox.length === 0) return;
    const rows = this.inbox;
    this.inbox = [];
    const defs = new Map<string, TagDefinition>();
    for (const r of rows) {
      const known = this.keys.has(r.tagId);
      const unitChanged = r.unit !== undefined && this.units.get(r.tagId) !== r.unit;
      if ((!known || unitChanged) && !defs.has(r.tagId)) defs.set(r.tagId, this.tagDef(r));
    }
    if (defs.size > 0) {
      const list = [...defs.values()];
      try {
        const keys = await ctx.catalog.register(list);
        list.forEach((d, i) => {
          this.keys.set(d.id, keys[i] as number);
          this.units.set(d.id, d.unit);
        });
      } catch (err) {
        this.log.error({ err, tags: list.length }, 'tag registration failed; their values are dropped');
        ctx.events.emit({
          ts: Date.now(),
          kind: 'tag.rejected',
          severity: 'error',
          source: this.name,
          message: `${list.length} tag(s) could not be registered: ${(err as Error).message}`,
        });
      }
    }
    const batch = new SampleBatch(rows.length);
    for (const r of rows) {
      const key = this.keys.get(r.tagId);
      if (key === undefined) continue;
      if (r.text !== undefined) batch.pushText(key, r.sourceTs, r.serverTs, r.text, r.status);
      else batch.push(key, r.sourceTs, r.serverTs, r.value, r.status);
    }
    if (batch.length > 0) ctx.sink.write(batch);
  }

  private tagDef(r: InboxRow): TagDefinition {
    const segs = r.tagId.split('/');
    const depth = Math.min(this.config.assetDepth, segs.length - 1);
    return {
      id: r.tagId,
      assetPath: segs.slice(0, depth).join('/'),
      name: segs.slice(depth).join('/'),
      dataType: r.dataType,
      unit: r.unit ?? this.units.get(r.tagId),
      lineage: { source: this.name, endpoint: redactUrl(this.config.broker.url), nodeId: r.topic },
      ...(this.config.retentionClass ? { retentionClass: this.config.retentionClass } : {}),
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    // What was received is handed on and made durable, then acknowledged, before the disconnect.
    this.ackRetryAt = 0;
    await this.flush();
    await this.supervisor.stop();
  }

  health(): SourceHealth<MqttHealthDetails> {
    const c = this.config;
    const tls = /^(mqtts|wss):/.test(c.broker.url);
    return {
      name: this.name,
      kind: this.kind,
      endpoint: redactUrl(c.broker.url),
      ...this.supervisor.health(),
      tags: this.keys.size,
      rejectedTags: this.rejectedMessages,
      details: {
        format: c.format,
        subscriptions: (c.topics ?? ['#']).length,
        session: c.session,
        tls,
        authentication: c.broker.certFile ? 'ClientCertificate' : c.broker.username ? 'UserName' : 'Anonymous',
        ...(c.sharedGroup ? { sharedGroup: c.sharedGroup } : {}),
      },
    };
  }
}
