import sparkplugPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

/**
 * The Sparkplug B (spBv1.0) codec, with the Eclipse Tahu protobuf schema from the
 * `sparkplug-payload` package: shared by the MQTT source (decoding) and the UNS publisher (encoding).
 * The OPC UA StatusCode of a non-Good value travels in the metric property `statusCode` (Sparkplug B
 * has no quality field of its own).
 */
const codec = sparkplugPayload.get('spBv1.0');
if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
export const encodeSparkplug: (p: UPayload) => Uint8Array = codec.encodePayload;
export const decodeSparkplug: (b: Uint8Array) => UPayload = codec.decodePayload;
export type { UMetric, UPayload };

export const NAMESPACE = 'spBv1.0';
export const REBIRTH_METRIC = 'Node Control/Rebirth';

/** Long (from protobufjs) or number → number. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return Number(v);
}

/** Decodes the OPC UA StatusCode a metric carries (property `statusCode`), Good when absent. */
export function metricStatus(m: UMetric): number {
  const p = m.properties?.statusCode;
  return p ? toNumber(p.value) >>> 0 : 0;
}
