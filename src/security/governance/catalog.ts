import type { AggregateBucket, Historian } from '../../historian/types.js';
import type { TagRecord } from '../../model/tag.js';
import type { GovernanceView, TagGovernance } from './governance.js';

/** Data quality of one tag over a window, from the historian's bucket aggregates. */
export interface TagQuality {
  /** Samples in the window (all StatusCodes). */
  samples: number;
  /** Samples with a Bad or Uncertain StatusCode. */
  badOrUncertain: number;
  /** badOrUncertain / samples (0 when there are none). */
  badShare: number;
  /** Buckets (of `buckets`) without any sample after the tag's first one: holes in the record. */
  gaps: number;
  buckets: number;
  /** Last sample time (epoch ms), any status. */
  lastTs?: number;
  /** No sample within `staleAfterMs`. */
  stale: boolean;
  /** A numeric sensor (with EURange) whose good values did not move at all in the window. */
  flatline: boolean;
  /** Buckets whose good min or max lies outside the EURange. */
  outOfRange: number;
  min?: number;
  max?: number;
}

export interface SinkFlow {
  /** `historian`, `mqtt:<name>`, … */
  sink: string;
  flows: boolean;
  /** Why not, when it does not (governance). */
  reason?: string;
}

export interface CatalogEntry {
  tag: TagRecord;
  governance: TagGovernance;
  sinks: SinkFlow[];
  quality: TagQuality;
}

export interface CatalogOptions {
  historian: Pick<Historian, 'aggregate' | 'latest' | 'raw'>;
  governance: GovernanceView | undefined;
  /** Outbound sinks of the hub as `<kind>:<name>` (e.g. `mqtt:uns`); the historian is always there. */
  outbound: readonly string[];
  windowMs: number;
  buckets: number;
  staleAfterMs: number;
  now?: number;
}

const SENSITIVE = new Set(['confidential', 'restricted']);
const NUMERIC = new Set(['Double', 'Float', 'Int', 'UInt']);

/**
 * Builds the data catalog for `tags`: lineage (endpoint and NodeId → UNS path → sinks), governance
 * and quality. One bucket-aggregate query per tag plus one `latest` for all, so the cost grows
 * linearly with tags and not with samples (the historian answers aggregates from its chunks).
 */
export async function buildCatalog(tags: readonly TagRecord[], o: CatalogOptions): Promise<CatalogEntry[]> {
  const now = o.now ?? Date.now();
  const from = now - o.windowMs;
  const bucketMs = Math.max(1000, Math.ceil(o.windowMs / o.buckets));
  const latest = new Map((await o.historian.latest(tags.map((t) => t.key))).map((l) => [l.tagKey, l]));
  const out: CatalogEntry[] = [];
  for (const tag of tags) {
    const governance = o.governance?.describe(tag.id) ?? { classification: 'internal', allowedSinks: [] };
    const sinks: SinkFlow[] = [{ sink: 'historian', flows: true }];
    for (const s of o.outbound) {
      const flows = o.governance ? o.governance.mayLeave(tag.id, s) : true;
      sinks.push(
        flows
          ? { sink: s, flows }
          : { sink: s, flows, reason: `${governance.classification}: kept inside the hub (no allow rule for ${s})` },
      );
    }
    const buckets =
      NUMERIC.has(tag.dataType) || tag.dataType === 'Boolean'
        ? await o.historian.aggregate({ tagKey: tag.key, from, to: now, bucketMs, fns: ['min', 'max', 'count'] })
        : await textBuckets(o.historian, tag.key, from, now, bucketMs);
    let samples = 0;
    let bad = 0;
    let gaps = 0;
    let outOfRange = 0;
    let min: number | undefined;
    let max: number | undefined;
    let seen = false;
    for (const b of buckets) {
      const n = b.count + b.badCount;
      samples += n;
      bad += b.badCount;
      if (n === 0) {
        if (seen) gaps++;
        continue;
      }
      seen = true;
      if (typeof b.min === 'number') min = min === undefined ? b.min : Math.min(min, b.min);
      if (typeof b.max === 'number') max = max === undefined ? b.max : Math.max(max, b.max);
      if (
        tag.euRange &&
        ((typeof b.min === 'number' && b.min < tag.euRange.low) ||
          (typeof b.max === 'number' && b.max > tag.euRange.high))
      ) {
        outOfRange++;
      }
    }
    // Empty buckets at the end are staleness, not holes.
    for (let i = buckets.length - 1; i >= 0 && seen; i--) {
      const b = buckets[i] as (typeof buckets)[number];
      if (b.count + b.badCount > 0) break;
      gaps--;
    }
    const last = latest.get(tag.key);
    const good = samples - bad;
    out.push({
      tag,
      governance,
      sinks,
      quality: {
        samples,
        badOrUncertain: bad,
        badShare: samples > 0 ? bad / samples : 0,
        gaps: Math.max(0, gaps),
        buckets: buckets.length,
        ...(last ? { lastTs: last.ts } : {}),
        stale: !last || now - last.ts > o.staleAfterMs,
        flatline:
          NUMERIC.has(tag.dataType) && tag.euRange !== undefined && good >= 10 && min !== undefined && min === max,
        outOfRange,
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
      },
    });
  }
  return out;
}

/** Most text values read per tag; text tags (job numbers, states) change rarely, so this is generous. */
const MAX_TEXT_ROWS = 5000;

/**
 * Counts per bucket for text tags, which the historian does not aggregate: from raw rows, at most
 * MAX_TEXT_ROWS of them (a tag past that is counted up to it).
 */
async function textBuckets(
  h: Pick<Historian, 'raw'>,
  tagKey: number,
  from: number,
  to: number,
  bucketMs: number,
): Promise<AggregateBucket[]> {
  const n = Math.ceil((to - from) / bucketMs);
  const out: AggregateBucket[] = Array.from({ length: n }, (_, i) => ({
    ts: from + i * bucketMs,
    count: 0,
    badCount: 0,
  }));
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await h.raw({ tagKey, from, to, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const s of page.samples) {
      const b = out[Math.min(n - 1, Math.floor((s.ts - from) / bucketMs))] as AggregateBucket;
      // StatusCode severity: top two bits 00 = Good (OPC UA Part 4, 7.39)
      if (s.status >>> 30 === 0) b.count++;
      else b.badCount++;
    }
    read += page.samples.length;
    cursor = page.next;
  } while (cursor && read < MAX_TEXT_ROWS);
  return out;
}

export function isSensitive(g: TagGovernance): boolean {
  return SENSITIVE.has(g.classification);
}
