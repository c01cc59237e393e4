import { type Quality, qualityOf, statusName } from '../model/status.js';
import type { TagDataType } from '../model/tag.js';
import type { OutboxRow } from '../pipeline/outbox/index.js';

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

export function encodeJsonPayload(
  row: OutboxRow,
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
