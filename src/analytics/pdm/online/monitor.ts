import type { Logger } from 'pino';
import { SampleBatch } from '../../../model/sample.js';
import type { TagCatalog, TagDefinition, TagRecord } from '../../../model/tag.js';
import type { EventSink, HubEvent, Sink } from '../../../pipeline/types.js';
import type { PdmConfig } from '../config.js';
import { Episode } from './events.js';
import { formatHours } from './format.js';
import { type HealthAssessment, MachineHealthModel, RUNNING } from './health.js';

/** What the monitor needs from the hub: narrow, so tests can drive it with real parts. */
export interface PdmMonitorDeps {
  catalog: TagCatalog;
  /** Where derived values go: the hub's pipeline, so they reach the historian like any tag. */
  sink: Sink;
  events: EventSink;
  log: Logger;
  /** Tag records (id ↔ key), to know which machine a value in a batch belongs to. */
  listTags(): Promise<readonly TagRecord[]>;
  /**
   * Plant seconds per second of source time, where the hub knows its source runs accelerated (the
   * demo plant's `speed`). The monitor checks it against the data before using it: a source that
   * already stamps plant time (its timestamps run `speed` times faster than the wall clock, or a
   * replay) is taken as it is. Default 1.
   */
  timeScale?: number;
  /** Wall clock, for the time-scale check (tests pass their own). */
  now?: () => number;
}

/** How long the wall clock runs before the monitor decides whether a source stamps plant time. */
const CLOCK_CHECK_MS = 3000;

/** A machine's latest assessment, for the API and the dashboard. */
export interface MachineHealth extends HealthAssessment {
  machine: string;
  anomalyOpen: boolean;
  /** Risk for ranking a fleet: 100 − health index, raised when a RUL is inside the horizon. */
  risk: number;
  /** Ids of the derived tags (health index, anomaly score, RUL per mode). */
  tags: Record<string, string>;
  /** Plant seconds per second of source time used for this machine (1 unless the source is accelerated). */
  timeScale: number;
}

/** What the API may see of the monitor. */
export interface PdmView {
  machines(): MachineHealth[];
  machine(path: string): MachineHealth | undefined;
}

const STATE_LEAF = 'status/machine_state';
const GOOD = (status: number): boolean => status >>> 30 === 0;

interface MachineRuntime {
  path: string;
  model: MachineHealthModel;
  latest: Map<string, number>;
  lastTs: number;
  lastEval: number;
  /** The machine's clock: plant time = src0 + (source time − src0) · scale, once scale is known. */
  clock: { src0: number; wall0: number; scale: number | undefined };
  current: MachineHealth | undefined;
  derivedKeys: Map<string, number> | undefined;
  registering: boolean;
  anomaly: Episode;
  lowHealth: Episode;
  rul: Map<string, Episode>;
}

/**
 * Runs one `MachineHealthModel` per machine on live batches (from `pipeline.listen`), writes the
 * outputs back as derived tags below `<machine>/health/` through the pipeline, and emits debounced
 * events with their evidence. Evaluation is driven by source timestamps, so a replay or an
 * accelerated demo plant is assessed in its own time.
 */
export class PdmMonitor implements PdmView {
  private readonly byKey = new Map<number, { machine: MachineRuntime; leaf: string } | null>();
  private readonly runtimes = new Map<string, MachineRuntime>();
  private readonly derived = new Set<number>();
  private refreshing: Promise<void> | undefined;
  private lastRefresh = 0;
  private pending: SampleBatch | undefined;
  private stopped = false;

  constructor(
    private readonly config: PdmConfig,
    private readonly deps: PdmMonitorDeps,
  ) {}

  /** The pipeline listener. Never blocks: unknown keys trigger one background catalog refresh. */
  onBatch(batch: SampleBatch): void {
    if (this.stopped) return;
    let unknown = false;
    const touched = new Set<MachineRuntime>();
    for (let i = 0; i < batch.length; i++) {
      const key = batch.tagKey[i]!;
      if (this.derived.has(key)) continue;
      const ref = this.byKey.get(key);
      if (ref === undefined) {
        unknown = true;
        continue;
      }
      if (ref === null || !GOOD(batch.status[i]!)) continue;
      const v = batch.value[i]!;
      if (Number.isNaN(v)) continue;
      ref.machine.latest.set(ref.leaf, v);
      const ts = batch.sourceTs[i]!;
      if (ts > ref.machine.lastTs) ref.machine.lastTs = ts;
      touched.add(ref.machine);
    }
    if (unknown) this.refresh();
    for (const m of touched) {
      if (this.scale(m) === undefined) continue;
      if (this.plant(m, m.lastTs) - this.plant(m, m.lastEval) >= this.config.evaluateInterval) this.evaluate(m);
    }
  }

