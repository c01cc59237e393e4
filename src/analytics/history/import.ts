import type { Readable } from 'node:stream';
import { StatusCodes } from 'node-opcua-status-code';
import type { Historian } from '../../historian/types.js';
import { csvLines, MAX_LINE_BYTES, quote, splitCsvLine } from '../../model/csv.js';
import { SampleBatch } from '../../model/sample.js';
import type { TagRecord } from '../../model/tag.js';

/**
 * CSV history import: `tag id, source timestamp, value[, status]` per line, for tags that already
 * exist. Every row is validated; a bad row is reported with its line number and skipped, the rest
 * goes on. Each valid row is compared with what is stored at its (tag, source timestamp):
 * - `accepted`: nothing stored there, the row is stored;
 * - `unchanged`: the same value and status are stored there (an import run twice);
 * - `conflicting`: a different value or status is stored; the stored one is kept (the historian keeps
 *   the first value at a timestamp) unless the import runs in `correct` mode, where the row replaces
 *   it (`corrected`) through `Historian.correct`; `onCorrecting` receives old and new value first.
 * Rows are written in batches and flushed before the result is returned, so nothing reported as
 * accepted or corrected is lost.
 */
export interface ImportRowError {
  line: number;
  message: string;
}

export interface ImportProgress {
  lines: number;
  accepted: number;
  unchanged: number;
  conflicting: number;
  corrected: number;
  rejected: number;
  bytes: number;
}

/** A value with its StatusCode; `value` null = no value (Bad rows). */
export interface ImportValue {
  value: number | string | null;
  status: number;
}

/** A row whose value differs from the stored one at its (tag, source timestamp). */
export interface ImportConflict {
  line: number;
  tag: string;
  ts: number;
  stored: ImportValue;
  imported: ImportValue;
}

export interface ImportResult extends ImportProgress {
  /** The first `maxErrors` row errors, by line number. */
  errors: ImportRowError[];
  /** The first `maxRows` line numbers of each kind of valid row. */
  rows: { accepted: number[]; unchanged: number[]; conflicting: number[]; corrected: number[] };
  /** The first `maxRows` conflicts (insert mode) or corrections (correct mode), old and new value. */
  conflicts: ImportConflict[];
  /** Per imported tag: first and last timestamp and count of accepted and corrected rows. */
  tags: { id: string; assetPath: string; from: number; to: number; count: number }[];
}

/** `insert` keeps stored values (conflicts are reported); `correct` replaces them. */
export type ImportMode = 'insert' | 'correct';

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  /** Call onProgress every this many lines. */
  progressEvery?: number;
  maxErrors?: number;
  /** Line numbers listed per kind of row, and conflicts detailed, at most (default 100). */
  maxRows?: number;
  batchSize?: number;
  mode?: ImportMode;
  /**
   * Correct mode: the replacements of a batch, before they are applied (write-ahead, for the audit
   * trail: no value is replaced without its entry; a throw stops the import before this batch's).
   */
  onCorrecting?: (corrections: readonly ImportConflict[]) => void;
  /** Correct mode: the replacements announced by `onCorrecting` could not be applied (then the import throws). */
  onCorrectionFailed?: (corrections: readonly ImportConflict[], err: Error) => void;
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

interface ParsedRow {
  line: number;
  tag: TagRecord;
  ts: number;
  value: number | string | null;
  status: number;
}

function sameValue(a: ImportValue, b: ImportValue): boolean {
  if (a.status >>> 0 !== b.status >>> 0) return false;
  const x = typeof a.value === 'number' && Number.isNaN(a.value) ? null : a.value;
  const y = typeof b.value === 'number' && Number.isNaN(b.value) ? null : b.value;
  return x === y;
}

