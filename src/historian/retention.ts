import { GotthardError } from '../errors.js';
import type { RetentionRule } from './types.js';

/** Checks retention rules (every engine accepts the same ones) and returns a private copy. */
export function validatedRetention(rules: readonly RetentionRule[]): RetentionRule[] {
  for (const r of rules) {
    if (!(r.maxAgeMs > 0)) {
      throw new GotthardError('GT_CONFIG_INVALID', `retention class '${r.class}': maxAgeMs must be > 0`);
    }
  }
  return rules.map((r) => ({ ...r }));
}
