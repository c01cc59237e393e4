import type { Logger } from 'pino';
import { GotthardError } from '../errors.js';
import type { EventSink } from '../pipeline/types.js';
import type { AuditTrail, MachineCommands, Principal } from '../security/types.js';
import { busySlots, type CalendarSource, plan } from './scheduling.js';
import type { WorkflowStore, WorkOrderExtra } from './store.js';
import type {
  ActionDelivery,
  OutboundAction,
  WorkOrder,
  WorkOrderChange,
  WorkOrderDelivery,
  WorkOrderPriority,
  WorkOrderStatus,
  WorkOrderStatusSink,
} from './types.js';

/** Allowed status moves; `done` and `cancelled` are final. */
export const TRANSITIONS: Record<WorkOrderStatus, readonly WorkOrderStatus[]> = {
  open: ['planned', 'in_progress', 'done', 'cancelled'],
  planned: ['open', 'in_progress', 'done', 'cancelled'],
  in_progress: ['planned', 'done', 'cancelled'],
  done: [],
  cancelled: [],
};

const ACTIVE: readonly WorkOrderStatus[] = ['open', 'planned', 'in_progress'];

/** What a rule (or a person through the API) asks for: the work order's own fields, as WorkOrder documents them. */
export interface WorkOrderRequest
  extends Pick<
    WorkOrder,
    'asset' | 'failureMode' | 'title' | 'reason' | 'evidence' | 'priority' | 'requiredDowntimeMin' | 'dueBy' | 'ruleId'
  > {
  onComplete?: WorkOrderExtra['onComplete'];
  onStart?: WorkOrderExtra['onStart'];
}

export interface WorkOrderBookDeps {
  store: WorkflowStore;
  calendar: CalendarSource;
  horizonMs: number;
  /** Notifications sent through delivery when a work order is escalated, rendered for it. */
  escalation: (wo: WorkOrder, why: string) => OutboundAction[];
  events: EventSink;
  log: Logger;
  delivery: () => (Partial<WorkOrderDelivery> & Partial<ActionDelivery>) | undefined;
  commands: () => MachineCommands | undefined;
  audit: () => AuditTrail | undefined;
  now: () => number;
}

/**
 * The work orders: one open work order per asset and failure mode (a repeated trigger updates it),
 * every change stored with its history, handed to delivery and audited; new work is planned into the
 * next fitting downtime window or escalated. Completing a work order runs its `onComplete` method
 * through the guarded write path (the demo's closed loop: ResetWear).
 */
export class WorkOrderBook implements WorkOrderStatusSink {
  constructor(private readonly d: WorkOrderBookDeps) {}

  /** Opens a work order, or updates the open one for the same asset and failure mode. */
  raise(req: WorkOrderRequest, actor: string): { workOrder: WorkOrder; created: boolean } {
    const now = this.d.now();
    const existing = this.d.store.openWorkOrder(req.asset, req.failureMode);
    if (existing) {
      const wo: WorkOrder = {
        ...existing,
        reason: req.reason,
        evidence: { ...existing.evidence, ...req.evidence },
        priority: Math.min(existing.priority, req.priority) as WorkOrderPriority,
        dueBy: minDefined(existing.dueBy, req.dueBy),
        updatedAt: now,
        revision: existing.revision + 1,
      };
      this.commit(wo, 'updated', actor, 'triggered again');
      // A nearer predicted failure may no longer leave room for the planned slot.
      if (wo.status === 'planned' && wo.dueBy !== undefined && (wo.plannedEnd ?? 0) > wo.dueBy) {
        return { workOrder: this.schedule(wo, actor), created: false };
      }
      return { workOrder: wo, created: false };
    }
    const created = this.d.store.createWorkOrder(
      {
        asset: req.asset,
        failureMode: req.failureMode,
        title: req.title,
        reason: req.reason,
        evidence: req.evidence,
        priority: req.priority,
        requiredDowntimeMin: req.requiredDowntimeMin,
        status: 'open',
        ...(req.dueBy !== undefined ? { dueBy: req.dueBy } : {}),
        escalated: false,
        ...(req.ruleId !== undefined ? { ruleId: req.ruleId } : {}),
        externalIds: {},
        createdAt: now,
        updatedAt: now,
        revision: 1,
      },
      {
        ...(req.onComplete ? { onComplete: req.onComplete } : {}),
        ...(req.onStart ? { onStart: req.onStart } : {}),
      },
      { ts: now, kind: 'created', actor, note: req.reason },
    );
    this.published(created, 'created', actor, req.reason);
    return { workOrder: this.schedule(created, actor), created: true };
  }

