import type { SampleBatch } from '../../model/sample.js';

/** A step of the source clock against the server's, confirmed over several notifications. */
export interface ClockJump {
  /** Newest SourceTimestamp − the server's PublishTime, before and after the step, ms. */
  fromOffsetMs: number;
  toOffsetMs: number;
  jumpMs: number;
  /** PublishTime (or arrival time) of the first notification at the new offset. */
  sincePublishTime: number;
  /** Source time of that notification's newest value: where the jumped values begin in history. */
  sinceSourceTs: number;
}

/**
 * Watches one connection for jumps of the device clock. Per NotificationMessage it compares the newest
 * SourceTimestamp of the batch with the message's PublishTime, the server's own clock when it sent
 * the message (or the time the hub received it, when the message carries none): a value that changed
 * just now has both close together, while values queued during an outage or unchanged for hours
 * (initial values) are older and do not move the newest. (ServerTimestamp would not do: node-opcua
 * servers set it to the SourceTimestamp given.) An offset that stays more than `thresholdMs` away from
 * the accepted one for `confirm` notifications in a row is a jump; the first offsets seen are
 * accepted silently the same way. With arrival time as the reference, a hub falling behind by more
 * than the threshold looks the same. Values are never changed: the historian stores them at the
 * source timestamps the server sent, and the jump is reported as an event. Costs one comparison per
 * value.
 */
export class SourceClockWatch {
  private accepted: number | undefined;
  private candidate: number | undefined;
  private candidateCount = 0;
  private candidatePublishTime = 0;
  private candidateSourceTs = 0;

  constructor(
    readonly thresholdMs: number,
    private readonly confirm = 3,
  ) {}

  /** The accepted offset (newest SourceTimestamp − PublishTime, ms), once known. */
  get offsetMs(): number | undefined {
    return this.accepted;
  }

  /** `publishTime`: the NotificationMessage's PublishTime, epoch ms. */
  observe(batch: SampleBatch, publishTime: number): ClockJump | undefined {
    const n = batch.length;
    if (n === 0 || this.thresholdMs <= 0) return undefined;
    const src = batch.sourceTs;
    let newest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if ((src[i] as number) > newest) newest = src[i] as number;
    const best = newest - publishTime;
    if (!Number.isFinite(best)) return undefined;
    if (this.accepted !== undefined && Math.abs(best - this.accepted) <= this.thresholdMs) {
      this.candidate = undefined;
      this.candidateCount = 0;
      return undefined;
    }
    if (this.candidate === undefined || Math.abs(best - this.candidate) > this.thresholdMs / 2) {
      this.candidate = best;
      this.candidateCount = 1;
      this.candidatePublishTime = publishTime;
      this.candidateSourceTs = newest;
    } else {
      this.candidateCount++;
    }
    if (this.candidateCount < this.confirm) return undefined;
    const previous = this.accepted;
    this.accepted = this.candidate;
    this.candidate = undefined;
    this.candidateCount = 0;
    if (previous === undefined) return undefined;
    return {
      fromOffsetMs: previous,
      toOffsetMs: this.accepted,
      jumpMs: this.accepted - previous,
      sincePublishTime: this.candidatePublishTime,
      sinceSourceTs: this.candidateSourceTs,
    };
  }
}
