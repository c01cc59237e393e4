import type { Logger } from 'pino';
import { z } from 'zod';
import { GotthardError } from '../../errors.js';
import type { SinkHealth } from '../../pipeline/outbox/index.js';
import type { AuditTrail, DataGovernance } from '../../security/types.js';
import type { BrokerTarget } from '../../uns/index.js';
import {
  type ActionDelivery,
  type OutboundAction,
  WORK_ORDER_STATUSES,
  type WorkOrder,
  type WorkOrderChange,
  type WorkOrderDelivery,
  type WorkOrderStatusSink,
} from '../types.js';
import { type Clock, systemClock } from './clock.js';
import type { ConnectorsConfig } from './config.js';
import { type Connector, createConnector, HttpCallConnector, MqttConnector } from './connectors/index.js';
import { ConnectorLane } from './lane.js';
import { DeliveryOutbox, type EntryPayload, type NewEntry, type OutboxEntry } from './outbox.js';
import { SIGNATURE_HEADER, tokenMatches, verifySignature } from './signature.js';

export interface DeliveryOptions {
  config: ConnectorsConfig;
  /** SQLite file of the outbox. */
  outboxPath: string;
  logger: Logger;
  /** Injected so tests can let an hour pass quickly; default the system clock. */
  clock?: Clock;
  /** Jitter source (0…1); default Math.random. */
  random?: () => number;
  /** Asked by the governance stage right before every send; absent means no classification. */
  governance?: () => DataGovernance | undefined;
  /** Broker for `mqtt.publish` actions (the UNS broker or `connectors.mqtt`), when there is one. */
  mqtt?: BrokerTarget;
  /** MQTT client id of the actions session. */
  mqttClientId?: string;
  audit?: () => AuditTrail | undefined;
  statusSink?: WorkOrderStatusSink;
  /** Extra connectors (tests, plug-ins); registered after the configured ones. */
  connectors?: Connector[];
}

/** What `GET /delivery/outbox` and the dashboard show of one entry. */
export interface EntryView {
  id: number;
  connector: string;
  idempotencyKey: string;
  summary: string;
  asset?: string;
  state: OutboxEntry['state'];
  attempts: number;
  createdAt: number;
  nextAt: number;
  updatedAt: number;
  lastError?: string;
  externalId?: string;
}