  /**
   * The machine's time scale. An accelerated demo plant stamps values with the wall clock (speed 600:
   * one wall second is ten plant minutes), and judging it in wall time turned 240 plant hours of
   * bearing life into "0.4 h". When the hub says a source runs at `timeScale`, the first
   * `CLOCK_CHECK_MS` of wall time show whether the timestamps already run at that speed (plant time,
   * a replay): then they are used as they are.
   */
  private scale(m: MachineRuntime): number | undefined {
    const c = m.clock;
    if (c.scale !== undefined) return c.scale;
    const want = this.deps.timeScale ?? 1;
    const now = (this.deps.now ?? Date.now)();
    if (c.wall0 === 0) {
      c.src0 = m.lastTs;
      c.wall0 = now;
      m.lastEval = m.lastTs;
    }
    if (want === 1) {
      c.scale = 1;
      return 1;
    }
    if (now - c.wall0 < CLOCK_CHECK_MS) return undefined;
    const ratio = (m.lastTs - c.src0) / (now - c.wall0);
    c.scale = ratio > Math.sqrt(want) ? 1 : want;
    this.deps.log.info(
      { machine: m.path, timeScale: c.scale, sourceToWall: Math.round(ratio * 100) / 100 },
      c.scale === 1 ? 'pdm: source stamps plant time' : 'pdm: source stamps wall time; assessed in plant time',
    );
    return c.scale;
  }

  /** Source time → plant time (epoch ms). */
  private plant(m: MachineRuntime, ts: number): number {
    const c = m.clock;
    return c.src0 + (ts - c.src0) * (c.scale ?? 1);
  }

  /** Plant time → source time (epoch ms), for what is written back and emitted. */
  private source(m: MachineRuntime, plantTs: number): number {
    const c = m.clock;
    return Math.round(c.src0 + (plantTs - c.src0) / (c.scale ?? 1));
  }

  machines(): MachineHealth[] {
    return [...this.runtimes.values()]
      .map((r) => r.current)
      .filter((c): c is MachineHealth => c !== undefined)
      .sort((a, b) => b.risk - a.risk || a.machine.localeCompare(b.machine));
  }

