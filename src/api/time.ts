import { parseDuration } from '../config/types.js';
import { GotthardError } from '../errors.js';

/**
 * Parses a time in a query: ISO 8601 (`2026-11-25T10:00:00Z`), epoch milliseconds, `now`, or
 * relative to now (`now-15m`, `-15m`, `now-90d`). `param` names the query parameter in errors.
 */
export function parseTime(input: string, param: string, now = Date.now()): number {
  const s = input.trim();
  if (s === 'now') return now;
  const rel = /^(?:now)?-(.+)$/.exec(s);
  if (rel) {
    const ms = parseDuration(rel[1] as string);
    if (ms !== undefined) return now - ms;
  }
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(s)) {
    throw new GotthardError(
      'GT_BAD_REQUEST',
      `query parameter "${param}" = "${input}" is not a time; use ISO 8601 (2026-11-25T10:00:00Z), epoch ms, "now" or "now-15m"`,
    );
  }
  return t;
}

/** Parses `from` and `to` query parameters into a non-empty range `[from, to)`. */
export function parseRange(fromText: string, toText: string, now = Date.now()): { from: number; to: number } {
  const from = parseTime(fromText, 'from', now);
  const to = parseTime(toText, 'to', now);
  if (to <= from) {
    throw new GotthardError(
      'GT_BAD_REQUEST',
      `"to" (${new Date(to).toISOString()}) must be after "from" (${new Date(from).toISOString()})`,
    );
  }
  return { from, to };
}

export function parseBucket(input: string, param: string): number {
  const ms = parseDuration(input);
  if (ms === undefined || ms <= 0) {
    throw new GotthardError(
      'GT_BAD_REQUEST',
      `query parameter "${param}" = "${input}" is not a duration; use e.g. 1s, 5m, 1h`,
    );
  }
  return ms;
}