/** Body of an inbound status update (docs/connectors.md). */
export const inboundStatusSchema = z
  .object({
    workOrderId: z.string().min(1).max(64).optional(),
    externalId: z.string().min(1).max(64).optional(),
    status: z.enum(WORK_ORDER_STATUSES),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .refine((b) => b.workOrderId !== undefined || b.externalId !== undefined, {
    message: 'give workOrderId (the hub id, e.g. WO-000042) or externalId (the id in your system)',
  });

/**
 * Where each rule action kind goes: the connector it names, or the built-in connector of its kind.
 * The chosen connector must list the action kind in its `actions`.
 */
const ACTION_ROUTES: { [K in OutboundAction['kind']]: (a: Extract<OutboundAction, { kind: K }>) => string } = {
  'notify.webhook': (a) => a.connector,
  'notify.email': (a) => a.connector,
  'mqtt.publish': () => 'mqtt',
  'http.call': () => 'http',
};

function routeOf(action: OutboundAction): string {
  return (ACTION_ROUTES[action.kind] as (a: OutboundAction) => string)(action);
}

/**
 * Delivery that loses nothing: every outbound call (work-order changes to SAP / webhooks / e-mail,
 * rule actions) is first written to a durable outbox, then delivered by the runtime, retried with
 * jittered exponential backoff (src/runtime/backoff.ts), and moved to the dead letters only when refused permanently or
 * still failing after `retry.deadAfter`. Idempotency keys make retries harmless; entries of one
 * work order reach a connector in order. Each connector has its own queue (a `ConnectorLane`), so one
 * that hangs delays only itself, and every entry passes the governance stage right before its
 * connector is called (src/workflows/delivery/governance.ts). Inbound status updates come back through
 * `inboundStatus`, authenticated by an HMAC signature or a bearer token.
 */
export class Delivery implements WorkOrderDelivery, ActionDelivery {
  private readonly outbox: DeliveryOutbox;
  private readonly connectors = new Map<string, Connector>();
  private readonly lanes = new Map<string, ConnectorLane>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private statusSink: WorkOrderStatusSink | undefined;
  private started = false;
  private stopped = false;
  private readonly stopController = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private lastPrune = 0;

  constructor(private readonly opts: DeliveryOptions) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.log = opts.logger;
    this.statusSink = opts.statusSink;
    const cfg = opts.config;
    for (const k of cfg.list) this.register(createConnector(k, { timeout: cfg.timeout, logger: opts.logger }));
    this.register(new HttpCallConnector());
    if (opts.mqtt) this.register(new MqttConnector(opts.mqtt, opts.mqttClientId ?? 'gotthard-actions'));
    for (const c of opts.connectors ?? []) this.register(c);
    this.outbox = new DeliveryOutbox(opts.outboxPath);
    for (const c of this.connectors.values()) {
      this.lanes.set(
        c.name,
        new ConnectorLane(c, {
          outbox: this.outbox,
          clock: this.clock,
          random: this.random,
          retry: cfg.retry,
          timeout: cfg.timeout,
          governance: () => this.opts.governance?.(),
          stopSignal: this.stopController.signal,
          rememberExternalId: (connector, wo, id) => this.rememberExternalId(connector, wo, id),
          settled: () => this.settled(),
          logger: this.log,
        }),
      );
    }
  }

  private register(c: Connector): void {
    if (this.connectors.has(c.name)) {
      throw new GotthardError(
        'GT_CONFIG_INVALID',
        `connectors: the name "${c.name}" is used twice (reserved: http, mqtt)`,
      );
    }
    this.connectors.set(c.name, c);
  }

  /** Names and kinds of the connectors (rules check their actions against it). */
  connectorList(): { name: string; kind: Connector['kind']; target: string; workOrders: boolean; inbound: boolean }[] {
    return [...this.connectors.values()].map((c) => ({
      name: c.name,
      kind: c.kind,
      target: c.target,
      workOrders: c.workOrders,
      inbound: c.inbound !== undefined,
    }));
  }

  /** The work-order store that inbound status updates are applied to (src/workflows/workorders). */
  attachStatusSink(sink: WorkOrderStatusSink): void {
    this.statusSink = sink;
  }

  /** Starts delivering what the outbox holds (also entries from before a restart). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const backlog = this.outbox.backlog();
    const pending = [...backlog.values()].reduce((n, b) => n + b.pending, 0);
    if (pending > 0) this.log.info({ pending }, 'delivery outbox holds entries from before; delivering them');
    // The config may have lost a connector since they were queued: hold them visibly, not forever.
    for (const name of backlog.keys()) {
      if (this.connectors.has(name)) continue;
      for (const e of this.outbox.list('pending', 1_000_000, name)) {
        this.outbox.markDead(e.id, this.clock.now(), `connector "${name}" is no longer configured`);
      }
    }
    this.kickAll();
  }

  /** Stops: aborts calls in flight (they count as uncertain and are checked on the next start), closes the outbox. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopController.abort();
    await Promise.all([...this.lanes.values()].map((l) => l.stop()));
    await Promise.allSettled([...this.connectors.values()].map((c) => c.close()));
    this.outbox.close();
    this.releaseIdle();
  }

  // ---- enqueue ---------------------------------------------------------------------------------

  enqueue(change: WorkOrderChange): void;
  enqueue(action: OutboundAction, idempotencyKey: string, tagIds: readonly string[]): void;
  enqueue(item: WorkOrderChange | OutboundAction, idempotencyKey?: string, tagIds?: readonly string[]): void {
    if (this.stopped) throw new GotthardError('GT_INTERNAL', 'delivery is stopped');
    const connectors =
      'workOrder' in item ? this.enqueueChange(item) : [this.enqueueAction(item, idempotencyKey ?? '', tagIds ?? [])];
    if (this.started) for (const name of connectors) this.lanes.get(name)?.kick();
  }

  /** One entry per connector that takes work orders; returns their names. Classification is the governance stage's, at send time. */
  private enqueueChange(change: WorkOrderChange): string[] {
    const wo = change.workOrder;
    const names: string[] = [];
    for (const c of this.connectors.values()) {
      if (!c.workOrders) continue;
      // A change the connector's own system reported (inbound status) is not echoed back to it.
      if (change.actor === `connector:${c.name}`) continue;
      this.store({
        connector: c.name,
        idempotencyKey: `${wo.id}:r${wo.revision}:${change.kind}`,
        group: `wo:${wo.id}`,
        asset: wo.asset,
        summary: `${wo.id} ${change.kind}: ${wo.title}`,
        payload: { type: 'workorder', change, withheldTagIds: [] },
      });
      names.push(c.name);
    }
    return names;
  }

  /** Why `action` has no connector to go to, or undefined when it has one. */
  private unroutable(action: OutboundAction, name: string): string | undefined {
    const c = this.connectors.get(name);
    if (c?.actions.includes(action.kind)) return undefined;
    if (action.kind === 'mqtt.publish') return 'no MQTT broker: configure uns or connectors.mqtt';
    const kind = action.kind.replace(/^notify\./, '');
    return `no ${kind} connector named "${name}" in connectors.list`;
  }

  private enqueueAction(action: OutboundAction, idempotencyKey: string, tagIds: readonly string[]): string {
    if (!idempotencyKey) throw new GotthardError('GT_INTERNAL', 'an outbound action needs an idempotency key');
    const connector = routeOf(action);
    const summary =
      action.kind === 'mqtt.publish'
        ? `publish ${action.topic}`
        : action.kind === 'http.call'
          ? `${action.method} ${action.url.split('?')[0]}`
          : `${action.kind} ${action.subject}`;
    const entry: NewEntry = {
      connector,
      idempotencyKey,
      group: `action:${idempotencyKey}`,
      summary,
      payload: { type: 'action', action, tagIds: [...tagIds] },
    };
    const asset = tagIds[0]?.split('/').slice(0, 5).join('/');
    if (asset) entry.asset = asset;
    this.store(entry, this.unroutable(action, connector));
    return connector;
  }

  /** Persists an entry; with `deadReason` (or a full outbox) straight into the dead letters, never dropped. */
  private store(e: NewEntry, deadReason?: string): void {
    const now = this.clock.now();
    let reason = deadReason;
    if (!reason && this.outbox.pendingCount(e.connector) >= this.opts.config.maxQueued) {
      reason = `outbox full: ${this.opts.config.maxQueued} entries wait for ${e.connector} (connectors.maxQueued); retry once it drains`;
    }
    const { entry, duplicate } = this.outbox.add(e, now, reason ? 'dead' : 'pending', reason);
    if (duplicate) {
      this.log.debug({ connector: e.connector, key: e.idempotencyKey }, 'idempotency key already queued; kept once');
      return;
    }
    if (reason) {
      this.log.warn({ connector: e.connector, id: entry.id, reason }, 'delivery entry held in the dead letters');
    }
  }

  // ---- the runtime: one lane per connector (lane.ts) ------------------------------------------

  private kickAll(): void {
    if (!this.started || this.stopped) return;
    for (const l of this.lanes.values()) l.kick();
  }

  /** A lane finished a pass: prune now and then, and release `idle()` waiters once every lane is idle. */
  private settled(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    if (now - this.lastPrune > 3_600_000) {
      this.lastPrune = now;
      const n = this.outbox.prune(now - this.opts.config.keepDelivered);
      if (n > 0) this.log.debug({ pruned: n }, 'delivered entries past keepDelivered removed');
    }
    if (this.allIdle(now)) this.releaseIdle();
  }

  private allIdle(now: number): boolean {
    for (const l of this.lanes.values()) if (!l.idle(now)) return false;
    return true;
  }

  private rememberExternalId(connector: string, workOrderId: string, externalId: string): void {
    if (this.outbox.externalId(connector, workOrderId) === externalId) return;
    this.outbox.setExternalId(connector, workOrderId, externalId);
    this.log.info({ connector, workOrderId, externalId }, 'external id remembered');
    try {
      this.statusSink?.setExternalId(workOrderId, connector, externalId);
    } catch (err) {
      this.log.warn({ err, connector, workOrderId }, 'work-order store refused the external id; kept in the outbox');
    }
  }

  private releaseIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /**
   * Resolves once nothing is being delivered and nothing is due now (entries waiting for their
   * backoff may remain). Tests use it after advancing the clock.
   */
  idle(): Promise<void> {
    if (this.stopped || !this.started || this.allIdle(this.clock.now())) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.kickAll();
    return p;
  }

  // ---- dead letters and views ------------------------------------------------------------------

  entries(state: OutboxEntry['state'], limit = 500, connector?: string): EntryView[] {
    return this.outbox.list(state, limit, connector).map((e) => {
      const v: EntryView = {
        id: e.id,
        connector: e.connector,
        idempotencyKey: e.idempotencyKey,
        summary: e.summary,
        state: e.state,
        attempts: e.attempts,
        createdAt: e.createdAt,
        nextAt: e.nextAt,
        updatedAt: e.updatedAt,
      };
      if (e.asset !== undefined) v.asset = e.asset;
      if (e.lastError !== undefined) v.lastError = e.lastError;
      if (e.externalId !== undefined) v.externalId = e.externalId;
      return v;
    });
  }

  entry(id: number): OutboxEntry | undefined {
    return this.outbox.get(id);
  }

  /** Dead letter → queued again, due now, attempts reset. */
  retryDead(id: number, actor: string): EntryView {
    const e = this.outbox.get(id);
    if (e?.state !== 'dead') {
      throw new GotthardError(
        'GT_NOT_FOUND',
        `no dead letter with id ${id}; list them at GET /api/v1/delivery/dead-letters`,
      );
    }
    if (!this.connectors.has(e.connector)) {
      throw new GotthardError(
        'GT_CONFLICT',
        `connector "${e.connector}" is not configured; add it to connectors.list (or fix the rule), restart, then retry`,
      );
    }
    this.outbox.revive(id, this.clock.now());
    this.opts.audit?.()?.append({
      actor,
      action: 'delivery.retry',
      target: `${e.connector}#${id}`,
      outcome: 'ok',
      details: { key: e.idempotencyKey },
    });
    this.log.info({ id, connector: e.connector, actor }, 'dead letter queued again');
    this.lanes.get(e.connector)?.kick();
    return this.entries('pending', 1_000_000, e.connector).find((v) => v.id === id) ?? (this.view(id) as EntryView);
  }

  /** Dead letter → discarded (kept for `keepDelivered` for the record, never sent). */
  discardDead(id: number, actor: string): EntryView {
    const e = this.outbox.get(id);
    if (e?.state !== 'dead') {
      throw new GotthardError(
        'GT_NOT_FOUND',
        `no dead letter with id ${id}; list them at GET /api/v1/delivery/dead-letters`,
      );
    }
    this.outbox.discard(id, e.connector, this.clock.now());
    this.opts.audit?.()?.append({
      actor,
      action: 'delivery.discard',
      target: `${e.connector}#${id}`,
      outcome: 'ok',
      details: { key: e.idempotencyKey },
    });
    this.log.info({ id, connector: e.connector, actor }, 'dead letter discarded');
    // Entries of its group waited behind it.
    this.lanes.get(e.connector)?.kick();
    return this.view(id) as EntryView;
  }

  private view(id: number): EntryView | undefined {
    const e = this.outbox.get(id);
    if (!e) return undefined;
    return this.entries(e.state, 1_000_000, e.connector).find((v) => v.id === id);
  }

  /**
   * Per connector: connection state and backlog, in the shape of hub health `sinks[]`. `appended`
   * and `delivered` are totals kept in the outbox file, so they agree across restarts:
   * appended = delivered + queued + dropped (dead letters) + discarded.
   */
  health(): SinkHealth[] {
    const backlog = this.outbox.backlog();
    const counters = this.outbox.counters();
    return [...this.connectors.values()]
      .filter(
        (c) =>
          (c.kind !== 'http' && c.kind !== 'mqtt') || backlog.has(c.name) || (counters.get(c.name)?.appended ?? 0) > 0,
      )
      .map((c) => {
        const lane = this.lanes.get(c.name) as ConnectorLane;
        const b = backlog.get(c.name);
        const n = counters.get(c.name);
        const h: SinkHealth = {
          name: c.name,
          kind: `delivery-${c.kind}`,
          target: c.target,
          state: this.stopped ? 'stopped' : lane.failing ? 'disconnected' : 'connected',
          queued: b?.pending ?? 0,
          maxRows: this.opts.config.maxQueued,
          overflow: 'dropNewest',
          appended: n?.appended ?? 0,
          delivered: n?.delivered ?? 0,
          dropped: b?.dead ?? 0,
          diskBytes: 0,
        };
        if (b?.oldestPendingAt !== undefined) h.oldestSourceTs = b.oldestPendingAt;
        if (lane.lastDeliveredAt !== undefined) h.lastDeliveredAt = lane.lastDeliveredAt;
        if (lane.lastError !== undefined) h.lastError = lane.lastError;
        return h;
      });
  }

  // ---- inbound ---------------------------------------------------------------------------------

  /**
   * An inbound status update from `connector`, authenticated by its own HMAC signature over the
   * raw body (`X-Gotthard-Signature`, timestamp within `maxSkew`, each signature accepted once) or
   * its bearer token, then applied to the work order through the status sink.
   */
  inboundStatus(
    connector: string,
    rawBody: string,
    headers: { signature?: string | undefined; authorization?: string | undefined },
    ip?: string,
  ): WorkOrder {
    const cfg = this.connectors.get(connector)?.inbound;
    if (!cfg) {
      throw new GotthardError(
        'GT_NOT_FOUND',
        `connector "${connector}" accepts no inbound status updates (set connectors.list[].inbound)`,
      );
    }
    const audit = (outcome: 'ok' | 'refused', reason?: string, target?: string) =>
      this.opts
        .audit?.()
        ?.append({ actor: `connector:${connector}`, action: 'workorder.update', target, outcome, reason, ip });
    const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    let authenticated = false;
    if (headers.signature !== undefined && cfg.secret !== undefined) {
      const check = verifySignature(cfg.secret, rawBody, headers.signature, Date.now(), cfg.maxSkew);
      if (!check.ok) {
        const why = {
          missing: 'no signature',
          malformed: `malformed ${SIGNATURE_HEADER} header (want t=<unix seconds>,v1=<hex HMAC-SHA256>)`,
          mismatch: 'signature does not match the body (wrong secret or altered body)',
          expired: `signature timestamp older than ${cfg.maxSkew / 1000} s (check the sender clock)`,
          future: `signature timestamp more than ${cfg.maxSkew / 1000} s in the future (check the sender clock)`,
        }[check.reason];
        audit('refused', why);
        throw new GotthardError(
          check.reason === 'malformed' ? 'GT_UNAUTHENTICATED' : 'GT_FORBIDDEN',
          `inbound ${connector}: ${why}`,
        );
      }
      if (!this.outbox.firstSighting(check.mac, Date.now(), cfg.maxSkew * 2)) {
        audit('refused', 'replayed signature');
        throw new GotthardError(
          'GT_FORBIDDEN',
          `inbound ${connector}: this signature was already used (replay); sign each request anew`,
        );
      }
      authenticated = true;
    } else if (bearer !== undefined && cfg.token !== undefined) {
      if (!tokenMatches(cfg.token, bearer)) {
        audit('refused', 'wrong token');
        throw new GotthardError('GT_FORBIDDEN', `inbound ${connector}: the bearer token is not this connector's token`);
      }
      authenticated = true;
    }
    if (!authenticated) {
      audit('refused', 'unauthenticated');
      const how = [cfg.secret ? `an ${SIGNATURE_HEADER} header` : '', cfg.token ? 'an Authorization: Bearer token' : '']
        .filter(Boolean)
        .join(' or ');
      throw new GotthardError('GT_UNAUTHENTICATED', `inbound ${connector}: send ${how}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      throw new GotthardError('GT_BAD_REQUEST', `inbound ${connector}: the body is not JSON`);
    }
    const parsed = inboundStatusSchema.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `inbound ${connector}: body${i?.path.length ? `.${i.path.join('.')}` : ''}: ${i?.message ?? 'invalid'}`,
      );
    }
    const b = parsed.data;
    if (!this.statusSink) {
      throw new GotthardError('GT_NOT_CONNECTED', 'work orders are not running on this hub (workflows disabled)');
    }
    const ref: { workOrderId?: string; externalId?: string } = {};
    const wo =
      b.workOrderId ?? (b.externalId !== undefined ? this.outbox.workOrderOf(connector, b.externalId) : undefined);
    if (wo !== undefined) ref.workOrderId = wo;
    if (b.externalId !== undefined) ref.externalId = b.externalId;
    const updated = this.statusSink.applyExternalStatus(connector, ref, b.status, b.note);
    audit('ok', undefined, updated.id);
    this.log.info({ connector, workOrder: updated.id, status: b.status }, 'inbound status applied');
    return updated;
  }
}

export type { EntryPayload };
