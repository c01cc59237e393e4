import type { Writable } from 'node:stream';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Historian, StoredSample } from '../../historian/types.js';
import { statusName } from '../../model/status.js';
import type { TagRecord } from '../../model/tag.js';
import { csvField } from './csv.js';

/**
 * Export of tags' raw history over a range: CSV in the import format (`tag,ts,value,status`, so an
 * export can be imported elsewhere) or Parquet (for pandas, polars, DuckDB, Spark).
 */
async function* samples(
  h: Historian,
  tags: readonly TagRecord[],
  from: number,
  to: number,
): AsyncGenerator<[TagRecord, StoredSample]> {
  for (const tag of tags) {
    let cursor: string | undefined;
    for (;;) {
      const page = await h.raw(
        cursor === undefined
          ? { tagKey: tag.key, from, to, limit: 50_000 }
          : { tagKey: tag.key, from, to, limit: 50_000, cursor },
      );
      for (const s of page.samples) yield [tag, s];
      if (page.next === undefined) break;
      cursor = page.next;
    }
  }
}

/** Writes CSV to `out` (awaiting backpressure); returns the number of rows. */
export async function exportHistoryCsv(
  h: Historian,
  tags: readonly TagRecord[],
  from: number,
  to: number,
  out: Writable,
): Promise<number> {
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write('tag,ts,value,status,status_name\n');
  let n = 0;
  let buf = '';
  for await (const [tag, s] of samples(h, tags, from, to)) {
    buf += `${csvField(tag.id)},${new Date(s.ts).toISOString()},${csvField(s.value)},${s.status >>> 0},${statusName(s.status)}\n`;
    if (++n % 5000 === 0) {
      await write(buf);
      buf = '';
    }
  }
  if (buf !== '') await write(buf);
  return n;
}

/** The history as a Parquet file in memory: tag, ts (TIMESTAMP_MILLIS, UTC), value (double), text, status, status_name. */
export async function exportHistoryParquet(
  h: Historian,
  tags: readonly TagRecord[],
  from: number,
  to: number,
): Promise<{ bytes: Uint8Array; rows: number }> {
  const tag: string[] = [];
  const ts: Date[] = [];
  const value: (number | null)[] = [];
  const text: (string | null)[] = [];
  const status: bigint[] = [];
  const name: string[] = [];
  for await (const [t, s] of samples(h, tags, from, to)) {
    tag.push(t.id);
    ts.push(new Date(s.ts));
    value.push(typeof s.value === 'number' ? s.value : null);
    text.push(typeof s.value === 'string' ? s.value : null);
    status.push(BigInt(s.status >>> 0));
    name.push(statusName(s.status));
  }
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'tag', data: tag, type: 'STRING', nullable: false },
      { name: 'ts', data: ts, type: 'TIMESTAMP', nullable: false },
      { name: 'value', data: value, type: 'DOUBLE' },
      { name: 'text', data: text, type: 'STRING' },
      { name: 'status', data: status, type: 'INT64', nullable: false },
      { name: 'status_name', data: name, type: 'STRING', nullable: false },
    ],
    kvMetadata: [{ key: 'created_by', value: 'gotthard history export' }],
  });
  return { bytes: new Uint8Array(buf), rows: tag.length };
}
