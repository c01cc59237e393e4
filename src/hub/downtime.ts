import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Historian } from '../historian/types.js';
import { SampleBatch } from '../model/sample.js';
import { qualityOf, STATUS_BAD_NO_COMMUNICATION } from '../model/status.js';
import type { EventSink, HubEvent, Sink } from '../pipeline/types.js';

/** What the previous run of the hub on this data folder left behind. */
export interface PreviousRun {
  /** Last time it was known to be running (epoch ms). */
  aliveAt: number;
  /** Set by a clean stop: when it stopped. Missing after a crash, a SIGKILL or a power cut. */
  stoppedAt?: number;
  pid?: number;
}

/**
 * The hub's own life line in its data folder (`hub.alive`): rewritten every `everyMs` while it runs and
 * once more, with `stoppedAt`, on a clean stop. The next start reads it to know since when nothing was
 * collected, and whether the previous run ended cleanly. Written to a temporary file and renamed, so a
 * crash mid-write leaves the previous content.
 */
export class AliveFile {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly everyMs = 2000,
  ) {}

  /** The previous run's record, or undefined on a first start (or an unreadable file: nothing to go by). */
  read(): PreviousRun | undefined {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const p = JSON.parse(raw) as Partial<PreviousRun>;
      if (typeof p.aliveAt !== 'number' || !Number.isFinite(p.aliveAt)) return undefined;
      return {
        aliveAt: p.aliveAt,
        ...(typeof p.stoppedAt === 'number' && Number.isFinite(p.stoppedAt) ? { stoppedAt: p.stoppedAt } : {}),
        ...(typeof p.pid === 'number' ? { pid: p.pid } : {}),
      };
    } catch {
      return undefined;
    }
  }

  start(): void {
    this.write({ aliveAt: Date.now(), pid: process.pid });
    this.timer = setInterval(() => this.write({ aliveAt: Date.now(), pid: process.pid }), this.everyMs);
    this.timer.unref();
  }

  /**
   * The end of this run. `clean`: everything accepted is durable (the historian closed without error),
   * nothing is collected from now on. Otherwise the next start treats it like a crash.
   */
  stop(clean: boolean): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const now = Date.now();
    this.write({ aliveAt: now, ...(clean ? { stoppedAt: now } : {}), pid: process.pid });
  }

  private write(run: PreviousRun): void {
    try {
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(run));
      renameSync(tmp, this.file);
    } catch {
      // A full or read-only disk: the historian reports it; a stale life line only makes the next
      // start's gap marker earlier (the gap wider), never hides one.
    }
  }
}

/**
 * Marks the time the hub itself was not running as a gap, as a source marks a lost connection: one
 * BadNoCommunication row per tag of `sources` whose newest stored value is not Bad, at the moment the
 * previous run was last known alive (or just after that tag's newest value, if later). The trend, the
 * aggregates and the KPI engine then treat [last value, first value after the restart] as a gap instead
 * of drawing or counting across it. Tags of other sources (imports, derived tags, MQTT shared
 * subscriptions whose peer hub kept receiving) are left as they are. Returns the event it emitted.
 */
export async function markDowntime(opts: {
  previous: PreviousRun | undefined;
  now: number;
  historian: Historian;
  sink: Sink;
  events: EventSink;
  /** Names of the sources that mark their gaps (`Source.marksGaps`). */
  sources: ReadonlySet<string>;
}): Promise<HubEvent | undefined> {
  const { previous, now, historian } = opts;
  if (!previous) return undefined;
  const clean = previous.stoppedAt !== undefined;
  const since = previous.stoppedAt ?? previous.aliveAt;
  const tags = (await historian.listTags()).filter((t) => opts.sources.has(t.lineage.source));
  const latest = tags.length > 0 ? await historian.latest(tags.map((t) => t.key)) : [];
  const batch = new SampleBatch(latest.length);
  const bySource = new Map<string, number>();
  const sourceOf = new Map(tags.map((t) => [t.key, t.lineage.source]));
  for (const l of latest) {
    if (qualityOf(l.status) === 'Bad') continue; // already a gap (connection lost before the stop)
    const ts = Math.max(since, l.ts + 1);
    if (ts >= now) continue; // a source clock ahead of ours: no honest place for the marker
    batch.push(l.tagKey, ts, ts, Number.NaN, STATUS_BAD_NO_COMMUNICATION);
    const s = sourceOf.get(l.tagKey) as string;
    bySource.set(s, (bySource.get(s) ?? 0) + 1);
  }
  if (batch.length > 0) opts.sink.write(batch);
  const downMs = now - since;
  const how = clean ? 'stopped cleanly' : 'not stopped cleanly (crash, kill or power loss)';
  const event: HubEvent = {
    ts: now,
    kind: 'hub.downtime',
    severity: clean ? 'info' : 'warning',
    message:
      `the hub was not collecting for ${(downMs / 1000).toFixed(1)} s since ${new Date(since).toISOString()}; ` +
      `the previous run was ${how}; ${batch.length} tag(s) marked BadNoCommunication at that time`,
    details: {
      since,
      downMs,
      clean,
      markedTags: batch.length,
      bySource: Object.fromEntries(bySource),
      ...(previous.pid !== undefined ? { previousPid: previous.pid } : {}),
    },
  };
  opts.events.emit(event);
  return event;
}
