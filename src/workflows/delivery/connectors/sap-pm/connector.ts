import type { WorkOrder, WorkOrderChange } from '../../../types.js';
import { changeText } from '../../payload.js';
import type { InboundConfig } from '../common.js';
import { type HttpReply, httpRequest, redact, refuse } from '../http-client.js';
import { type Connector, type DeliveryContext, DeliveryError, type DeliveryOutcome } from '../types.js';
import type { SapConnectorConfig } from './config.js';

/** Entity set of API_MAINTNOTIFICATION (OData V2). */
const ENTITY_SET = 'MaintenanceNotification';

/** Fields of a MaintenanceNotification the hub writes (names as in API_MAINTNOTIFICATION). */
interface NotificationFields {
  NotificationText: string;
  MaintPriority: string;
  RequiredStartDate?: string | null;
  RequiredEndDate?: string | null;
}

interface NotificationRead extends Partial<NotificationFields> {
  MaintenanceNotification: string;
  NotifProcessingPhase?: string;
  __metadata?: { etag?: string };
}

/** OData V2 Edm.DateTime literal for a day (SAP date fields carry no time). */
function odataDate(ms: number | undefined): string | null {
  if (ms === undefined) return null;
  const d = new Date(ms);
  return `/Date(${Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())})/`;
}

/** MaintNotifExtReferenceNumber: 20 characters, upper case. */
export function sapExternalReference(workOrderId: string): string {
  return workOrderId.toUpperCase().slice(0, 20);
}

function odataError(text: string): string {
  try {
    const e = JSON.parse(text) as { error?: { code?: string; message?: { value?: string } | string } };
    const m = e.error?.message;
    return `${e.error?.code ?? ''} ${typeof m === 'string' ? m : (m?.value ?? '')}`.trim();
  } catch {
    return text.slice(0, 200);
  }
}

/**
 * SAP PM through the OData V2 service API_MAINTNOTIFICATION: creates a maintenance notification per
 * work order and keeps it up to date.
 *
 * SAP quirks handled here:
 * - Modifying requests need an `x-csrf-token` fetched with `x-csrf-token: Fetch` on a GET, sent
 *   back with the session cookies; SAP answers 403 with `x-csrf-token: Required` when it expired,
 *   having processed nothing, so the request is re-sent once with a fresh token.
 * - Updates carry `If-Match` with the entity's ETag; a 412 means someone changed it in between, so
 *   the entity is read again and the update re-applied.
 * - SAP has no idempotency header. The hub's work-order id goes into MaintNotifExtReferenceNumber;
 *   after an uncertain create (timeout, reset after sending) or a restart mid-call, the notification
 *   is looked up by that reference before creating again, and the number SAP gave is remembered.
 * - Updates compare the fields first and write only what differs, and status changes check
 *   NotifProcessingPhase first, so a repeated attempt changes nothing twice.
 */
export class SapPmConnector implements Connector {
  readonly kind = 'sap-pm';
  readonly name: string;
  readonly sink: string;
  readonly target: string;
  readonly workOrders: boolean;
  readonly actions = [] as const;
  readonly concurrency: number;
  readonly inbound: InboundConfig | undefined;
  /** CSRF token and session cookies per service root. */
  private readonly csrf = new Map<string, { token: string; cookie: string }>();
  private oauth: { token: string; expiresAt: number } | undefined;

  constructor(private readonly cfg: SapConnectorConfig) {
    this.name = cfg.name;
    this.sink = `erp:${cfg.name}`;
    this.target = redact(cfg.url);
    this.workOrders = cfg.workOrders;
    this.concurrency = cfg.concurrency;
    this.inbound = cfg.inbound;
  }