  /**
   * Plans an open (or re-plans a planned) work order into the first fitting window; escalates it
   * once when none fits: priority raised by one, a `workorder.escalated` event and notifications.
   */
  schedule(wo: WorkOrder, actor: string): WorkOrder {
    const now = this.d.now();
    const busy = busySlots(this.d.store.activeWorkOrders(), wo.asset, wo.id);
    const r = plan(this.d.calendar, wo.asset, wo.requiredDowntimeMin * 60_000, now, wo.dueBy, this.d.horizonMs, busy);
    if (r.fits) {
      const next: WorkOrder = {
        ...wo,
        status: 'planned',
        plannedStart: r.start,
        plannedEnd: r.end,
        updatedAt: now,
        revision: wo.revision + 1,
      };
      this.commit(
        next,
        'planned',
        actor,
        `planned ${new Date(r.start).toISOString()}–${new Date(r.end).toISOString()} (${r.window.names.join(', ')})`,
      );
      return next;
    }
    if (wo.escalated) return wo;
    const next: WorkOrder = {
      ...wo,
      status: wo.status === 'planned' ? 'open' : wo.status,
      escalated: true,
      priority: Math.max(1, wo.priority - 1) as WorkOrderPriority,
      updatedAt: now,
      revision: wo.revision + 1,
    };
    delete next.plannedStart;
    delete next.plannedEnd;
    this.commit(next, 'escalated', actor, r.why);
    this.d.events.emit({
      ts: now,
      kind: 'workorder.escalated',
      severity: 'warning',
      source: 'workflows',
      message: `${next.id} (${next.title}) cannot be planned: ${r.why}; priority raised to ${next.priority}`,
      details: { workOrder: next.id, asset: next.asset, failureMode: next.failureMode, dueBy: next.dueBy },
    });
    const delivery = this.d.delivery();
    this.d.escalation(next, r.why).forEach((a, i) => {
      if (delivery?.enqueue === undefined) {
        this.d.log.warn(
          { workOrder: next.id },
          'escalation notification not sent: no delivery (`connectors`) configured',
        );
        return;
      }
      (delivery as ActionDelivery).enqueue(a, `escalation:${next.id}:${i}`, []);
    });
    return next;
  }

  /** Moves a work order to a new status (API, dashboard, crew); completing it runs `onComplete`. */
  async setStatus(id: string, status: WorkOrderStatus, principal: Principal, note?: string): Promise<WorkOrder> {
    const cur = this.d.store.workOrder(id);
    if (!cur) throw new GotthardError('GT_NOT_FOUND', `no work order "${id}"; list them with GET /api/v1/workorders`);
    const { wo, extra } = cur;
    if (wo.status === status) return wo;
    if (!TRANSITIONS[wo.status].includes(status)) {
      throw new GotthardError(
        'GT_CONFLICT',
        `work order ${id} is ${wo.status}; it can go to ${TRANSITIONS[wo.status].join(', ') || 'nothing (final)'}, not ${status}`,
      );
    }
    const actor = actorOf(principal);
    if (status === 'planned') return this.schedule(wo, actor);
    const next: WorkOrder = { ...wo, status, updatedAt: this.d.now(), revision: wo.revision + 1 };
    this.commit(next, 'status', actor, note);
    if (status === 'done' && extra.onComplete) await this.complete(next, extra.onComplete, principal);
    if (status === 'in_progress' && extra.onStart) await this.complete(next, extra.onStart, principal, 'start');
    return next;
  }

  applyExternalStatus(
    connector: string,
    ref: { workOrderId?: string; externalId?: string },
    status: WorkOrderStatus,
    note?: string,
  ): WorkOrder {
    const wo =
      (ref.workOrderId ? this.d.store.workOrder(ref.workOrderId)?.wo : undefined) ??
      (ref.externalId ? this.d.store.byExternalId(connector, ref.externalId) : undefined);
    if (!wo) {
      throw new GotthardError(
        'GT_NOT_FOUND',
        `no work order for ${connector} reference ${ref.workOrderId ?? ref.externalId ?? '(none)'}`,
      );
    }
    if (wo.status === status) return wo;
    if (!TRANSITIONS[wo.status].includes(status)) {
      throw new GotthardError(
        'GT_CONFLICT',
        `work order ${wo.id} is ${wo.status}; ${connector} cannot set it to ${status}`,
      );
    }
    const next: WorkOrder = { ...wo, status, updatedAt: this.d.now(), revision: wo.revision + 1 };
    this.commit(next, 'status', `connector:${connector}`, note);
    const extra = this.d.store.workOrder(wo.id)?.extra;
    const p: Principal = { kind: 'system', name: `connector:${connector}`, role: 'engineer', scope: [] };
    if (status === 'done' && extra?.onComplete) void this.complete(next, extra.onComplete, p);
    if (status === 'in_progress' && extra?.onStart) void this.complete(next, extra.onStart, p, 'start');
    return next;
  }

  setExternalId(workOrderId: string, connector: string, externalId: string): void {
    const wo = this.d.store.workOrder(workOrderId)?.wo;
    if (!wo) throw new GotthardError('GT_NOT_FOUND', `no work order "${workOrderId}"`);
    if (wo.externalIds[connector] === externalId) return;
    const next: WorkOrder = {
      ...wo,
      externalIds: { ...wo.externalIds, [connector]: externalId },
      updatedAt: this.d.now(),
      revision: wo.revision + 1,
    };
    // Stored without a delivery round: the connector told us; sending it back would loop.
    this.d.store.saveWorkOrder(next, {
      ts: next.updatedAt,
      kind: 'updated',
      actor: `connector:${connector}`,
      note: `external id ${externalId}`,
    });
  }

