import { DataType, type DataValue, type NotificationMessage, VariantArrayType } from 'node-opcua';
import type { SampleBatch } from '../../model/sample.js';

export { STATUS_BAD_NO_COMMUNICATION as BAD_NO_COMMUNICATION } from '../../model/status.js';

const TWO_POW_32 = 4294967296;

/**
 * Appends one DataValue to the batch. Numbers, Int64 and Boolean (1/0) and DateTime (epoch ms)
 * go in `value`; String, LocalizedText, NodeId, Guid, ByteString (base64), arrays and structures
 * (JSON) go in `text`. Timestamps: sourceTimestamp, else serverTimestamp, else `now`.
 */
export function appendDataValue(batch: SampleBatch, key: number, dv: DataValue, now: number): void {
  const server = dv.serverTimestamp ? dv.serverTimestamp.getTime() : now;
  const source = dv.sourceTimestamp ? dv.sourceTimestamp.getTime() : server;
  const status = dv.statusCode ? dv.statusCode.value >>> 0 : 0;
  const v = dv.value;
  if (v === undefined || v === null || v.dataType === DataType.Null || v.value === null || v.value === undefined) {
    batch.push(key, source, server, Number.NaN, status);
    return;
  }
  const x = v.value;
  if (v.arrayType !== VariantArrayType.Scalar) {
    batch.pushText(key, source, server, toJson(x), status);
    return;
  }
  switch (v.dataType) {
    case DataType.Double:
    case DataType.Float:
    case DataType.SByte:
    case DataType.Byte:
    case DataType.Int16:
    case DataType.UInt16:
    case DataType.Int32:
    case DataType.UInt32:
    case DataType.StatusCode:
      batch.push(key, source, server, typeof x === 'number' ? x : Number(x?.value ?? x), status);
      return;
    case DataType.Boolean:
      batch.push(key, source, server, x ? 1 : 0, status);
      return;
    case DataType.Int64:
    case DataType.UInt64: {
      if (!Array.isArray(x)) {
        batch.push(key, source, server, Number(x), status);
        return;
      }
      const exact = int64(x[0], x[1], v.dataType === DataType.Int64);
      if (typeof exact === 'number') batch.push(key, source, server, exact, status);
      else batch.pushText(key, source, server, exact, status);
      return;
    }
    case DataType.DateTime:
      batch.push(key, source, server, x instanceof Date ? x.getTime() : Number.NaN, status);
      return;
    case DataType.String:
      batch.pushText(key, source, server, x as string, status);
      return;
    case DataType.LocalizedText:
      batch.pushText(key, source, server, x.text ?? '', status);
      return;
    case DataType.ByteString:
      batch.pushText(key, source, server, Buffer.isBuffer(x) ? x.toString('base64') : String(x), status);
      return;
    case DataType.NodeId:
    case DataType.ExpandedNodeId:
    case DataType.QualifiedName:
    case DataType.Guid:
      batch.pushText(key, source, server, String(x.toString()), status);
      return;
    default:
      batch.pushText(key, source, server, toJson(x), status);
  }
}

/**
 * A 64-bit integer as node-opcua decodes it (two unsigned 32-bit words, high first, for Int64 as for
 * UInt64): a number where a double holds it exactly (|v| ≤ 2^53), else its exact decimal string, so
 * no value is silently rounded. Int64 is two's complement: [0xffffffff, 0xffffffff] is −1.
 */
export function int64(high: number, low: number, signed: boolean): number | string {
  if (signed && high >= 0x80000000) {
    // −2^53 ≤ v < 0 when the top 11 bits of the high word are all set
    if (high >= 0xffe00000) return (high - TWO_POW_32) * TWO_POW_32 + low;
  } else if (high < 0x200000) {
    return high * TWO_POW_32 + low;
  }
  const big = (BigInt(high) << 32n) | BigInt(low);
  return (signed ? BigInt.asIntN(64, big) : big).toString();
}

function toJson(x: unknown): string {
  try {
    // node-opcua decodes numeric arrays as typed arrays (Float64Array…), which JSON.stringify
    // would write as {"0":…,"1":…}; they are written as JSON arrays
    return (
      JSON.stringify(x, (_k, val) =>
        typeof val === 'bigint'
          ? val.toString()
          : ArrayBuffer.isView(val) && !(val instanceof DataView)
            ? Array.from(val as unknown as ArrayLike<number>)
            : val,
      ) ?? ''
    );
  } catch {
    return String(x);
  }
}

/** 2000-01-01: an earlier PublishTime is a null DateTime, not the server's clock. */
const MIN_PUBLISH_TIME = Date.UTC(2000, 0, 1);

/**
 * Builds the raw-notification handler of one subscription. `keys[clientHandle]` is the tag key,
 * or -1 / undefined when the handle is unknown. One batch per NotificationMessage; `publishTime` is
 * the server's clock when it sent the message (epoch ms; the time of arrival if the message has none).
 */
export function makeNotificationHandler(
  keys: Int32Array | number[] | { [handle: number]: number },
  onBatch: (batch: SampleBatch, count: number, publishTime: number) => void,
  newBatch: (capacity: number) => SampleBatch,
): (msg: NotificationMessage) => void {
  return (msg) => {
    const data = msg.notificationData;
    if (!data || data.length === 0) return;
    const now = Date.now();
    let batch: SampleBatch | undefined;
    for (const n of data) {
      if (n?.schema.name !== 'DataChangeNotification') continue;
      const items = (n as unknown as { monitoredItems?: { clientHandle: number; value: DataValue }[] }).monitoredItems;
      if (!items || items.length === 0) continue;
      if (batch === undefined) batch = newBatch(items.length);
      for (let i = 0; i < items.length; i++) {
        const it = items[i] as { clientHandle: number; value: DataValue };
        const key = (keys as number[])[it.clientHandle];
        if (key === undefined || key < 0) continue;
        appendDataValue(batch, key, it.value, now);
      }
    }
    if (batch !== undefined && batch.length > 0) {
      // node-opcua clients hand some messages over with a null PublishTime (1601-01-01): then the
      // time of arrival stands in for the server's clock.
      const published = msg.publishTime?.getTime();
      onBatch(batch, batch.length, published !== undefined && published > MIN_PUBLISH_TIME ? published : now);
    }
  };
}
