import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopFigures {
  /** Length of the window the figures cover, s. */
  windowS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Event-loop delay of the hub process (sources, pipeline and historian writer share this loop with
 * the API): perf_hooks.monitorEventLoopDelay, read per window of `windowMs`. A read that blocks the
 * loop shows here before it shows as a gap in the data; GET /api/v1/health reports the last window.
 */
export class EventLoopMonitor {
  private readonly h = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private last: EventLoopFigures;

  constructor(private readonly windowMs = 10_000) {
    this.h.enable();
    this.last = this.read();
    this.timer = setInterval(() => {
      this.last = this.read();
      this.h.reset();
    }, windowMs);
    this.timer.unref();
  }

  private read(): EventLoopFigures {
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);
    const n = this.h.count;
    return {
      windowS: this.windowMs / 1000,
      p50Ms: n > 0 ? ms(this.h.percentile(50)) : 0,
      p99Ms: n > 0 ? ms(this.h.percentile(99)) : 0,
      maxMs: n > 0 ? ms(this.h.max) : 0,
    };
  }

  /** The last complete window (the current one until the first window is complete). */
  figures(): EventLoopFigures {
    return this.h.count > 0 && this.last.maxMs === 0 ? this.read() : this.last;
  }

  close(): void {
    clearInterval(this.timer);
    this.h.disable();
  }
}