  /** Re-tries planning of open work orders (after the schedule changed, and periodically). */
  replanOpen(actor: string): void {
    for (const wo of this.d.store.activeWorkOrders()) {
      if (wo.status === 'open') this.schedule({ ...wo, escalated: wo.escalated }, actor);
    }
  }

  /** The simulated crew (`execution: simulated`): starts planned work at its slot, finishes it at the slot's end. */
  async runCrew(): Promise<void> {
    const now = this.d.now();
    const crew: Principal = { kind: 'system', name: 'crew', role: 'operator', scope: [] };
    for (const wo of this.d.store.activeWorkOrders()) {
      if (wo.status === 'planned' && wo.plannedStart !== undefined && wo.plannedStart <= now) {
        await this.setStatus(wo.id, 'in_progress', crew, 'simulated crew started the job');
      } else if (wo.status === 'in_progress' && wo.plannedEnd !== undefined && wo.plannedEnd <= now) {
        await this.setStatus(wo.id, 'done', crew, 'simulated crew finished the job');
      }
    }
  }

  /** Calls the work order's method when its job is done (`onComplete`) or starts (`onStart`). */
  private async complete(
    wo: WorkOrder,
    call: NonNullable<WorkOrderExtra['onComplete']>,
    by: Principal,
    phase: 'start' | 'complete' = 'complete',
  ): Promise<void> {
    const commands = this.d.commands();
    const principal: Principal = {
      kind: 'system',
      name: wo.ruleId ? `rule:${wo.ruleId}` : `workorder:${wo.id}`,
      role: 'engineer',
      scope: [],
    };
    let note: string;
    let ok = false;
    if (!commands) {
      note = `${call.method} not called: the guarded write path is not configured`;
    } else {
      try {
        const r = await commands.call({
          asset: wo.asset,
          method: call.method,
          args: call.args,
          reason: `work order ${wo.id} (${wo.title}) ${phase === 'start' ? 'started' : 'completed'} by ${actorOf(by)}`,
          principal,
        });
        ok = r.ok;
        note = `${call.method}: ${r.statusCode}${r.message ? ` (${r.message})` : ''}`;
      } catch (err) {
        note = `${call.method} failed: ${(err as Error).message}`;
      }
    }
    const cur = this.d.store.workOrder(wo.id)?.wo ?? wo;
    const next: WorkOrder = { ...cur, updatedAt: this.d.now(), revision: cur.revision + 1 };
    this.d.store.saveWorkOrder(next, { ts: next.updatedAt, kind: 'updated', actor: principal.name, note });
    this.d.events.emit({
      ts: this.d.now(),
      kind:
        phase === 'start'
          ? ok
            ? 'workorder.start.called'
            : 'workorder.start.failed'
          : ok
            ? 'workorder.completion.called'
            : 'workorder.completion.failed',
      severity: ok ? 'info' : 'warning',
      source: 'workflows',
      message: `${wo.id} ${phase === 'start' ? 'started' : 'done'} on ${wo.asset}: ${note}`,
      details: { workOrder: wo.id, asset: wo.asset, method: call.method },
    });
  }

  private commit(wo: WorkOrder, kind: WorkOrderChange['kind'], actor: string, note?: string): void {
    this.d.store.saveWorkOrder(wo, { ts: wo.updatedAt, kind, actor, ...(note !== undefined ? { note } : {}) });
    this.published(wo, kind, actor, note);
  }

  private published(wo: WorkOrder, kind: WorkOrderChange['kind'], actor: string, note?: string): void {
    const change: WorkOrderChange = {
      kind,
      workOrder: wo,
      actor,
      ts: wo.updatedAt,
      ...(note !== undefined ? { note } : {}),
    };
    const delivery = this.d.delivery();
    try {
      (delivery as WorkOrderDelivery | undefined)?.enqueue?.(change);
    } catch (err) {
      // The work order is stored; delivery reports its own failures. Nothing accepted is lost here.
      this.d.log.error({ err, workOrder: wo.id }, 'work-order change not handed to delivery');
    }
    this.d.audit()?.append({
      actor,
      action: kind === 'created' ? 'workorder.create' : 'workorder.update',
      target: wo.id,
      outcome: 'ok',
      details: { kind, status: wo.status, asset: wo.asset, failureMode: wo.failureMode, revision: wo.revision, note },
    });
    this.d.log.info({ workOrder: wo.id, kind, status: wo.status, actor }, note ?? `work order ${kind}`);
  }

  get(id: string): WorkOrder | undefined {
    return this.d.store.workOrder(id)?.wo;
  }

  isActive(wo: WorkOrder): boolean {
    return ACTIVE.includes(wo.status);
  }
}

export function actorOf(p: Principal): string {
  return p.kind === 'system' ? p.name : `${p.kind}:${p.name}`;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