  async deliver(ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const p = ctx.entry.payload;
    if (p.type !== 'workorder') {
      throw new DeliveryError(`SAP connector ${this.name} takes work orders only, not ${p.action.kind}`, true);
    }
    const { change, withheldTagIds } = p;
    const wo = change.workOrder;
    let number = ctx.externalIdOf(wo.id) ?? wo.externalIds[this.name];
    // A previous attempt may have created it without us learning the number; so may another path.
    if (number === undefined && (ctx.entry.attempts > 1 || change.kind !== 'created')) {
      number = await this.findByReference(sapExternalReference(wo.id), ctx.signal);
    }
    if (number === undefined) {
      number = await this.create(wo, change, withheldTagIds, ctx.signal);
      ctx.rememberExternalId(wo.id, number);
      if (change.kind === 'created') return { externalId: number };
    } else {
      ctx.rememberExternalId(wo.id, number);
      if (change.kind === 'created') return { externalId: number };
    }
    await this.update(number, wo, ctx.signal);
    if (this.cfg.orders && wo.plannedStart !== undefined && (wo.status === 'planned' || wo.status === 'in_progress')) {
      await this.ensureOrder(number, wo, ctx);
    }
    return { externalId: number };
  }

  /**
   * A maintenance order for the notification (API_MAINTENANCEORDER), created once the work order
   * is planned, its basic dates kept on the planned window. Like notifications, an unknown order is
   * looked up (by its MaintenanceNotification) before one is created.
   */
  private async ensureOrder(notification: string, wo: WorkOrder, ctx: DeliveryContext): Promise<void> {
    const o = this.cfg.orders;
    if (!o) return;
    const base = o.url;
    const want = { MaintOrdBasicStartDate: odataDate(wo.plannedStart), MaintOrdBasicEndDate: odataDate(wo.plannedEnd) };
    let order = ctx.externalIdOf(wo.id, 'order');
    if (order === undefined) {
      const filter = encodeURIComponent(`MaintenanceNotification eq '${notification}'`);
      const r = await this.send(
        'GET',
        `MaintenanceOrder?$filter=${filter}&$select=MaintenanceOrder`,
        { signal: ctx.signal },
        base,
      );
      if (r.status !== 200) this.fail(`look up the order of notification ${notification}`, r);
      order = (JSON.parse(r.text) as { d?: { results?: { MaintenanceOrder: string }[] } }).d?.results?.[0]
        ?.MaintenanceOrder;
    }
    if (order === undefined) {
      const fields: Record<string, unknown> = {
        MaintenanceOrderType: o.orderType,
        MaintenanceOrderDesc: wo.title.slice(0, 40),
        MaintenanceNotification: notification,
        MaintPriority: String(wo.priority),
        ...want,
      };
      if (this.cfg.planningPlant) fields.MaintenancePlanningPlant = this.cfg.planningPlant;
      if (o.mainWorkCenter) fields.MainWorkCenter = o.mainWorkCenter;
      const r = await this.modify('POST', 'MaintenanceOrder', fields, undefined, ctx.signal, base);
      if (r.status !== 201) this.fail(`create the order for notification ${notification}`, r);
      const created = (JSON.parse(r.text) as { d?: { MaintenanceOrder?: string } }).d?.MaintenanceOrder;
      if (!created) throw new DeliveryError(`SAP ${this.name}: 201 without a MaintenanceOrder number`, false, true);
      ctx.rememberExternalId(wo.id, created, 'order');
      return;
    }
    ctx.rememberExternalId(wo.id, order, 'order');
    const key = `MaintenanceOrder('${order}')`;
    for (let round = 0; round < 2; round++) {
      const { entity, etag } = await this.read(key, ctx.signal, base);
      const cur = entity as unknown as Record<string, unknown>;
      const patch = Object.fromEntries(Object.entries(want).filter(([k, v]) => v !== null && (cur[k] ?? null) !== v));
      if (Object.keys(patch).length === 0) return;
      const r = await this.modify('PATCH', key, patch, etag, ctx.signal, base);
      if (r.status === 412 && round === 0) continue;
      if (r.status !== 204 && r.status !== 200) this.fail(`update order ${order}`, r);
      return;
    }
  }

  async close(): Promise<void> {}

