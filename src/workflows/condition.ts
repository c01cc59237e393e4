/**
 * One trigger condition of one rule for one asset: fires once when the condition has held for the
 * minimum duration, and re-arms only after it has cleared (hysteresis). Time is the values' source
 * time; the engine's tick steps a held condition with the wall clock, because a value reported by
 * exception may not change again while it stays above a threshold.
 */
export type ConditionPhase = 'idle' | 'pending' | 'fired';

export class Condition {
  phase: ConditionPhase = 'idle';
  since = 0;

  constructor(private readonly holdMs: number) {}

  /**
   * `active`: the condition is true now. `clearable`: it is false past the hysteresis band.
   * Returns `fire` once per episode, `clear` when a fired episode ends.
   */
  step(ts: number, active: boolean, clearable: boolean): 'fire' | 'clear' | undefined {
    switch (this.phase) {
      case 'idle':
        if (!active) return undefined;
        this.phase = 'pending';
        this.since = ts;
        return this.holdMs <= 0 ? this.fired() : undefined;
      case 'pending':
        if (!active) {
          this.phase = 'idle';
          return undefined;
        }
        return ts - this.since >= this.holdMs ? this.fired() : undefined;
      case 'fired':
        if (!clearable) return undefined;
        this.phase = 'idle';
        return 'clear';
    }
  }

  private fired(): 'fire' {
    this.phase = 'fired';
    return 'fire';
  }
}

/** Active / clearable for a threshold with hysteresis (`clear` defaults to the threshold). */
export function thresholdState(
  t: { above?: number | undefined; below?: number | undefined; clear?: number | undefined },
  v: number,
): { active: boolean; clearable: boolean } {
  if (t.above !== undefined) return { active: v > t.above, clearable: v < (t.clear ?? t.above) };
  const b = t.below as number;
  return { active: v < b, clearable: v > (t.clear ?? b) };
}
