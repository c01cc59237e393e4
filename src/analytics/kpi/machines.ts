import type { Historian, StoredSample } from '../../historian/types.js';
import type { TagRecord } from '../../model/tag.js';
import type { KpiConfig, MachineSignals } from './config.js';
import type { Baseline, InitialState } from './model.js';

/** A machine the KPI engine computes for: an asset with a state tag or an energy counter. */
export interface KpiMachine {
  asset: string;
  site: string;
  timezone: string;
  signals: MachineSignals;
  /** Measures other machines: left out of line/area/site totals. */
  meter: boolean;
  tags: {
    state?: TagRecord;
    good?: TagRecord;
    scrap?: TagRecord;
    prt?: TagRecord;
    energy?: TagRecord;
  };
}

/** `*` matches one path segment, `**` any number. */
export function assetGlob(pattern: string): RegExp {
  const parts = pattern
    .split('/')
    .map((p) => (p === '**' ? '.*' : p === '*' ? '[^/]+' : p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}$`);
}

export function inScope(asset: string, scope: string): boolean {
  return scope === '' || asset === scope || asset.startsWith(`${scope}/`);
}

/**
 * Machines from the historian's tags. `timeScaleBySource` gives the clock rate of a source whose
 * machines run faster than the hub (the demo plant at `--speed N`): a machine whose state or energy
 * tag comes from it gets that `timeScale` unless its signals set one.
 */
export function discoverMachines(
  tags: readonly TagRecord[],
  kpi: KpiConfig,
  timezoneOf: (site: string) => string,
  timeScaleBySource: Readonly<Record<string, number>> = {},
): KpiMachine[] {
  const byId = new Map(tags.map((t) => [t.id, t]));
  const assets = [...new Set(tags.map((t) => t.assetPath))].sort();
  const meters = kpi.energy.meters.map(assetGlob);
  const out: KpiMachine[] = [];
  for (const asset of assets) {
    const o = kpi.machines.find((m) => m.asset === asset);
    const signals: MachineSignals = { ...kpi.signals };
    if (o !== undefined) {
      for (const [k, v] of Object.entries(o))
        if (k !== 'asset' && v !== undefined) (signals as Record<string, unknown>)[k] = v;
    }
    const tag = (rel: string) => byId.get(`${asset}/${rel}`);
    const m: KpiMachine = {
      asset,
      site: asset.split('/')[1] ?? '',
      timezone: '',
      signals,
      meter: meters.some((r) => r.test(asset)),
      tags: {},
    };
    const st = tag(signals.state);
    const good = tag(signals.goodCount);
    const scrap = tag(signals.scrapCount);
    const prt = tag(signals.idealCycleTime);
    const energy = tag(signals.energyTotal);
    if (st) m.tags.state = st;
    if (good) m.tags.good = good;
    if (scrap) m.tags.scrap = scrap;
    if (prt) m.tags.prt = prt;
    if (energy) m.tags.energy = energy;
    if (st === undefined && energy === undefined) continue;
    const scale = timeScaleBySource[(st ?? energy)?.lineage.source ?? ''];
    if (signals.timeScale === undefined && scale !== undefined && scale !== 1) signals.timeScale = scale;
    m.timezone = timezoneOf(m.site);
    out.push(m);
  }
  return out;
}

/** Every raw sample of a tag in [from, to), all pages. */
export async function rawAll(h: Historian, tagKey: number, from: number, to: number): Promise<StoredSample[]> {
  const out: StoredSample[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await h.raw(
      cursor === undefined ? { tagKey, from, to, limit: 100_000 } : { tagKey, from, to, limit: 100_000, cursor },
    );
    for (const s of page.samples) out.push(s);
    if (page.next === undefined) return out;
    cursor = page.next;
  }
}

function isBad(status: number): boolean {
  return status >>> 30 === 2;
}

/**
 * The sample in effect at `t`: the last non-Bad sample before it within `lookback`, and whether a
 * Bad sample (a gap marker) came after it. Uses the historian's aggregate (chunk summaries) for the
 * long look back and a short raw read after the last Good value.
 */
export async function lastBefore(
  h: Historian,
  tagKey: number,
  t: number,
  lookback: number,
): Promise<{ ts: number; value: number | null; badAfter: boolean } | undefined> {
  const [b] = await h.aggregate({ tagKey, from: t - lookback, to: t, bucketMs: lookback, fns: ['last'] });
  let ts: number | undefined;
  let value: number | null = null;
  let badAfter = false;
  if (b !== undefined && b.count > 0 && b.lastTs != null) {
    ts = b.lastTs;
    value = b.last ?? null;
  } else if (b === undefined || b.badCount === 0) {
    return undefined;
  }
  const after = await h.raw({ tagKey, from: ts === undefined ? t - lookback : ts + 1, to: t, limit: 10_000 });
  for (const s of after.samples) {
    if (isBad(s.status)) {
      badAfter = true;
      if (ts === undefined) ts = s.ts;
    } else if (typeof s.value === 'number') {
      ts = s.ts;
      value = s.value;
      badAfter = false;
    }
  }
  return ts === undefined ? undefined : { ts, value, badAfter };
}

export async function initialState(
  h: Historian,
  tag: TagRecord | undefined,
  t: number,
  lookback: number,
): Promise<InitialState> {
  if (tag === undefined) return { value: null, since: t, cause: 'missing' };
  const l = await lastBefore(h, tag.key, t, lookback);
  if (l === undefined) return { value: null, since: t, cause: 'missing' };
  if (l.badAfter || l.value === null) return { value: null, since: l.ts, cause: 'bad' };
  return { value: l.value, since: l.ts };
}

export async function counterBaseline(
  h: Historian,
  tag: TagRecord | undefined,
  t: number,
  lookback: number,
): Promise<(Baseline & { gapAfter: boolean }) | undefined> {
  if (tag === undefined) return undefined;
  const l = await lastBefore(h, tag.key, t, lookback);
  if (l === undefined || l.value === null) return undefined;
  return { ts: l.ts, value: l.value, gapAfter: l.badAfter };
}