  private desired(wo: WorkOrder): NotificationFields {
    return {
      NotificationText: wo.title.slice(0, 40),
      MaintPriority: String(wo.priority),
      RequiredStartDate: odataDate(wo.plannedStart),
      RequiredEndDate: odataDate(wo.plannedEnd ?? wo.dueBy),
    };
  }

  private async create(
    wo: WorkOrder,
    change: WorkOrderChange,
    withheldTagIds: readonly string[],
    signal: AbortSignal,
  ): Promise<string> {
    const fields: Record<string, unknown> = {
      ...this.desired(wo),
      NotificationType: this.cfg.notificationType,
      MaintNotifExtReferenceNumber: sapExternalReference(wo.id),
      MaintNotifLongTextForEdit: changeText(change, withheldTagIds).slice(0, 1333),
    };
    const techObject = this.cfg.technicalObjects[wo.asset];
    if (techObject) {
      fields.TechnicalObject = techObject;
      fields.TechObjIsEquipOrFuncnlLoc = this.cfg.technicalObjectType;
    }
    if (this.cfg.planningPlant) fields.MaintenancePlanningPlant = this.cfg.planningPlant;
    for (const k of ['RequiredStartDate', 'RequiredEndDate']) if (fields[k] === null) delete fields[k];
    const r = await this.modify('POST', ENTITY_SET, fields, undefined, signal);
    if (r.status !== 201) this.fail(`create notification for ${wo.id}`, r);
    const d = (JSON.parse(r.text) as { d?: NotificationRead }).d;
    if (!d?.MaintenanceNotification) {
      throw new DeliveryError(`SAP ${this.name}: 201 without a MaintenanceNotification number`, false, true);
    }
    return d.MaintenanceNotification;
  }

