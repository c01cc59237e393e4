import type { DataGovernance } from '../../security/types.js';
import type { WorkOrder, WorkOrderChange } from '../types.js';

/** Version tag of the webhook body; documented in docs/connectors.md. */
export const WEBHOOK_SCHEMA = 'gotthard.webhook.v1';

/**
 * A change with the evidence values a sink may not receive removed (DataGovernance: confidential
 * and restricted tags leave only where allowed). The removed tag ids are returned, so the payload
 * can say what was withheld.
 */
export function filterEvidence(
  change: WorkOrderChange,
  sink: string,
  governance: DataGovernance | undefined,
): { change: WorkOrderChange; withheldTagIds: string[] } {
  const values = change.workOrder.evidence.values;
  if (!governance || !values || values.length === 0) return { change, withheldTagIds: [] };
  const keep = values.filter((v) => governance.mayLeave(v.tagId, sink));
  if (keep.length === values.length) return { change, withheldTagIds: [] };
  const withheldTagIds = values.filter((v) => !keep.includes(v)).map((v) => v.tagId);
  return {
    change: { ...change, workOrder: { ...change.workOrder, evidence: { ...change.workOrder.evidence, values: keep } } },
    withheldTagIds,
  };
}

export interface WebhookWorkOrderBody {
  schema: typeof WEBHOOK_SCHEMA;
  id: string;
  event: `workorder.${WorkOrderChange['kind']}`;
  occurredAt: string;
  connector: string;
  actor: string;
  note?: string;
  workOrder: Omit<WorkOrder, 'createdAt' | 'updatedAt' | 'plannedStart' | 'plannedEnd' | 'dueBy'> & {
    createdAt: string;
    updatedAt: string;
    plannedStart?: string;
    plannedEnd?: string;
    dueBy?: string;
  };
  withheld?: { tagIds: string[]; reason: string };
}

export interface WebhookNotificationBody {
  schema: typeof WEBHOOK_SCHEMA;
  id: string;
  event: 'notification';
  occurredAt: string;
  connector: string;
  subject: string;
  body: Record<string, unknown>;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function webhookWorkOrderBody(
  connector: string,
  idempotencyKey: string,
  change: WorkOrderChange,
  withheldTagIds: readonly string[],
): WebhookWorkOrderBody {
  const wo = change.workOrder;
  const body: WebhookWorkOrderBody = {
    schema: WEBHOOK_SCHEMA,
    id: idempotencyKey,
    event: `workorder.${change.kind}`,
    occurredAt: new Date(change.ts).toISOString(),
    connector,
    actor: change.actor,
    workOrder: {
      ...wo,
      createdAt: new Date(wo.createdAt).toISOString(),
      updatedAt: new Date(wo.updatedAt).toISOString(),
      plannedStart: iso(wo.plannedStart),
      plannedEnd: iso(wo.plannedEnd),
      dueBy: iso(wo.dueBy),
    },
  };
  if (change.note !== undefined) body.note = change.note;
  if (withheldTagIds.length > 0) {
    body.withheld = {
      tagIds: [...withheldTagIds],
      reason: 'classification: these tags are confidential or restricted and may not leave through this connector',
    };
  }
  return body;
}

/** Plain-text summary of a change (e-mail body, SAP long text). */
export function changeText(change: WorkOrderChange, withheldTagIds: readonly string[]): string {
  const wo = change.workOrder;
  const lines = [
    `${wo.id} ${change.kind} by ${change.actor}: ${wo.title}`,
    `Asset: ${wo.asset}`,
    `Failure mode: ${wo.failureMode}   Priority: ${wo.priority}   Status: ${wo.status}`,
    `Reason: ${wo.reason}`,
  ];
  if (change.note) lines.push(`Note: ${change.note}`);
  if (wo.plannedStart !== undefined && wo.plannedEnd !== undefined) {
    lines.push(`Planned: ${new Date(wo.plannedStart).toISOString()} – ${new Date(wo.plannedEnd).toISOString()}`);
  }
  if (wo.dueBy !== undefined) lines.push(`Due by (predicted failure): ${new Date(wo.dueBy).toISOString()}`);
  lines.push(`Downtime needed: ${wo.requiredDowntimeMin} min`);
  const ev = wo.evidence;
  if (ev.rulHours !== undefined) {
    lines.push(
      `Remaining useful life: ${ev.rulHours.toFixed(1)} h (80 %: ${ev.rulLowHours?.toFixed(1) ?? '?'}–${ev.rulHighHours?.toFixed(1) ?? '?'} h)`,
    );
  }
  if (ev.healthIndex !== undefined) lines.push(`Health index: ${ev.healthIndex.toFixed(0)}`);
  if (ev.anomalyScore !== undefined) lines.push(`Anomaly score: ${ev.anomalyScore.toFixed(2)}`);
  for (const v of ev.values ?? []) {
    lines.push(`  ${v.tagId} = ${String(v.value)}${v.unit ? ` ${v.unit}` : ''} at ${new Date(v.ts).toISOString()}`);
  }
  if (withheldTagIds.length > 0) {
    lines.push(`Withheld (classification): ${withheldTagIds.join(', ')}`);
  }
  if (ev.text) lines.push(ev.text);
  if (ev.trendUrl) lines.push(`Trend: ${ev.trendUrl}`);
  return lines.join('\n');
}
