import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { ShiftConfig } from '../analytics/kpi/index.js';
import type { PdmView } from '../analytics/pdm/index.js';
import { formatDuration } from '../config/types.js';
import { GotthardError } from '../errors.js';
import type { SampleBatch } from '../model/sample.js';
import type { TagRecord } from '../model/tag.js';
import type { EventSink, HubEvent } from '../pipeline/types.js';
import type { AuditTrail, MachineCommands, Principal } from '../security/types.js';
import { Condition, thresholdState } from './condition.js';
import { type Rule, type RuleAction, ruleSchema, type WorkflowsConfig } from './config.js';
import { type CalendarSource, downtimeWindows } from './scheduling.js';
import { type RuleVersion, type ScheduleEntry, WorkflowStore } from './store.js';
import { render } from './template.js';
import type { ActionDelivery, OutboundAction, WorkOrder, WorkOrderDelivery, WorkOrderEvidence } from './types.js';
import { actorOf, WorkOrderBook } from './workorders.js';

/** What the KPI trigger needs: the KPI service's summary of one machine over a window. */
export interface KpiReader {
  machines(scope?: string): Promise<{ asset: string }[]>;
  summary(scope: string, from: number, to: number): Promise<{ kpis: object }>;
}

export interface WorkflowsDeps {
  config: WorkflowsConfig;
  storePath: string;
  timezone: string;
  shifts?: readonly ShiftConfig[];
  listTags(): Promise<readonly TagRecord[]>;
  kpi?: KpiReader;
  pdm?: PdmView;
  events: EventSink;
  log: Logger;
  delivery?: () => (Partial<WorkOrderDelivery> & Partial<ActionDelivery>) | undefined;
  commands?: () => MachineCommands | undefined;
  audit?: () => AuditTrail | undefined;
  now?: () => number;
}

/** Why a rule fired, for templates and the work order's evidence. */
export interface Firing {
  rule: Rule;
  asset: string;
  ts: number;
  message: string;
  values: NonNullable<WorkOrderEvidence['values']>;
  tagIds: string[];
  pdm?: Record<string, unknown>;
}

interface Watch {
  cond: Condition;
  asset: string;
  active: boolean;
  clearable: boolean;
  tagId?: string;
  value?: number | string | null;
  valueTs?: number;
  /** State trigger: the last state value and whether the current one was entered from an allowed state. */
  prev?: number;
  entered?: boolean;
  pdm?: Record<string, unknown>;
}

interface RuleRuntime {
  rule: Rule;
  version: number;
  watches: Map<string, Watch>;
  nextScheduleAt?: number;
  nextKpiAt?: number;
  kpiRunning?: boolean;
}

const within = (assets: readonly string[], path: string): boolean =>
  assets.length === 0 || assets.some((a) => path === a || path.startsWith(`${a}/`));

/**
 * The workflow engine: rules (config + API, versioned), their triggers on live values, KPI figures,
 * pdm events and schedules, their actions (work orders, notifications, MQTT, HTTP, machine writes),
 * and the work orders with automatic scheduling.
 */
export class Workflows {
  readonly store: WorkflowStore;
  readonly workOrders: WorkOrderBook;
  private readonly runtimes = new Map<string, RuleRuntime>();
  private readonly byKey = new Map<number, string>();
  private refreshing: Promise<void> | undefined;
  private lastRefresh = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastReplan = 0;
  private stopped = false;
  private readonly now: () => number;
  readonly calendarSource: CalendarSource;

