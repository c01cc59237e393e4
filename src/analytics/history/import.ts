import type { Readable } from 'node:stream';
import { StatusCodes } from 'node-opcua-status-code';
import type { Historian } from '../../historian/types.js';
import { csvLines, MAX_LINE_BYTES, quote, splitCsvLine } from '../../model/csv.js';
import { SampleBatch } from '../../model/sample.js';
import type { TagRecord } from '../../model/tag.js';

/**
 * CSV history import: `tag id, source timestamp, value[, status]` per line, for tags that already
 * exist. Every row is validated; a bad row is reported with its line number and skipped, the rest
 * goes on. Accepted rows are written to the historian in batches and flushed before the result is
 * returned, so nothing reported as accepted is lost.
 */
export interface ImportRowError {
  line: number;
  message: string;
}

export interface ImportProgress {
  lines: number;
  accepted: number;
  rejected: number;
  bytes: number;
}

export interface ImportResult extends ImportProgress {
  /** The first `maxErrors` row errors, by line number. */
  errors: ImportRowError[];
  /** Per imported tag: first and last timestamp and row count. */
  tags: { id: string; assetPath: string; from: number; to: number; count: number }[];
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Call onProgress every this many lines. */
  progressEvery?: number;
  maxErrors?: number;
  batchSize?: number;
  now?: () => number;
  /**
   * Tags the importing principal may write (its asset scope); rows for other tags are refused
   * without looking the tag up, so the answer does not tell whether it exists. Default: all.
   */
  allows?: (tagId: string) => boolean;
  /** Longest line accepted (default 1 MiB); a longer one is skipped and reported by its length. */
  maxLineBytes?: number;
}

const STATUS_BY_NAME = new Map<string, number>();
for (const [name, sc] of Object.entries(StatusCodes)) {
  const v = (sc as { value?: number }).value;
  if (typeof v === 'number') STATUS_BY_NAME.set(name.toLowerCase(), v >>> 0);
}
STATUS_BY_NAME.set('uncertain', 0x40000000);
STATUS_BY_NAME.set('bad', 0x80000000);

function parseStatus(s: string): number | string {
  if (s === '') return 0;
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n <= 0xffffffff ? n : `status ${quote(s)} is larger than 32 bits`;
  }
  if (/^0x[0-9a-f]{1,8}$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  const byName = STATUS_BY_NAME.get(s.toLowerCase());
  return (
    byName ??
    `status ${quote(s)} is neither a StatusCode number (e.g. 0, 0x80310000) nor a name (Good, Bad, BadNoCommunication)`
  );
}

function parseTs(s: string): number | string {
  if (/^\d{10,16}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    return `timestamp ${quote(s)} is not ISO 8601 with a zone (2026-03-29T06:00:00Z or +02:00) or epoch ms`;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? `timestamp ${quote(s)} is not a valid date` : t;
}

const HEADER = /^(tag|tag_?id|tag id|id)$/i;

export async function importCsv(
  historian: Historian,
  input: Readable,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const maxErrors = opts.maxErrors ?? 1000;
  const every = opts.progressEvery ?? 50_000;
  const batchSize = opts.batchSize ?? 10_000;
  const now = opts.now ?? Date.now;
  const res: ImportResult = { lines: 0, accepted: 0, rejected: 0, bytes: 0, errors: [], tags: [] };
  const tags = new Map<string, TagRecord | null>();
  const spans = new Map<number, { id: string; assetPath: string; from: number; to: number; count: number }>();
  let batch = new SampleBatch(batchSize);
  const fail = (line: number, message: string) => {
    res.rejected++;
    if (res.errors.length < maxErrors) res.errors.push({ line, message });
  };
  try {
    for await (const item of csvLines(input, opts.maxLineBytes)) {
      const n = ++res.lines;
      res.bytes += 'tooLong' in item ? item.tooLong + 1 : item.bytes;
      if (n % every === 0)
        opts.onProgress?.({ lines: res.lines, accepted: res.accepted, rejected: res.rejected, bytes: res.bytes });
      if ('tooLong' in item) {
        // Said by its length only: the line is neither kept nor echoed.
        fail(
          n,
          `line of ${item.tooLong} bytes is longer than the limit of ${opts.maxLineBytes ?? MAX_LINE_BYTES} bytes`,
        );
        continue;
      }
      const raw = item.text;
      const line = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '' || line.startsWith('#')) continue;
      const f = splitCsvLine(line);
      if (f === undefined) {
        fail(n, 'unterminated quote');
        continue;
      }
      if (typeof f === 'string') {
        fail(n, f);
        continue;
      }
      if (res.accepted + res.rejected === 0 && HEADER.test(f[0] ?? '')) continue;
      if (f.length < 3 || f.length > 4) {
        fail(n, `expected 3 or 4 columns (tag id, source timestamp, value[, status]), got ${f.length}`);
        continue;
      }
      const [id, tsText, valueText, statusText] = f as [string, string, string, string | undefined];
      if (opts.allows && !opts.allows(id)) {
        fail(n, `tag ${quote(id, 200)} lies outside your scope; import only into tags of your assets`);
        continue;
      }
      let tag = tags.get(id);
      if (tag === undefined) {
        tag = (await historian.getTag(id)) ?? null;
        tags.set(id, tag);
      }
      if (tag === null) {
        fail(n, `unknown tag ${quote(id, 200)}: import only loads history of existing tags (see GET /api/v1/tags)`);
        continue;
      }
      const ts = parseTs(tsText);
      if (typeof ts === 'string') {
        fail(n, ts);
        continue;
      }
      const status = parseStatus(statusText ?? '');
      if (typeof status === 'string') {
        fail(n, status);
        continue;
      }
      const bad = status >>> 30 === 2;
      if (valueText === '') {
        if (!bad) {
          fail(n, 'empty value: only a Bad status may come without a value');
          continue;
        }
        batch.push(tag.key, ts, now(), Number.NaN, status);
      } else if (tag.dataType === 'String') {
        batch.pushText(tag.key, ts, now(), valueText, status);
      } else {
        let v = Number(valueText);
        if (tag.dataType === 'Boolean' && /^(true|false)$/i.test(valueText)) v = /^true$/i.test(valueText) ? 1 : 0;
        if (!Number.isFinite(v) || valueText.trim() === '') {
          fail(n, `value ${quote(valueText)} is not a number (tag ${id} is ${tag.dataType})`);
          continue;
        }
        if ((tag.dataType === 'UInt' || tag.dataType === 'Int') && !Number.isInteger(v)) {
          fail(n, `value ${quote(valueText)} is not an integer (tag ${id} is ${tag.dataType})`);
          continue;
        }
        if (tag.dataType === 'UInt' && v < 0) {
          fail(n, `value ${quote(valueText)} is negative (tag ${id} is UInt)`);
          continue;
        }
        batch.push(tag.key, ts, now(), v, status);
      }
      res.accepted++;
      const span = spans.get(tag.key);
      if (span === undefined) spans.set(tag.key, { id: tag.id, assetPath: tag.assetPath, from: ts, to: ts, count: 1 });
      else {
        span.from = Math.min(span.from, ts);
        span.to = Math.max(span.to, ts);
        span.count++;
      }
      if (batch.length >= batchSize) {
        historian.write(batch);
        batch = new SampleBatch(batchSize);
      }
    }
  } finally {
    // What was accepted is written and made durable even when the input broke off.
    historian.write(batch);
    await historian.flush();
  }
  opts.onProgress?.({ lines: res.lines, accepted: res.accepted, rejected: res.rejected, bytes: res.bytes });
  res.tags = [...spans.values()];
  return res;
}
