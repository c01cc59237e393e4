/**
 * The workflows door: work orders (a small CMMS inside the hub) and the durable delivery of
 * everything that leaves the hub because of them (ERP/CMMS connectors, webhooks, e-mail, MQTT, HTTP).
 * src/workflows/workorders, rules and scheduling own the work orders; src/workflows/delivery owns
 * the outbox, the connectors and the inbound status endpoint.
 */

export const WORK_ORDER_STATUSES = ['open', 'planned', 'in_progress', 'done', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** 1 = very high (SAP PM priority 1) … 4 = low. */
export type WorkOrderPriority = 1 | 2 | 3 | 4;

export interface WorkOrderEvidence {
  /** Tag values that triggered it: tag id, value, unit, source timestamp (epoch ms). */
  values?: { tagId: string; value: number | string | boolean | null; unit?: string; ts: number }[];
  /** Predictive-maintenance snapshot when a pdm event triggered it. */
  anomalyScore?: number;
  healthIndex?: number;
  /** Remaining useful life in hours, with its 80 % interval. */
  rulHours?: number;
  rulLowHours?: number;
  rulHighHours?: number;
  /** Dashboard link to the trend around the trigger, e.g. `/machine/<path>?from=…&to=…`. */
  trendUrl?: string;
  /** Free text: which rule fired and why. */
  text?: string;
}

export interface WorkOrder {
  /** Hub-local id, e.g. `WO-000042`. */
  id: string;
  /** Asset path of the machine (UNS path). */
  asset: string;
  /** Failure mode code, e.g. `bearing_wear`, `tool_wear`. One open work order per (asset, failureMode). */
  failureMode: string;
  title: string;
  reason: string;
  evidence: WorkOrderEvidence;
  priority: WorkOrderPriority;
  /** Downtime the job needs, minutes. */
  requiredDowntimeMin: number;
  status: WorkOrderStatus;
  /** Planned window (epoch ms) once scheduled. */
  plannedStart?: number;
  plannedEnd?: number;
  /** Predicted failure time (epoch ms) the plan must beat, when known. */
  dueBy?: number;
  escalated: boolean;
  /** Rule that opened it, if any. */
  ruleId?: string;
  /** Ids in external systems, keyed by connector name (e.g. SAP notification number). */
  externalIds: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** Monotonic revision; every change increments it (used in idempotency keys). */
  revision: number;
}

/** One change to a work order, as kept in its history and handed to delivery. */
export interface WorkOrderChange {
  kind: 'created' | 'updated' | 'status' | 'planned' | 'escalated';
  workOrder: WorkOrder;
  actor: string;
  ts: number;
  note?: string;
}

/** Durable delivery of work-order changes to the configured connectors (outbox, retries, dead letters). */
export interface WorkOrderDelivery {
  /** Persists one outbox entry per configured connector before returning; delivery happens later. */
  enqueue(change: WorkOrderChange): void;
}

/** What inbound status updates from an ERP/CMMS call on the work-order store. */
export interface WorkOrderStatusSink {
  applyExternalStatus(
    connector: string,
    ref: { workOrderId?: string; externalId?: string },
    status: WorkOrderStatus,
    note?: string,
  ): WorkOrder;
  setExternalId(workOrderId: string, connector: string, externalId: string): void;
}

/** An outbound action of a rule, delivered through the durable outbox like work-order changes. */
export type OutboundAction =
  | { kind: 'notify.webhook'; connector: string; subject: string; body: Record<string, unknown> }
  | { kind: 'notify.email'; connector: string; to: string[]; subject: string; text: string }
  | { kind: 'mqtt.publish'; topic: string; payload: string; qos: 0 | 1; retain: boolean }
  | {
      kind: 'http.call';
      method: 'POST' | 'PUT' | 'PATCH';
      url: string;
      headers: Record<string, string>;
      body: string;
    };

export interface ActionDelivery {
  /**
   * Persists the action before returning; delivered later, retried with backoff, never twice for the
   * same idempotency key. `tagIds` are the tags whose values the payload carries (classification check).
   */
  enqueue(action: OutboundAction, idempotencyKey: string, tagIds: readonly string[]): void;
}
