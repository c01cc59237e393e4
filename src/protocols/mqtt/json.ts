import { z } from 'zod';
import { type Quality, qualityOf, statusName } from '../../model/status.js';
import type { TagDataType } from '../../model/tag.js';

/*
 * The JSON payload of MQTT values, both directions: what the UNS publisher writes
 * (`encodeJsonPayload`) and what the MQTT source accepts (`parseJsonValue`, a superset), in one place
 * so that an edge hub's output is always a central hub's input.
 */

/**
 * The JSON payload of one value on its UNS topic. `ts` is the source timestamp, `serverTs` the
 * server timestamp (OPC UA Part 4, 7.7), both ISO 8601 UTC; `statusCode` the full 32-bit OPC UA
 * StatusCode (Part 4, 7.39), `quality` its severity. `value` is null for "no value" (a gap marker).
 */
export interface UnsJsonPayload {
  value: number | string | boolean | null;
  unit?: string;
  ts: string;
  serverTs: string;
  quality: Quality;
  statusCode: number;
  status: string;
}

/** The topic of a tag: `<prefix>/<tag id>`, or the tag id alone. */
export function unsTopic(prefix: string, tagId: string): string {
  return prefix ? `${prefix}/${tagId}` : tagId;
}

/** One value as the publisher has it (an outbox row). */
export interface JsonRow {
  sourceTs: number;
  serverTs: number;
  value: number | null;
  text?: string | undefined;
  status: number;
}

export function encodeJsonPayload(
  row: JsonRow,
  tag: { dataType: TagDataType; unit?: string | undefined } | undefined,
): string {
  const value =
    row.text !== undefined
      ? row.text
      : row.value === null
        ? null
        : tag?.dataType === 'Boolean'
          ? row.value !== 0
          : row.value;
  const status = row.status >>> 0;
  const p: UnsJsonPayload = {
    value,
    ...(tag?.unit ? { unit: tag.unit } : {}),
    ts: new Date(row.sourceTs).toISOString(),
    serverTs: new Date(row.serverTs).toISOString(),
    quality: qualityOf(status),
    statusCode: status,
    status: statusName(status),
  };
  return JSON.stringify(p);
}

/**
 * The JSON payloads the MQTT source accepts, validated at the edge: a bare number, boolean or
 * string, or an object with `value` and optional `ts` / `timestamp` (ISO 8601 or epoch ms),
 * `serverTs`, `unit`, `statusCode` (OPC UA, 32-bit) or `quality` (Good | Uncertain | Bad). This is a
 * superset of what `uns.format: json` publishes, so edge hubs and central hubs speak the same thing.
 */
const time = z.union([z.number().finite().nonnegative(), z.iso.datetime({ offset: true })]);

export const jsonValueSchema = z.union([
  z.number().finite(),
  z.boolean(),
  z.string(),
  z
    .object({
      value: z.union([z.number().finite(), z.boolean(), z.string(), z.null()]),
      ts: time.optional(),
      timestamp: time.optional(),
      serverTs: time.optional(),
      unit: z.string().max(64).optional(),
      statusCode: z.number().int().min(0).max(0xffffffff).optional(),
      quality: z.enum(['Good', 'Uncertain', 'Bad']).optional(),
    })
    .passthrough(),
]);

export interface ParsedValue {
  value: number | string | null;
  kind: 'number' | 'boolean' | 'string' | 'null';
  sourceTs: number;
  serverTs: number;
  unit?: string | undefined;
  status: number;
}

const QUALITY_STATUS = { Good: 0, Uncertain: 0x40000000, Bad: 0x80000000 } as const;

function toMs(t: number | string | undefined): number | undefined {
  if (t === undefined) return undefined;
  return typeof t === 'number' ? t : Date.parse(t);
}

/** Parses one payload; throws an Error whose message says what was wrong. */
export function parseJsonValue(payload: Buffer, now: number): ParsedValue {
  let raw: unknown;
  const text = payload.toString('utf8');
  try {
    raw = JSON.parse(text);
  } catch {
    // A bare word is a string value only if it is not meant as JSON (e.g. `RUNNING`).
    if (text.length > 0 && text.length <= 1024 && !/^[[{"]/.test(text.trim())) raw = text;
    else throw new Error(`payload is not JSON (${text.slice(0, 40)}${text.length > 40 ? '…' : ''})`);
  }
  const r = jsonValueSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(
      `payload does not match { value, ts?, unit?, statusCode? | quality? }: ${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid'}`,
    );
  }
  const p = r.data;
  if (typeof p !== 'object') {
    return {
      value: typeof p === 'boolean' ? (p ? 1 : 0) : p,
      kind: typeof p as 'number' | 'boolean' | 'string',
      sourceTs: now,
      serverTs: now,
      status: 0,
    };
  }
  const v = p.value;
  const sourceTs = toMs(p.ts ?? p.timestamp) ?? now;
  return {
    value: typeof v === 'boolean' ? (v ? 1 : 0) : v,
    kind: v === null ? 'null' : (typeof v as 'number' | 'boolean' | 'string'),
    sourceTs,
    serverTs: toMs(p.serverTs) ?? now,
    unit: p.unit,
    status: p.statusCode ?? QUALITY_STATUS[p.quality ?? 'Good'],
  };
}