  constructor(private readonly d: WorkflowsDeps) {
    this.now = d.now ?? Date.now;
    this.store = new WorkflowStore(d.storePath);
    const store = this.store;
    this.calendarSource = {
      timezone: d.timezone,
      ...(d.config.shiftCalendar === 'breaks' && d.shifts ? { shifts: d.shifts } : {}),
      downtime: d.config.downtime,
      entries: (from, to) => store.scheduleEntries(from, to),
    };
    this.workOrders = new WorkOrderBook({
      store,
      calendar: this.calendarSource,
      horizonMs: d.config.horizon,
      escalation: (wo, why) =>
        d.config.escalation.map((a) =>
          toOutbound(
            a,
            {
              asset: wo.asset,
              message: `${wo.id} (${wo.title}) cannot be planned: ${why}`,
              rule: { id: wo.ruleId ?? '' },
              workOrder: { id: wo.id, title: wo.title, status: wo.status, priority: wo.priority },
            },
            'escalation',
          ),
        ),
      events: d.events,
      log: d.log,
      delivery: d.delivery ?? (() => undefined),
      commands: d.commands ?? (() => undefined),
      audit: d.audit ?? (() => undefined),
      now: this.now,
    });
    this.importConfigRules();
    this.loadRules();
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.d.config.tick);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.store.close();
  }

  // --- rules ---

  rules(): { rule: Rule; version: number }[] {
    return [...this.runtimes.values()].map((r) => ({ rule: r.rule, version: r.version }));
  }

  rule(id: string): { rule: Rule; version: number } {
    const r = this.runtimes.get(id);
    if (!r) throw new GotthardError('GT_NOT_FOUND', `no rule "${id}"; list them with GET /api/v1/rules`);
    return { rule: r.rule, version: r.version };
  }

  ruleVersions(id: string): RuleVersion[] {
    const v = this.store.ruleVersions(id);
    if (v.length === 0) throw new GotthardError('GT_NOT_FOUND', `no rule "${id}"`);
    return v;
  }

  /** Creates or replaces a rule from untrusted input, validated by the same schema as the YAML. */
  putRule(input: unknown, principal: Principal, ip?: string): { rule: Rule; version: number } {
    const parsed = ruleSchema.safeParse(input);
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.join('.') || '(rule)'}: ${i.message}`).join('; ');
      this.d.audit?.()?.append({
        actor: actorOf(principal),
        action: 'rule.update',
        target: (input as { id?: string } | null)?.id ?? '',
        outcome: 'refused',
        reason: msg,
        ...(ip ? { ip } : {}),
      });
      throw new GotthardError('GT_CONFIG_INVALID', `invalid rule: ${msg}`);
    }
    const rule = parsed.data;
    const existed = this.runtimes.has(rule.id);
    const version = this.store.appendRule(rule.id, rule, 'api', actorOf(principal), this.now());
    this.runtimes.set(rule.id, this.runtime(rule, version));
    this.d.audit?.()?.append({
      actor: actorOf(principal),
      action: existed ? 'rule.update' : 'rule.create',
      target: rule.id,
      outcome: 'ok',
      details: { version },
      ...(ip ? { ip } : {}),
    });
    return { rule, version };
  }

  deleteRule(id: string, principal: Principal, ip?: string): number {
    this.rule(id);
    const version = this.store.appendRule(id, null, 'api', actorOf(principal), this.now());
    this.runtimes.delete(id);
    this.d.audit?.()?.append({
      actor: actorOf(principal),
      action: 'rule.delete',
      target: id,
      outcome: 'ok',
      details: { version },
      ...(ip ? { ip } : {}),
    });
    return version;
  }

  /** Config rules are imported when they differ from the last import; API edits win until the config changes. */
  private importConfigRules(): void {
    const ts = this.now();
    const ids = new Set<string>();
    for (const rule of this.d.config.rules) {
      ids.add(rule.id);
      if (!isDeepStrictEqual(this.store.lastConfigDefinition(rule.id), rule)) {
        this.store.appendRule(rule.id, rule, 'config', 'config', ts);
      }
    }
    for (const v of this.store.latestRules()) {
      if (v.source === 'config' && v.definition !== null && !ids.has(v.id)) {
        this.store.appendRule(v.id, null, 'config', 'config', ts);
      }
    }
  }

  private loadRules(): void {
    for (const v of this.store.latestRules()) {
      if (v.definition === null) continue;
      const parsed = ruleSchema.safeParse(v.definition);
      if (!parsed.success) {
        this.d.log.error({ rule: v.id, version: v.version }, 'stored rule no longer valid; skipped');
        continue;
      }
      this.runtimes.set(v.id, this.runtime(parsed.data, v.version));
    }
  }

  private runtime(rule: Rule, version: number): RuleRuntime {
    const r: RuleRuntime = { rule, version, watches: new Map() };
    if (rule.trigger.kind === 'schedule')
      r.nextScheduleAt = nextBoundary(this.now(), rule.trigger.every, rule.trigger.offset);
    return r;
  }

  // --- inputs ---

  /** Pipeline listener: tag and state triggers. Never blocks; unknown keys refresh the tag index. */
  onBatch(batch: SampleBatch): void {
    if (this.stopped) return;
    // Values drive only enabled tag and state triggers; without one the batch is not looked at.
    let valueRules = false;
    for (const rt of this.runtimes.values()) {
      const k = rt.rule.trigger.kind;
      if (rt.rule.enabled && (k === 'tag' || k === 'state')) valueRules = true;
    }
    if (!valueRules) return;
    let unknown = false;
    for (let i = 0; i < batch.length; i++) {
      const key = batch.tagKey[i]!;
      const id = this.byKey.get(key);
      if (id === undefined) {
        unknown = true;
        continue;
      }
      if (batch.status[i]! >>> 30 !== 0) continue; // only Good values drive rules
      const v = batch.valueAt(i);
      if (typeof v !== 'number' || Number.isNaN(v)) continue;
      const ts = batch.sourceTs[i]!;
      for (const rt of this.runtimes.values()) {
        if (!rt.rule.enabled) continue;
        const t = rt.rule.trigger;
        if (t.kind !== 'tag' && t.kind !== 'state') continue;
        const asset = assetOf(id, t.tag);
        if (asset === undefined || !within(rt.rule.assets, asset)) continue;
        let w = rt.watches.get(asset);
        if (!w) {
          w = { cond: new Condition(t.for), asset, active: false, clearable: true };
          rt.watches.set(asset, w);
        }
        w.tagId = id;
        w.value = v;
        w.valueTs = ts;
        if (t.kind === 'tag') {
          Object.assign(w, thresholdState(t, v));
        } else {
          const inTo = t.to.includes(v);
          if (!inTo) w.entered = false;
          else if (w.prev === undefined || !t.to.includes(w.prev)) {
            w.entered = t.from === undefined || (w.prev !== undefined && t.from.includes(w.prev));
          }
          w.prev = v;
          w.active = w.entered === true;
          w.clearable = !w.active;
        }
        this.step(rt, w, ts);
      }
    }
    if (unknown) this.refreshTags();
  }

  /** Hub event listener: pdm episodes. */
  onEvent(e: HubEvent): void {
    if (this.stopped || !e.kind.startsWith('pdm.')) return;
    const m = /^pdm\.(.+)\.(opened|update|closed)$/.exec(e.kind);
    if (!m) return;
    const machine = e.details?.machine;
    if (typeof machine !== 'string') return;
    for (const rt of this.runtimes.values()) {
      const t = rt.rule.trigger;
      if (!rt.rule.enabled || t.kind !== 'pdm' || t.event !== m[1] || !within(rt.rule.assets, machine)) continue;
      if (t.mode !== undefined && e.details?.mode !== t.mode) continue;
      let w = rt.watches.get(machine);
      if (!w) {
        w = { cond: new Condition(t.for), asset: machine, active: false, clearable: true };
        rt.watches.set(machine, w);
      }
      w.active = m[2] !== 'closed';
      w.clearable = !w.active;
      w.pdm = { ...e.details, kind: e.kind, message: e.message };
      this.step(rt, w, e.ts);
    }
  }

  private step(rt: RuleRuntime, w: Watch, ts: number): void {
    const r = w.cond.step(ts, w.active, w.clearable);
    if (r === 'fire') this.fire(rt, w, ts);
  }

  private refreshTags(): void {
    const now = Date.now();
    if (this.refreshing || now - this.lastRefresh < 1000) return;
    this.lastRefresh = now;
    this.refreshing = this.d
      .listTags()
      .then((tags) => {
        for (const t of tags) this.byKey.set(t.key, t.id);
      })
      .catch((err: unknown) => this.d.log.warn({ err }, 'workflows: could not list tags; retrying'))
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  /** Held conditions, schedules, KPI polls, re-planning and the simulated crew. */
  tick(): void {
    if (this.stopped) return;
    const now = this.now();
    for (const rt of this.runtimes.values()) {
      if (!rt.rule.enabled) continue;
      const t = rt.rule.trigger;
      for (const w of rt.watches.values()) {
        if (w.cond.phase === 'pending') this.step(rt, w, Math.max(now, w.valueTs ?? 0));
      }
      if (t.kind === 'schedule' && rt.nextScheduleAt !== undefined && now >= rt.nextScheduleAt) {
        rt.nextScheduleAt = nextBoundary(now, t.every, t.offset);
        const assets = rt.rule.assets.length > 0 ? rt.rule.assets : [''];
        for (const asset of assets) {
          this.fire(rt, { cond: new Condition(0), asset, active: true, clearable: false }, now);
        }
      }
      if (t.kind === 'kpi' && this.d.kpi && !rt.kpiRunning && now >= (rt.nextKpiAt ?? 0)) {
        rt.nextKpiAt = now + t.every;
        rt.kpiRunning = true;
        this.pollKpi(rt, now)
          .catch((err: unknown) => this.d.log.warn({ err, rule: rt.rule.id }, 'KPI trigger: could not compute'))
          .finally(() => {
            rt.kpiRunning = false;
          });
      }
    }
    if (now - this.lastReplan >= 60_000) {
      this.lastReplan = now;
      this.guard(() => this.workOrders.replanOpen('scheduler'));
    }
    if (this.d.config.execution === 'simulated') {
      this.workOrders.runCrew().catch((err: unknown) => this.d.log.error({ err }, 'simulated crew failed'));
    }
  }

  private async pollKpi(rt: RuleRuntime, now: number): Promise<void> {
    const t = rt.rule.trigger;
    if (t.kind !== 'kpi' || !this.d.kpi) return;
    const scopes = rt.rule.assets.length > 0 ? rt.rule.assets : [''];
    const machines = new Set<string>();
    for (const s of scopes) for (const m of await this.d.kpi.machines(s)) machines.add(m.asset);
    for (const asset of machines) {
      const sum = await this.d.kpi.summary(asset, now - t.window, now);
      const v = (sum.kpis as Record<string, number | null>)[t.kpi];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      let w = rt.watches.get(asset);
      if (!w) {
        w = { cond: new Condition(t.for), asset, active: false, clearable: true };
        rt.watches.set(asset, w);
      }
      Object.assign(w, thresholdState(t, v), { value: v, valueTs: now, tagId: undefined });
      this.step(rt, w, now);
    }
  }

  // --- firing ---

  private fire(rt: RuleRuntime, w: Watch, ts: number): void {
    const rule = rt.rule;
    const t = rule.trigger;
    const values: Firing['values'] =
      w.tagId !== undefined && w.value !== undefined && w.valueTs !== undefined
        ? [{ tagId: w.tagId, value: w.value, ts: w.valueTs }]
        : [];
    const message =
      t.kind === 'tag'
        ? `${t.tag} = ${fmt(w.value)} ${t.above !== undefined ? `above ${t.above}` : `below ${t.below}`}${t.for > 0 ? ` for ${formatDuration(t.for)}` : ''}`
        : t.kind === 'kpi'
          ? `${t.kpi} = ${fmt(w.value)} ${t.above !== undefined ? `above ${t.above}` : `below ${t.below}`} over ${formatDuration(t.window)}`
          : t.kind === 'pdm'
            ? String(w.pdm?.message ?? `pdm ${t.event}`)
            : t.kind === 'state'
              ? `${t.tag} entered ${fmt(w.value)}`
              : `schedule (every ${formatDuration(t.every)})`;
    const firing: Firing = {
      rule,
      asset: w.asset,
      ts,
      message,
      values,
      tagIds: w.tagId ? [w.tagId] : [],
      ...(w.pdm ? { pdm: w.pdm } : {}),
    };
    this.d.log.info({ rule: rule.id, asset: w.asset, message }, 'rule fired');
    this.d.events.emit({
      ts,
      kind: 'rule.fired',
      severity: 'info',
      source: 'workflows',
      message: `rule ${rule.id} fired on ${w.asset || '(all)'}: ${message}`,
      details: { rule: rule.id, version: rt.version, asset: w.asset },
    });
    let workOrder: WorkOrder | undefined;
    rule.actions.forEach((a, i) => {
      this.guard(() => {
        if (a.kind === 'workOrder') workOrder = this.workOrderAction(a, firing);
        else this.outbound(a, firing, i, workOrder);
      }, `rule ${rule.id} action ${i} (${a.kind})`);
    });
  }

  private workOrderAction(a: Extract<RuleAction, { kind: 'workOrder' }>, f: Firing): WorkOrder {
    const evidence: WorkOrderEvidence = {
      values: f.values,
      // The dashboard's machine page with the triggering tag, two hours before to ten minutes after.
      trendUrl: `/#/machine/${f.asset}?from=${f.ts - 2 * 3_600_000}&to=${f.ts + 600_000}${f.tagIds.length > 0 ? `&tags=${encodeURIComponent(f.tagIds.join(','))}` : ''}`,
      text: `rule ${f.rule.id}: ${f.message}`,
    };
    const mode = a.rulMode ?? a.failureMode.split('_')[0]!;
    let dueBy: number | undefined;
    const h = this.d.pdm?.machine(f.asset);
    if (h) {
      evidence.healthIndex = round(h.healthIndex);
      if (Number.isFinite(h.anomalyScore)) evidence.anomalyScore = round(h.anomalyScore);
      const rul = h.rul.find((r) => r.mode === mode);
      if (rul) {
        evidence.rulHours = round(rul.hours);
        evidence.rulLowHours = round(rul.low);
        evidence.rulHighHours = round(rul.high);
        // The pessimistic end of the interval: plan before the bearing may fail, not before it probably will.
        dueBy = h.ts + rul.low * 3_600_000;
      }
    }
    if (f.pdm && typeof f.pdm.rulLowHours === 'number') {
      evidence.rulHours = f.pdm.rulHours as number;
      evidence.rulLowHours = f.pdm.rulLowHours;
      evidence.rulHighHours = f.pdm.rulHighHours as number;
      dueBy = f.ts + f.pdm.rulLowHours * 3_600_000;
    }
    const ctx = this.context(f);
    const { workOrder } = this.workOrders.raise(
      {
        asset: f.asset,
        failureMode: a.failureMode,
        title: render(a.title, ctx),
        reason: `${f.rule.name ?? f.rule.id}: ${f.message}`,
        evidence,
        priority: a.priority,
        // Fractional minutes: an accelerated demo plans jobs of seconds.
        requiredDowntimeMin: Math.round((a.requiredDowntime / 60_000) * 1000) / 1000,
        ...(dueBy !== undefined ? { dueBy: Math.round(dueBy) } : {}),
        ruleId: f.rule.id,
        ...(a.onComplete ? { onComplete: a.onComplete } : {}),
        ...(a.onStart ? { onStart: a.onStart } : {}),
      },
      `rule:${f.rule.id}`,
    );
    return workOrder;
  }

  private outbound(
    a: Exclude<RuleAction, { kind: 'workOrder' }>,
    f: Firing,
    index: number,
    wo: WorkOrder | undefined,
  ): void {
    const ctx = this.context(f, wo);
    const key = `${f.rule.id}:${f.asset}:${f.ts}:${index}`;
    if (a.kind === 'write') {
      const commands = this.d.commands?.();
      if (!commands) throw new Error('no guarded write path configured');
      const tagId = a.tag.includes('/') && !f.asset ? a.tag : `${f.asset}/${a.tag}`;
      const principal: Principal = { kind: 'system', name: `rule:${f.rule.id}`, role: 'engineer', scope: [] };
      commands
        .write({ tagId, value: a.value, reason: `rule ${f.rule.id}: ${f.message}`, principal })
        .then((r) => {
          if (!r.ok)
            this.d.log.warn({ rule: f.rule.id, tagId, status: r.statusCode }, `rule write refused: ${r.message}`);
        })
        .catch((err: unknown) => this.d.log.error({ err, rule: f.rule.id, tagId }, 'rule write failed'));
      return;
    }
    const delivery = this.d.delivery?.();
    if (!delivery?.enqueue) throw new Error('no delivery configured (`connectors`): the action was not sent');
    (delivery as ActionDelivery).enqueue(toOutbound(a, ctx, f.rule.id), key, f.tagIds);
  }

  private context(f: Firing, wo?: WorkOrder): Record<string, unknown> {
    const v = f.values[0];
    return {
      asset: f.asset,
      rule: { id: f.rule.id, name: f.rule.name ?? f.rule.id },
      message: f.message,
      ts: new Date(f.ts).toISOString(),
      value: v?.value ?? null,
      tag: v?.tagId ?? '',
      pdm: f.pdm ?? {},
      workOrder: wo ? { id: wo.id, title: wo.title, status: wo.status, priority: wo.priority } : {},
    };
  }

  private guard(fn: () => void, what = 'workflows'): void {
    try {
      fn();
    } catch (err) {
      this.d.log.error({ err }, `${what} failed`);
      this.d.events.emit({
        ts: this.now(),
        kind: 'workflow.action.failed',
        severity: 'error',
        source: 'workflows',
        message: `${what} failed: ${(err as Error).message}`,
      });
    }
  }

  // --- calendar ---

  /** Planned-downtime windows, production runs and planned work orders in [from, to), for the calendar. */
  calendar(asset: string, from: number, to: number) {
    return {
      windows: downtimeWindows(this.calendarSource, asset, from, to),
      entries: this.store
        .scheduleEntries(from, to)
        .filter((e) => asset === '' || within(e.assets, asset) || e.assets.some((a) => a.startsWith(`${asset}/`))),
      workOrders: this.store
        .workOrders(10_000)
        .filter(
          (w) =>
            (asset === '' || w.asset === asset || w.asset.startsWith(`${asset}/`)) &&
            w.plannedStart !== undefined &&
            w.plannedEnd !== undefined &&
            w.plannedEnd > from &&
            w.plannedStart < to,
        ),
    };
  }

  addScheduleEntry(e: Omit<ScheduleEntry, 'id'>, principal: Principal): ScheduleEntry {
    if (!(e.end > e.start)) throw new GotthardError('GT_BAD_REQUEST', 'schedule entry: `end` must be after `start`');
    const out = this.store.addScheduleEntry(e);
    this.d.audit?.()?.append({
      actor: actorOf(principal),
      action: 'schedule.add',
      target: String(out.id),
      outcome: 'ok',
      details: { ...e },
    });
    this.workOrders.replanOpen(actorOf(principal));
    return out;
  }

  deleteScheduleEntry(id: number, principal: Principal): void {
    if (!this.store.deleteScheduleEntry(id)) throw new GotthardError('GT_NOT_FOUND', `no schedule entry ${id}`);
    this.d
      .audit?.()
      ?.append({ actor: actorOf(principal), action: 'schedule.delete', target: String(id), outcome: 'ok' });
  }
}

