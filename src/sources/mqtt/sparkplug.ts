import { toSegment } from '../../model/tag.js';
import { metricStatus, toNumber, type UMetric } from '../../protocols/mqtt/index.js';

/** A Sparkplug B topic: `spBv1.0/<group>/<type>/<edge node>[/<device>]`. */
export interface SparkplugTopic {
  group: string;
  type: string;
  node: string;
  device?: string;
}

export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  const p = topic.split('/');
  if (p[0] !== 'spBv1.0' || p.length < 4 || p.length > 5) return undefined;
  return { group: p[1] as string, type: p[2] as string, node: p[3] as string, device: p[4] };
}

export interface MetricInfo {
  tagId: string;
  type: UMetric['type'];
  unit?: string | undefined;
}

const UNS_PATH = /^[a-z0-9_-]+(\/[a-z0-9_-]+)+$/;

/**
 * The tag id of a metric: its `unsPath` property when a Gotthard edge hub published it (validated),
 * else `<group>/<node>/<device segments>/<metric name segments>` made of UNS segments (`:` and `/`
 * separate levels, CamelCase becomes snake_case).
 */
export function metricTagId(t: SparkplugTopic, m: UMetric): string | undefined {
  const declared = m.properties?.unsPath?.value;
  if (typeof declared === 'string' && UNS_PATH.test(declared)) return declared;
  if (!m.name) return undefined;
  const parts = [t.group, t.node, ...(t.device ? t.device.split(/[:/]/) : []), ...m.name.split('/')]
    .map((s) => toSegment(s))
    .filter((s) => s.length > 0);
  return parts.length >= 2 ? parts.join('/') : undefined;
}

export function metricUnit(m: UMetric): string | undefined {
  const u = m.properties?.engUnit?.value ?? m.properties?.EngUnit?.value ?? m.properties?.engUnits?.value;
  return typeof u === 'string' && u.length > 0 ? u : undefined;
}

/** A metric value as a sample: number (booleans 1/0, Int64 and DateTime as numbers), text, or none. */
export function metricSample(
  m: UMetric,
  type: UMetric['type'],
): { value: number; text?: string; kind: 'number' | 'boolean' | 'string' | 'null' } {
  const v = m.value;
  if (v === null || v === undefined || m.isNull) return { value: Number.NaN, kind: 'null' };
  if (typeof v === 'boolean') return { value: v ? 1 : 0, kind: 'boolean' };
  if (typeof v === 'string') return { value: Number.NaN, text: v, kind: 'string' };
  if (typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'object' && 'toNumber' in v)) {
    return { value: toNumber(v), kind: type === 'Boolean' ? 'boolean' : 'number' };
  }
  throw new Error(`metric type ${type} is not supported (only scalar numbers, booleans and strings)`);
}

export { metricStatus, toNumber };
