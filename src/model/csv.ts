import type { Readable } from 'node:stream';

/**
 * The one CSV module: every CSV the hub writes (history, trend, dataset, audit and KPI exports)
 * goes through `csvCell`, every CSV it reads through `csvLines` and `splitCsvLine`.
 *
 * Writing: RFC 4180 quoting, plus the OWASP "CSV injection" rule: a text cell that starts with
 * `=`, `+`, `-`, `@`, tab or carriage return is a formula to a spreadsheet (`=HYPERLINK(...)` from a
 * tag name, unit or string value would run on opening), so it is prefixed with `'` and quoted.
 * Numbers are written as numbers: a negative value stays `-3.5`, since a number cell is not a
 * formula and must stay numeric for whoever reads the file.
 * (https://owasp.org/www-community/attacks/CSV_Injection)
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (FORMULA_START.test(v)) return `"'${v.replace(/"/g, '""')}"`;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV row (no line end). */
export function csvRow(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/** Longest field read by default (a tag id, a timestamp, a value or a status). */
export const MAX_FIELD_CHARS = 64 * 1024;

/**
 * Splits one CSV line (RFC 4180 quoting; a quoted field cannot span lines here: history rows are
 * one line each). Returns undefined for an unterminated quote, and a string saying what is wrong
 * when a field is longer than `maxField` characters.
 */
export function splitCsvLine(line: string, maxField = MAX_FIELD_CHARS): string[] | undefined | string {
  const out: string[] = [];
  let i = 0;
  const push = (s: string): boolean => {
    if (s.length > maxField) return false;
    out.push(s);
    return true;
  };
  const tooLong = () => `field ${out.length + 1} is longer than ${maxField} characters`;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (!push(s)) return tooLong();
    } else {
      const c = line.indexOf(',', i);
      if (!push((c < 0 ? line.slice(i) : line.slice(i, c)).trim())) return tooLong();
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    if (line[i] !== ',') return undefined;
    i++;
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

/** A line of input, or the length of one that was too long (its text is never kept). */
export type CsvLine = { text: string; bytes: number } | { tooLong: number };

/** Longest line read by default. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * The lines of a byte stream (LF or CRLF), each at most `maxLineBytes`: a longer line is skipped
 * as it streams by and reported by its length only, so memory stays bounded by the limit whatever
 * the input (a 100 MB line once grew the process by 224 MB and came back in the error reply).
 */
export async function* csvLines(input: Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<CsvLine> {
  let parts: Buffer[] = [];
  let held = 0;
  let skipping = 0; // bytes of an over-long line seen so far (0: not skipping)
  const finish = (): CsvLine => {
    if (skipping > 0) {
      const n = skipping;
      skipping = 0;
      return { tooLong: n };
    }
    const buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, held);
    parts = [];
    held = 0;
    const end = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
    return { text: buf.toString('utf8', 0, end), bytes: buf.length + 1 };
  };
  for await (const chunk of input) {
    const b: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    let start = 0;
    for (;;) {
      const nl = b.indexOf(0x0a, start);
      const piece = nl < 0 ? b.subarray(start) : b.subarray(start, nl);
      if (skipping > 0) skipping += piece.length;
      else if (held + piece.length > maxLineBytes) {
        skipping = held + piece.length;
        parts = [];
        held = 0;
      } else if (piece.length > 0) {
        parts.push(Buffer.from(piece));
        held += piece.length;
      }
      if (nl < 0) break;
      yield finish();
      start = nl + 1;
    }
  }
  if (skipping > 0 || held > 0) yield finish();
}

/** A short quote of untrusted input for an error message (JSON escapes control characters). */
export function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
