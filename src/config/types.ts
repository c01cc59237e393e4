import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `500ms`, `1s`, `15m`, `2h`, `90d`, `1w` (or a number of milliseconds) into milliseconds. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const m = DURATION.exec(input.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/**
 * Milliseconds in the config's own duration syntax (`45s`, `2m`, `90m`, `1h`, `1500ms`): the largest
 * unit that states the value exactly, so `parseDuration(formatDuration(ms)) === ms` and a message
 * about a rule shows its durations as the rule was written (a 45 s schedule reads `every 45s`, not
 * a rounded `1 min`).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const u = UNIT_MS[unit] as number;
    if (ms >= u && ms % u === 0) return `${ms / u}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A duration in config: a number of milliseconds or a string with a unit (ms, s, m, h, d, w).
 * Parsed to milliseconds.
 */
export function duration(description: string) {
  return z
    .union([z.number().nonnegative(), z.string()])
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${String(v)}" is not a duration; write a number of milliseconds or e.g. 500ms, 1s, 15m, 2h, 90d`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .describe(description);
}

/** A secret string: never logged, never returned by the API. Marked in the JSON Schema with `x-secret`. */
export function secret(description: string) {
  return z.string().min(1).describe(description).meta({ 'x-secret': true });
}