  machine(path: string): MachineHealth | undefined {
    return this.runtimes.get(path)?.current;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Waits for a pending catalog refresh (tests use it to make start-up deterministic). */
  async settled(): Promise<void> {
    await this.refreshing;
  }

  private refresh(): void {
    const now = Date.now();
    if (this.refreshing || now - this.lastRefresh < 1000) return;
    this.lastRefresh = now;
    this.refreshing = this.deps
      .listTags()
      .then((tags) => this.index(tags))
      .catch((err: unknown) => this.deps.log.warn({ err }, 'pdm: could not list tags; retrying on the next batch'))
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  private selected(assetPath: string): boolean {
    const m = this.config.machines;
    return m.length === 0 || m.some((p) => assetPath === p || assetPath.startsWith(`${p}/`));
  }

  private index(tags: readonly TagRecord[]): void {
    const machines = new Set<string>();
    for (const t of tags) {
      if (t.id.endsWith(`/${STATE_LEAF}`)) {
        const path = t.id.slice(0, -STATE_LEAF.length - 1);
        if (this.selected(path)) machines.add(path);
      }
    }
    for (const path of machines) {
      if (!this.runtimes.has(path)) {
        this.runtimes.set(path, {
          path,
          model: new MachineHealthModel(this.config),
          latest: new Map(),
          lastTs: 0,
          lastEval: 0,
          clock: { src0: 0, wall0: 0, scale: undefined },
          current: undefined,
          derivedKeys: undefined,
          registering: false,
          anomaly: new Episode(
            {
              kind: 'pdm.anomaly',
              onset: this.config.onsetCount,
              clear: this.config.clearCount,
              clearHoldMs: this.config.clearHold,
            },
            path,
          ),
          lowHealth: new Episode(
            {
              kind: 'pdm.health.low',
              onset: this.config.onsetCount,
              clear: this.config.clearCount,
              clearHoldMs: this.config.clearHold,
            },
            path,
          ),
          rul: new Map(),
        });
        this.deps.log.info({ machine: path }, 'pdm: modelling machine');
      }
    }
    for (const t of tags) {
      if (this.byKey.get(t.key)) continue;
      let ref: { machine: MachineRuntime; leaf: string } | null = null;
      for (const path of machines) {
        if (t.id.startsWith(`${path}/`)) {
          ref = { machine: this.runtimes.get(path)!, leaf: t.id.slice(path.length + 1) };
          break;
        }
      }
      this.byKey.set(t.key, ref);
    }
  }

  private evaluate(m: MachineRuntime): void {
    m.lastEval = m.lastTs;
    const a = m.model.evaluate(this.plant(m, m.lastTs), m.latest);
    const c = this.config;
    const inHorizon = a.rul.filter((r) => r.low * 3_600_000 <= c.rulHorizon && !r.consumable);
    // A health index lowered by wear on schedule (explained) ranks by its RUL, not as a failing machine.
    const condition = a.story.explained ? Math.max(a.healthIndex, c.healthThreshold) : a.healthIndex;
    const risk = Math.min(100, 100 - condition + (inHorizon.length > 0 ? 50 : 0));
    const tags: Record<string, string> = {
      healthIndex: `${m.path}/health/index`,
      anomalyScore: `${m.path}/health/anomaly_score`,
    };
    for (const r of a.rul) tags[`rul_${r.mode}`] = `${m.path}/health/rul_${r.mode}_h`;
    m.current = {
      ...a,
      ts: m.lastTs,
      machine: m.path,
      anomalyOpen: m.anomaly.open,
      risk,
      tags,
      timeScale: m.clock.scale ?? 1,
    };
    this.emitEvents(m, a);
    m.current.anomalyOpen = m.anomaly.open;
    this.writeDerived(m, a);
  }

  private emitEvents(m: MachineRuntime, a: HealthAssessment): void {
    const c = this.config;
    const out: (HubEvent | undefined)[] = [];
    const score = a.anomalyScore;
    const evidence = {
      machine: m.path,
      state: a.state,
      anomalyScore: round(score),
      healthIndex: round(a.healthIndex),
      story: a.story.sentence,
      baseline: a.baseline.origin,
      contributors: a.contributors.map((x) => ({
        signal: x.signal,
        z: round(x.z),
        value: round(x.value),
        baselineMean: round(x.baselineMean),
        baselineStd: round(x.baselineStd),
      })),
    };
    // Anomaly evidence comes from the Running state (or a machine that reports no state): a machine
    // idling, in set-up or stopped neither confirms nor clears a running fault, and a state whose
    // baseline is still being learned has no score. Such evaluations leave the episode's onset and
    // clear counts as they are, so a damaged machine passing through them is flagged just as soon.
    if (!Number.isNaN(score) && (a.state === undefined || a.state === RUNNING)) {
      out.push(
        // A deviation the wear trend explains (story) does not open an anomaly; once open, only a
        // score back below 70 % of the threshold closes it.
        m.anomaly.step(
          a.ts,
          score > c.anomalyThreshold && !a.story.explained,
          score < 0.7 * c.anomalyThreshold,
          score,
          (phase) => ({
            message:
              phase === 'closed'
                ? `${m.path}: anomaly ended`
                : `${m.path}: anomaly (score ${score.toFixed(1)}), most of all ${a.contributors[0]?.signal ?? '?'}${a.story.sentence ? `; ${a.story.sentence}` : ''}`,
            details: evidence,
          }),
        ),
      );
    }
    out.push(
      m.lowHealth.step(
        a.ts,
        a.healthIndex < c.healthThreshold && !a.story.explained,
        a.healthIndex > c.healthThreshold + 10 || a.story.explained,
        100 - a.healthIndex,
        (phase) => ({
          message:
            phase === 'closed'
              ? `${m.path}: health index recovered to ${a.healthIndex.toFixed(0)}`
              : `${m.path}: health index ${a.healthIndex.toFixed(0)} below ${c.healthThreshold}${a.story.sentence ? `; ${a.story.sentence}` : ''}`,
          details: evidence,
        }),
      ),
    );
    for (const r of a.rul) {
      if (r.consumable) continue;
      let ep = m.rul.get(r.mode);
      if (!ep) {
        ep = new Episode(
          { kind: 'pdm.rul.below_horizon', onset: c.onsetCount, clear: c.clearCount, clearHoldMs: 0 },
          `${m.path}:${r.mode}`,
        );
        m.rul.set(r.mode, ep);
      }
      const horizonH = c.rulHorizon / 3_600_000;
      out.push(
        // The same test as the story's: the 80 % lower bound inside the horizon (a chance of at least
        // 10 % that the failure falls inside it), so this episode and an unexplained anomaly or low
        // health index open together.
        ep.step(a.ts, r.low <= horizonH, r.low > horizonH * 1.2, horizonH / Math.max(r.low, 1e-3), (phase) => ({
          message:
            phase === 'closed'
              ? `${m.path}: ${r.mode} RUL back above ${formatHours(horizonH)}`
              : `${m.path}: ${r.mode} RUL ${formatHours(r.hours)} (80 % interval ${formatHours(r.low)}–${formatHours(r.high)}), inside the ${formatHours(horizonH)} horizon`,
          details: {
            ...evidence,
            mode: r.mode,
            rulHours: round(r.hours),
            rulLowHours: round(r.low),
            rulHighHours: round(r.high),
            wear: round(r.wear),
            wearRatePerHour: round(r.ratePerHour, 5),
          },
        })),
      );
    }
    // Episodes run on plant time; the hub's event stream is in source time, like every value.
    for (const e of out) {
      if (!e) continue;
      const openedAt = e.details?.openedAt;
      this.deps.events.emit({
        ...e,
        ts: this.source(m, e.ts),
        details: { ...e.details, ...(typeof openedAt === 'number' ? { openedAt: this.source(m, openedAt) } : {}) },
      });
    }
  }

  private writeDerived(m: MachineRuntime, a: HealthAssessment): void {
    const want: [string, number, string][] = [
      ['health/index', a.healthIndex, '%'],
      ['health/anomaly_score', a.anomalyScore, ''],
    ];
    for (const r of a.rul) {
      want.push([`health/rul_${r.mode}_h`, r.hours, 'h']);
      want.push([`health/rul_${r.mode}_h_low`, r.low, 'h']);
      want.push([`health/rul_${r.mode}_h_high`, r.high, 'h']);
    }
    const keys = m.derivedKeys;
    const missing = want.filter(([leaf]) => !keys?.has(leaf));
    if (missing.length > 0) {
      this.register(m, missing);
      return;
    }
    // Written on the next turn: we are inside a pipeline listener, and the pipeline calls its
    // listeners again for what we write.
    const now = Date.now();
    if (!this.pending) {
      this.pending = new SampleBatch(64);
      setImmediate(() => {
        const b = this.pending;
        this.pending = undefined;
        if (b && !this.stopped) this.deps.sink.write(b);
      });
    }
    for (const [leaf, v] of want) {
      this.pending.push(
        keys!.get(leaf)!,
        m.lastTs,
        now,
        Number.isFinite(v) ? v : Number.NaN,
        Number.isFinite(v) ? 0 : 0x80000000,
      );
    }
  }

  private register(m: MachineRuntime, leaves: [string, number, string][]): void {
    if (m.registering) return;
    m.registering = true;
    const defs: TagDefinition[] = leaves.map(([leaf, , unit]) => ({
      id: `${m.path}/${leaf}`,
      assetPath: m.path,
      name: leaf.replace('health/', ''),
      description: `Derived by the predictive-maintenance model (${leaf})`,
      dataType: 'Double',
      ...(unit ? { unit } : {}),
      lineage: { source: 'pdm', endpoint: 'gotthard:pdm', nodeId: `pdm:${m.path}/${leaf}` },
    }));
    this.deps.catalog
      .register(defs)
      .then((keys) => {
        m.derivedKeys ??= new Map();
        leaves.forEach(([leaf], i) => {
          m.derivedKeys!.set(leaf, keys[i]!);
          this.derived.add(keys[i]!);
          this.byKey.set(keys[i]!, null);
        });
      })
      .catch((err: unknown) => this.deps.log.error({ err, machine: m.path }, 'pdm: could not register derived tags'))
      .finally(() => {
        m.registering = false;
      });
  }
}

function round(v: number, digits = 3): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