function toOutbound(
  a: Exclude<RuleAction, { kind: 'workOrder' | 'write' }>,
  ctx: Record<string, unknown>,
  ruleId: string,
): OutboundAction {
  switch (a.kind) {
    case 'webhook':
      return {
        kind: 'notify.webhook',
        connector: a.connector,
        subject: render(a.subject, ctx),
        body: { ...ctx, rule: ruleId },
      };
    case 'email':
      return {
        kind: 'notify.email',
        connector: a.connector,
        to: a.to,
        subject: render(a.subject, ctx),
        text: render(a.text, ctx),
      };
    case 'mqtt':
      return {
        kind: 'mqtt.publish',
        topic: render(a.topic, ctx),
        payload: render(a.payload, ctx),
        qos: a.qos,
        retain: a.retain,
      };
    case 'http':
      return { kind: 'http.call', method: a.method, url: a.url, headers: a.headers, body: render(a.body, ctx) };
  }
}

/** The asset a tag id belongs to for a trigger tag: relative (`bearing/wear`) or a full id. */
export function assetOf(tagId: string, tag: string): string | undefined {
  if (tagId.endsWith(`/${tag}`)) return tagId.slice(0, -tag.length - 1);
  return undefined;
}

function nextBoundary(now: number, every: number, offset: number): number {
  return Math.floor((now - offset) / every + 1) * every + offset;
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : String(v);
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
