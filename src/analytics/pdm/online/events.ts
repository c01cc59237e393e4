import type { HubEvent } from '../../../pipeline/types.js';

/**
 * Debounced episodes: a condition (anomaly, low health, RUL below horizon) opens after `onset`
 * consecutive true evaluations and closes after `clear` consecutive false ones. One developing
 * fault is one episode: it emits `opened`, then at most an `update` when it has grown markedly, then
 * `closed`. Every event names its episode (`details.episode`) so a consumer (the workflow engine)
 * updates one work order instead of creating many.
 */
export interface EpisodeSpec {
  /** Event kind prefix, e.g. `pdm.anomaly`. */
  kind: string;
  onset: number;
  clear: number;
  /**
   * Hysteresis in time as well as in count: the condition must have been clear for this long
   * (same clock as `step`'s `ts`) before the episode closes. Default 0.
   */
  clearHoldMs?: number;
}

export class Episode {
  private above = 0;
  private below = 0;
  private clearSince = 0;
  private openSince: number | undefined;
  private id: string | undefined;
  private lastReported = 0;
  private peak = 0;

  constructor(
    private readonly spec: EpisodeSpec,
    private readonly subject: string,
  ) {}

  get open(): boolean {
    return this.openSince !== undefined;
  }

  /**
   * Feeds one evaluation. `severity` is a magnitude that grows as the condition worsens (used for
   * updates: an update is emitted when it has grown by half since the last report).
   */
  step(
    ts: number,
    active: boolean,
    clearable: boolean,
    severity: number,
    describe: (phase: 'opened' | 'update' | 'closed') => { message: string; details: Record<string, unknown> },
  ): HubEvent | undefined {
    if (active) {
      this.above++;
      this.below = 0;
    } else if (clearable) {
      if (this.below === 0) this.clearSince = ts;
      this.below++;
      this.above = 0;
    } else {
      this.above = 0;
    }
    if (!this.open) {
      if (this.above < this.spec.onset) return undefined;
      this.openSince = ts;
      this.id = `${this.spec.kind}:${this.subject}:${ts}`;
      this.lastReported = severity;
      this.peak = severity;
      return this.event(ts, 'opened', 'warning', describe);
    }
    this.peak = Math.max(this.peak, severity);
    if (this.below >= this.spec.clear && ts - this.clearSince >= (this.spec.clearHoldMs ?? 0)) {
      const e = this.event(ts, 'closed', 'info', describe);
      this.openSince = undefined;
      this.id = undefined;
      return e;
    }
    if (severity > this.lastReported * 1.5 && severity - this.lastReported > 1e-9) {
      this.lastReported = severity;
      return this.event(ts, 'update', 'warning', describe);
    }
    return undefined;
  }

  private event(
    ts: number,
    phase: 'opened' | 'update' | 'closed',
    severity: HubEvent['severity'],
    describe: (phase: 'opened' | 'update' | 'closed') => { message: string; details: Record<string, unknown> },
  ): HubEvent {
    const d = describe(phase);
    return {
      ts,
      kind: `${this.spec.kind}.${phase}`,
      severity,
      source: 'pdm',
      message: d.message,
      details: {
        ...d.details,
        episode: this.id,
        phase,
        openedAt: this.openSince,
        peak: this.peak,
      },
    };
  }
}
