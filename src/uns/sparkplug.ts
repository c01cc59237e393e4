import type { TagDataType, TagRecord } from '../model/tag.js';
import type { OutboxRow } from '../pipeline/outbox/index.js';
import {
  decodeSparkplug,
  encodeSparkplug,
  metricStatus,
  SPARKPLUG_NAMESPACE as NAMESPACE,
  REBIRTH_METRIC,
  toNumber,
  type UMetric,
  type UPayload,
} from '../protocols/mqtt/index.js';

export {
  decodeSparkplug,
  encodeSparkplug,
  metricStatus,
  NAMESPACE,
  REBIRTH_METRIC,
  toNumber,
  type UMetric,
  type UPayload,
};

/**
 * Sparkplug B (spBv1.0) encoding for the UNS publisher, with the Eclipse Tahu protobuf schema from
 * the `sparkplug-payload` package. Mapping: group id = enterprise/site, edge node id = this hub,
 * device id = the machine asset below enterprise/site (segments joined by `:`), metric name = the
 * rest of the tag id (`bearing/temperature`). Each metric's birth carries the properties `unsPath`
 * (the full tag id), `engUnit` and `dataType`, so a consumer can rebuild the UNS without config.
 * Non-Good values carry the OPC UA StatusCode in the property `statusCode` (Sparkplug B has no
 * quality field of its own).
 */
const SPARKPLUG_TYPE: Record<TagDataType, UMetric['type']> = {
  Double: 'Double',
  Float: 'Float',
  Int: 'Int64',
  UInt: 'UInt64',
  Boolean: 'Boolean',
  String: 'String',
  DateTime: 'DateTime',
};

export function sparkplugType(t: TagDataType): UMetric['type'] {
  return SPARKPLUG_TYPE[t];
}

/** Splits a tag into Sparkplug device id and metric name. */
export function deviceAndMetric(tag: Pick<TagRecord, 'id' | 'assetPath'>): { deviceId: string; metric: string } {
  const asset = tag.assetPath.split('/');
  const below = asset.length > 2 ? asset.slice(2) : asset;
  const metric = tag.id.startsWith(`${tag.assetPath}/`) ? tag.id.slice(tag.assetPath.length + 1) : tag.id;
  return { deviceId: below.join(':'), metric };
}

function metricValue(row: Pick<OutboxRow, 'value' | 'text'>, type: UMetric['type']): UMetric['value'] {
  if (row.text !== undefined) return row.text;
  if (row.value === null) return null;
  if (type === 'Boolean') return row.value !== 0;
  if (type === 'Int64' || type === 'UInt64' || type === 'DateTime') return Math.trunc(row.value);
  return row.value;
}

type TagMeta = Pick<TagRecord, 'id' | 'assetPath' | 'dataType' | 'unit'>;

/**
 * The state of one edge node session: bdSeq (per MQTT connect, 0–255), seq (per message, 0–255,
 * NBIRTH = 0), aliases (stable per metric for the life of the process) and which metrics each
 * device has announced in its DBIRTH (a new metric forces a new DBIRTH; DDATA may only carry
 * metrics the birth announced). Pure: it builds topics and payloads, the publisher sends them.
 */
export class SparkplugEdgeNode {
  private bdSeq = -1;
  private seq = 0;
  private nextAlias = 1;
  private readonly aliases = new Map<string, number>();
  /** deviceId → metric tag ids announced in its last DBIRTH. */
  private readonly born = new Map<string, Set<string>>();
  /** Last value per tag id, for births. */
  private readonly last = new Map<string, OutboxRow>();

  constructor(
    readonly groupId: string,
    readonly edgeNodeId: string,
  ) {}

  topic(type: 'NBIRTH' | 'NDEATH' | 'NCMD' | 'DBIRTH' | 'DDATA' | 'DDEATH', deviceId?: string): string {
    const base = `${NAMESPACE}/${this.groupId}/${type}/${this.edgeNodeId}`;
    return deviceId === undefined ? base : `${base}/${deviceId}`;
  }