  private async update(number: string, wo: WorkOrder, signal: AbortSignal): Promise<void> {
    const key = `${ENTITY_SET}('${number.replace(/'/g, "''")}')`;
    const want = this.desired(wo);
    for (let round = 0; ; round++) {
      const { entity, etag } = await this.read(key, signal);
      const patch: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(want) as [keyof NotificationFields, string | null][]) {
        if (v === null) continue;
        if ((entity[k] ?? null) !== v) patch[k] = v;
      }
      if (Object.keys(patch).length > 0) {
        const r = await this.modify('PATCH', key, patch, etag, signal);
        if (r.status === 412 && round === 0) continue;
        if (r.status !== 204 && r.status !== 200) this.fail(`update notification ${number}`, r);
      }
      const fn = this.phaseFunction(wo, entity.NotifProcessingPhase);
      if (fn) {
        const fresh = Object.keys(patch).length > 0 ? (await this.read(key, signal)).etag : etag;
        const r = await this.modify(
          'POST',
          `${fn}?MaintenanceNotification='${encodeURIComponent(number)}'`,
          undefined,
          fresh,
          signal,
        );
        if (r.status === 412 && round === 0) continue;
        if (r.status < 200 || r.status >= 300) this.fail(`${fn} on notification ${number}`, r);
      }
      return;
    }
  }

  /**
   * Function import that moves the notification to the work order's status, unless its
   * NotifProcessingPhase (1 outstanding, 2 postponed, 3 in process, 4 completed) already says so.
   */
  private phaseFunction(wo: WorkOrder, phase: string | undefined): string | undefined {
    if (wo.status === 'in_progress' && (phase === '1' || phase === '2')) return 'PutMaintNotifInProcess';
    if (wo.status === 'done' && phase !== '4') return 'CompleteMaintNotif';
    return undefined;
  }

  private async read(
    key: string,
    signal: AbortSignal,
    base = this.cfg.url,
  ): Promise<{ entity: NotificationRead; etag: string | undefined }> {
    const r = await this.send('GET', key, { signal }, base);
    if (r.status !== 200) this.fail(`read ${key}`, r);
    const entity = (JSON.parse(r.text) as { d: NotificationRead }).d;
    return { entity, etag: r.headers.get('etag') ?? entity.__metadata?.etag };
  }

  private async findByReference(ref: string, signal: AbortSignal): Promise<string | undefined> {
    const filter = encodeURIComponent(`MaintNotifExtReferenceNumber eq '${ref.replace(/'/g, "''")}'`);
    const r = await this.send('GET', `${ENTITY_SET}?$filter=${filter}&$select=MaintenanceNotification`, { signal });
    if (r.status !== 200) this.fail(`look up notification by reference ${ref}`, r);
    const rows = (JSON.parse(r.text) as { d?: { results?: NotificationRead[] } }).d?.results ?? [];
    return rows[0]?.MaintenanceNotification;
  }

  private fail(what: string, r: HttpReply): never {
    refuse(`SAP ${this.name}: ${what}`, { ...r, text: odataError(r.text) });
  }

  /** A modifying request with the CSRF token; re-fetches the token once when SAP says it is required. */
  private async modify(
    method: 'POST' | 'PATCH',
    path: string,
    body: Record<string, unknown> | undefined,
    etag: string | undefined,
    signal: AbortSignal,
    base = this.cfg.url,
  ): Promise<HttpReply> {
    for (let round = 0; ; round++) {
      const csrf = this.csrf.get(base) ?? (await this.fetchCsrf(signal, base));
      const headers: Record<string, string> = { 'x-csrf-token': csrf.token };
      if (csrf.cookie) headers.cookie = csrf.cookie;
      if (etag) headers['if-match'] = etag;
      const r = await this.send(
        method,
        path,
        { signal, headers, body: body === undefined ? undefined : JSON.stringify(body) },
        base,
      );
      if (r.status === 403 && r.headers.get('x-csrf-token')?.toLowerCase() === 'required' && round === 0) {
        this.csrf.delete(base);
        continue;
      }
      return r;
    }
  }

  private async fetchCsrf(signal: AbortSignal, base: string): Promise<{ token: string; cookie: string }> {
    const r = await this.send('GET', '', { signal, headers: { 'x-csrf-token': 'Fetch' } }, base);
    const token = r.headers.get('x-csrf-token');
    if (r.status !== 200 || !token || token.toLowerCase() === 'required') this.fail('fetch x-csrf-token', r);
    const cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';', 1)[0])
      .join('; ');
    const entry = { token, cookie };
    this.csrf.set(base, entry);
    return entry;
  }

  private async send(
    method: string,
    path: string,
    o: { signal: AbortSignal; headers?: Record<string, string>; body?: string | undefined },
    service = this.cfg.url,
  ): Promise<HttpReply> {
    const base = service.replace(/\/+$/, '');
    const url = new URL(path === '' ? `${base}/` : `${base}/${path}`);
    if (this.cfg.client) url.searchParams.set('sap-client', this.cfg.client);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: await this.authorization(o.signal),
      ...o.headers,
    };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const r = await httpRequest(url.toString(), { method, headers, body: o.body, signal: o.signal });
    if (r.status === 401 && this.cfg.auth.kind === 'oauth2') this.oauth = undefined;
    return r;
  }

  private async authorization(signal: AbortSignal): Promise<string> {
    const a = this.cfg.auth;
    if (a.kind === 'basic') return `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
    if (this.oauth && this.oauth.expiresAt > Date.now()) return `Bearer ${this.oauth.token}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (a.scope) form.set('scope', a.scope);
    const r = await httpRequest(a.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(a.clientId)}:${encodeURIComponent(a.clientSecret)}`).toString('base64')}`,
      },
      body: form.toString(),
      signal,
    });
    if (r.status !== 200) refuse(`SAP ${this.name}: OAuth token from ${redact(a.tokenUrl)}`, r);
    const t = JSON.parse(r.text) as { access_token?: string; expires_in?: number };
    if (!t.access_token) throw new DeliveryError(`SAP ${this.name}: token reply without access_token`, true);
    // Renew a minute early so a token never expires mid-request.
    this.oauth = { token: t.access_token, expiresAt: Date.now() + Math.max(0, (t.expires_in ?? 3600) - 60) * 1000 };
    return `Bearer ${this.oauth.token}`;
  }
}