/** What is stored at the given timestamps of one tag (only those), read from the range they span. */
async function storedAt(historian: Historian, key: number, wanted: Set<number>): Promise<Map<number, ImportValue>> {
  const found = new Map<number, ImportValue>();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const ts of wanted) {
    if (ts < lo) lo = ts;
    if (ts > hi) hi = ts;
  }
  // Rows newer than the tag's newest value (the usual back-fill of an empty range) need no read.
  const [latest] = await historian.latest([key]);
  if (latest === undefined || latest.ts < lo) return found;
  let cursor: string | undefined;
  do {
    const page = await historian.raw({ tagKey: key, from: lo, to: hi + 1, limit: 10_000, cursor });
    for (const s of page.samples) {
      if (wanted.has(s.ts) && !found.has(s.ts)) found.set(s.ts, { value: s.value, status: s.status });
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return found;
}

export async function importCsv(
  historian: Historian,
  input: Readable,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const maxErrors = opts.maxErrors ?? 1000;
  const maxRows = opts.maxRows ?? 100;
  const every = opts.progressEvery ?? 50_000;
  const batchSize = opts.batchSize ?? 10_000;
  const now = opts.now ?? Date.now;
  const correct = opts.mode === 'correct';
  const res: ImportResult = {
    lines: 0,
    accepted: 0,
    unchanged: 0,
    conflicting: 0,
    corrected: 0,
    rejected: 0,
    bytes: 0,
    errors: [],
    rows: { accepted: [], unchanged: [], conflicting: [], corrected: [] },
    conflicts: [],
    tags: [],
  };
  const progress = (): ImportProgress => ({
    lines: res.lines,
    accepted: res.accepted,
    unchanged: res.unchanged,
    conflicting: res.conflicting,
    corrected: res.corrected,
    rejected: res.rejected,
    bytes: res.bytes,
  });
  const tags = new Map<string, TagRecord | null>();
  const spans = new Map<number, { id: string; assetPath: string; from: number; to: number; count: number }>();
  let pending: ParsedRow[] = [];
  const fail = (line: number, message: string) => {
    res.rejected++;
    if (res.errors.length < maxErrors) res.errors.push({ line, message });
  };
  const note = (kind: keyof ImportResult['rows'], line: number) => {
    if (res.rows[kind].length < maxRows) res.rows[kind].push(line);
  };
  const span = (tag: TagRecord, ts: number) => {
    const sp = spans.get(tag.key);
    if (sp === undefined) spans.set(tag.key, { id: tag.id, assetPath: tag.assetPath, from: ts, to: ts, count: 1 });
    else {
      sp.from = Math.min(sp.from, ts);
      sp.to = Math.max(sp.to, ts);
      sp.count++;
    }
  };

  /** Classifies a batch against the store (and the batch itself), stores new rows, applies corrections. */
  const settle = async (rows: ParsedRow[]) => {
    if (rows.length === 0) return;
    const byTag = new Map<number, Set<number>>();
    for (const r of rows) {
      const set = byTag.get(r.tag.key) ?? new Set<number>();
      byTag.set(r.tag.key, set);
      set.add(r.ts);
    }
    const known = new Map<number, Map<number, ImportValue>>();
    for (const [key, wanted] of byTag) known.set(key, await storedAt(historian, key, wanted));
    const batch = new SampleBatch(rows.length);
    const corrections: ImportConflict[] = [];
    for (const r of rows) {
      const k = known.get(r.tag.key) as Map<number, ImportValue>;
      const stored = k.get(r.ts);
      const imported: ImportValue = { value: r.value, status: r.status };
      if (stored === undefined) {
        if (typeof r.value === 'string') batch.pushText(r.tag.key, r.ts, now(), r.value, r.status);
        else batch.push(r.tag.key, r.ts, now(), r.value ?? Number.NaN, r.status);
        k.set(r.ts, imported); // a later row of the file at the same timestamp compares with this one
        res.accepted++;
        note('accepted', r.line);
        span(r.tag, r.ts);
      } else if (sameValue(stored, imported)) {
        res.unchanged++;
        note('unchanged', r.line);
      } else {
        const c: ImportConflict = { line: r.line, tag: r.tag.id, ts: r.ts, stored, imported };
        if (res.conflicts.length < maxRows) res.conflicts.push(c);
        if (correct) {
          corrections.push(c);
          k.set(r.ts, imported);
          res.corrected++;
          note('corrected', r.line);
          span(r.tag, r.ts);
        } else {
          res.conflicting++;
          note('conflicting', r.line);
        }
      }
    }
    historian.write(batch);
    await historian.flush();
    if (corrections.length > 0) {
      const keyOf = new Map(rows.map((r) => [r.tag.id, r.tag.key]));
      opts.onCorrecting?.(corrections);
      try {
        await historian.correct(
          corrections.map((c) => ({
            tagKey: keyOf.get(c.tag) as number,
            ts: c.ts,
            serverTs: now(),
            value: c.imported.value,
            status: c.imported.status,
          })),
        );
      } catch (err) {
        opts.onCorrectionFailed?.(corrections, err as Error);
        throw err;
      }
    }
  };

  let valid = 0;
  try {
    for await (const item of csvLines(input, opts.maxLineBytes)) {
      const n = ++res.lines;
      res.bytes += 'tooLong' in item ? item.tooLong + 1 : item.bytes;
      if (n % every === 0) opts.onProgress?.(progress());
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
      if (valid + res.rejected === 0 && HEADER.test(f[0] ?? '')) continue;
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
        fail(
          n,
          `unknown tag ${quote(id, 200)}: import only loads history of existing tags (see GET /api/v1/tags); declare a tag of a machine without a connection under \`imports\` in the config`,
        );
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
      let value: number | string | null;
      if (valueText === '') {
        if (!bad) {
          fail(n, 'empty value: only a Bad status may come without a value');
          continue;
        }
        value = null;
      } else if (tag.dataType === 'String') {
        value = valueText;
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
        value = v;
      }
      valid++;
      pending.push({ line: n, tag, ts, value, status });
      if (pending.length >= batchSize) {
        const rows = pending;
        pending = [];
        await settle(rows);
      }
    }
  } finally {
    // What was read before the input broke off is classified, stored and made durable.
    await settle(pending);
    await historian.flush();
  }
  opts.onProgress?.(progress());
  res.tags = [...spans.values()];
  return res;
}

/** Corrections per audit entry: every replacement is audited, and no entry grows without bound. */
export const CORRECTIONS_PER_AUDIT_ENTRY = 200;

/**
 * The audit entries of one batch of corrections (`history.correct`), each listing at most
 * `CORRECTIONS_PER_AUDIT_ENTRY` replacements with tag, timestamp, CSV line, old and new value and
 * status. Plain records, appended by the caller to its audit trail (src/security/audit): outcome `ok`
 * before the replacements are applied, and `failed` (with `failure`) if applying them then failed.
 */
export function correctionAuditRecords(
  corrections: readonly ImportConflict[],
  source: string,
  failure?: Error,
): { action: string; target: string; outcome: 'ok' | 'failed'; reason?: string; details: Record<string, unknown> }[] {
  const out: ReturnType<typeof correctionAuditRecords> = [];
  for (let i = 0; i < corrections.length; i += CORRECTIONS_PER_AUDIT_ENTRY) {
    const part = corrections.slice(i, i + CORRECTIONS_PER_AUDIT_ENTRY);
    out.push({
      action: 'history.correct',
      target: part.length === 1 ? (part[0] as ImportConflict).tag : `${new Set(part.map((c) => c.tag)).size} tags`,
      outcome: failure === undefined ? 'ok' : 'failed',
      ...(failure === undefined ? {} : { reason: `not applied: ${failure.message}` }),
      details: {
        source,
        count: part.length,
        corrections: part.map((c) => ({
          tag: c.tag,
          ts: new Date(c.ts).toISOString(),
          line: c.line,
          old: c.stored,
          new: c.imported,
        })),
      },
    });
  }
  return out;
}