  /** A new MQTT session: next bdSeq, and the NDEATH will that carries it (Sparkplug B tck: QoS 1, not retained). */
  newSession(): { bdSeq: number; will: { topic: string; payload: Buffer; qos: 1; retain: false } } {
    this.bdSeq = (this.bdSeq + 1) % 256;
    this.born.clear();
    return {
      bdSeq: this.bdSeq,
      will: { topic: this.topic('NDEATH'), payload: this.ndeathPayload(), qos: 1, retain: false },
    };
  }

  ndeathPayload(): Buffer {
    return Buffer.from(
      encodeSparkplug({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: this.bdSeq }] }),
    );
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) % 256;
    return s;
  }

  /** NBIRTH: seq restarts at 0; carries bdSeq and the rebirth control. Call before any DBIRTH. */
  nbirth(): { topic: string; payload: Buffer } {
    this.seq = 0;
    this.born.clear();
    const payload = encodeSparkplug({
      timestamp: Date.now(),
      seq: this.nextSeq(),
      metrics: [
        { name: 'bdSeq', type: 'UInt64', value: this.bdSeq },
        { name: REBIRTH_METRIC, type: 'Boolean', value: false },
      ],
    });
    return { topic: this.topic('NBIRTH'), payload: Buffer.from(payload) };
  }

  alias(tagId: string): number {
    let a = this.aliases.get(tagId);
    if (a === undefined) {
      a = this.nextAlias++;
      this.aliases.set(tagId, a);
    }
    return a;
  }

  /** Does this device's birth announce every one of these tags? */
  isBorn(deviceId: string, tagIds: Iterable<string>): boolean {
    const set = this.born.get(deviceId);
    if (!set) return false;
    for (const t of tagIds) if (!set.has(t)) return false;
    return true;
  }

  /** DBIRTH of a device with all its metrics (names, aliases, types, properties, last values). */
  dbirth(
    deviceId: string,
    tags: readonly TagMeta[],
    pending: ReadonlyMap<string, OutboxRow>,
  ): { topic: string; payload: Buffer } {
    const now = Date.now();
    const metrics: UMetric[] = tags.map((t) => {
      const type = sparkplugType(t.dataType);
      const row = this.last.get(t.id) ?? pending.get(t.id);
      const m: UMetric = {
        name: deviceAndMetric(t).metric,
        alias: this.alias(t.id),
        type,
        value: row ? metricValue(row, type) : null,
        timestamp: row ? row.sourceTs : now,
        properties: {
          unsPath: { type: 'String', value: t.id },
          dataType: { type: 'String', value: t.dataType },
          ...(t.unit ? { engUnit: { type: 'String', value: t.unit } } : {}),
          ...(row && row.status !== 0 ? { statusCode: { type: 'UInt32', value: row.status >>> 0 } } : {}),
        },
      };
      return m;
    });
    this.born.set(deviceId, new Set(tags.map((t) => t.id)));
    const payload = encodeSparkplug({ timestamp: now, seq: this.nextSeq(), metrics });
    return { topic: this.topic('DBIRTH', deviceId), payload: Buffer.from(payload) };
  }

  /** DDATA of one device: metrics by alias, in row order, each with its source timestamp. */
  ddata(
    deviceId: string,
    rows: readonly OutboxRow[],
    meta: (tagId: string) => TagMeta,
    historical: (row: OutboxRow) => boolean,
  ): { topic: string; payload: Buffer } {
    const metrics: UMetric[] = rows.map((r) => {
      const type = sparkplugType(meta(r.tag).dataType);
      const m: UMetric = { alias: this.alias(r.tag), type, value: metricValue(r, type), timestamp: r.sourceTs };
      if (historical(r)) m.isHistorical = true;
      if (r.status !== 0) m.properties = { statusCode: { type: 'UInt32', value: r.status >>> 0 } };
      this.last.set(r.tag, r);
      return m;
    });
    const payload = encodeSparkplug({ timestamp: Date.now(), seq: this.nextSeq(), metrics });
    return { topic: this.topic('DDATA', deviceId), payload: Buffer.from(payload) };
  }

  /** Is this NCMD payload a rebirth request (`Node Control/Rebirth` = true)? */
  static isRebirth(payload: Buffer): boolean {
    try {
      const p = decodeSparkplug(payload);
      return (p.metrics ?? []).some((m) => m.name === REBIRTH_METRIC && m.value === true);
    } catch {
      return false;
    }
  }
}
