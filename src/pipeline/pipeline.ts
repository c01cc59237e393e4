import type { Logger } from 'pino';
import type { SampleBatch } from '../model/sample.js';
import type { Sink } from './types.js';

/**
 * Per-second value counts over a sliding window, for the ingest rate in health. O(1) per batch.
 */
export class RateMeter {
  private readonly counts: Float64Array;
  private second = 0;
  total = 0;

  constructor(private readonly windowS = 10) {
    this.counts = new Float64Array(windowS);
  }

  add(n: number, now = Date.now()): void {
    this.roll(now);
    this.counts[this.second % this.windowS] = (this.counts[this.second % this.windowS] as number) + n;
    this.total += n;
  }

  /** Values per second averaged over the last full `windowS - 1` seconds. */
  rate(now = Date.now()): number {
    this.roll(now);
    let sum = 0;
    for (let i = 1; i < this.windowS; i++)
      sum += this.counts[(this.second - i + this.windowS * 2) % this.windowS] as number;
    return sum / (this.windowS - 1);
  }

  private roll(now: number): void {
    const s = Math.floor(now / 1000);
    if (this.second === 0) this.second = s;
    const steps = Math.min(s - this.second, this.windowS);
    for (let i = 1; i <= steps; i++) this.counts[(this.second + i) % this.windowS] = 0;
    if (s > this.second) this.second = s;
  }
}

/**
 * The pipeline between sources and sinks: source → pipeline → sinks, one way. It counts what
 * passes and hands every batch to each sink. A sink that throws is logged and does not stop the
 * others (per-item error kind); batches are immutable so sinks share them.
 */
export class Pipeline implements Sink {
  readonly name = 'pipeline';
  readonly meter = new RateMeter();
  private readonly sinks: Sink[] = [];
  private readonly listeners = new Set<(batch: SampleBatch) => void>();

  constructor(private readonly log: Logger) {}

  addSink(sink: Sink): void {
    this.sinks.push(sink);
  }

  /** Live listeners (e.g. the API's streaming clients); return an unsubscribe function. */
  listen(fn: (batch: SampleBatch) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  write(batch: SampleBatch): void {
    if (batch.length === 0) return;
    this.meter.add(batch.length);
    for (const sink of this.sinks) {
      try {
        sink.write(batch);
      } catch (err) {
        this.log.error({ err, sink: sink.name }, 'sink rejected a batch');
      }
    }
    for (const fn of this.listeners) {
      try {
        fn(batch);
      } catch (err) {
        this.log.warn({ err }, 'live listener failed');
      }
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.flush()));
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}
