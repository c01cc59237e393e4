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
import { backoffDelay, type Clock, systemClock } from './clock.js';
import type { ConnectorsConfig, InboundConfig } from './config.js';
import { EmailConnector } from './connectors/email.js';
import { HttpCallConnector, httpSinkOf } from './connectors/http-call.js';
import { MqttConnector } from './connectors/mqtt.js';
import { SapPmConnector } from './connectors/sap-pm.js';
import type { Connector } from './connectors/types.js';
import { DeliveryError } from './connectors/types.js';
import { WebhookConnector } from './connectors/webhook.js';
import { DeliveryOutbox, type EntryPayload, type NewEntry, type OutboxEntry } from './outbox.js';
import { filterEvidence } from './payload.js';
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
  /** Asked at enqueue time (and again at delivery for rule actions); absent means no classification. */
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

interface ConnectorState {
  lastDeliveredAt?: number;
  lastError?: string;
  failing: boolean;
  appended: number;
  delivered: number;
  refused: number;
}

const BATCH = 50;

/**
 * Delivery that loses nothing: every outbound call (work-order changes to SAP / webhooks / e-mail,
 * rule actions) is first written to a durable outbox, then delivered by the runtime, retried with
 * exponential backoff and jitter, and moved to the dead letters only when refused permanently or
 * still failing after `retry.deadAfter`. Idempotency keys make retries harmless; entries of one
 * work order reach a connector in order. Inbound status updates come back through
 * `inboundStatus`, authenticated by an HMAC signature or a bearer token.
 */
export class Delivery implements WorkOrderDelivery, ActionDelivery {
  private readonly outbox: DeliveryOutbox;
  private readonly connectors = new Map<string, Connector>();
  private readonly inbound = new Map<string, InboundConfig>();
  private readonly state = new Map<string, ConnectorState>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private statusSink: WorkOrderStatusSink | undefined;
  private cancelTimer: (() => void) | undefined;
  private timerAt: number | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
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
    for (const k of cfg.list) {
      const c =
        k.kind === 'sap-pm'
          ? new SapPmConnector(k)
          : k.kind === 'webhook'
            ? new WebhookConnector(k)
            : new EmailConnector(k, cfg.timeout);
      this.register(c);
      if (k.kind !== 'email' && k.inbound) this.inbound.set(k.name, k.inbound);
    }
    this.register(new HttpCallConnector());
    if (opts.mqtt) this.register(new MqttConnector(opts.mqtt, opts.mqttClientId ?? 'gotthard-actions'));
    for (const c of opts.connectors ?? []) this.register(c);
    this.outbox = new DeliveryOutbox(opts.outboxPath);
  }

  private register(c: Connector): void {
    if (this.connectors.has(c.name)) {
      throw new GotthardError(
        'GT_CONFIG_INVALID',
        `connectors: the name "${c.name}" is used twice (reserved: http, mqtt)`,
      );
    }
    this.connectors.set(c.name, c);
    this.state.set(c.name, { failing: false, appended: 0, delivered: 0, refused: 0 });
  }

  /** Names and kinds of the connectors (rules check their actions against it). */
  connectorList(): { name: string; kind: Connector['kind']; target: string; workOrders: boolean; inbound: boolean }[] {
    return [...this.connectors.values()].map((c) => ({
      name: c.name,
      kind: c.kind,
      target: c.target,
      workOrders: c.workOrders,
      inbound: this.inbound.has(c.name),
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
    this.kick();
  }

  /** Stops: aborts calls in flight (they count as uncertain and are checked on the next start), closes the outbox. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer?.();
    this.stopController.abort();
    await this.running?.catch(() => undefined);
    await Promise.allSettled([...this.connectors.values()].map((c) => c.close()));
    this.outbox.close();
    this.releaseIdle();
  }

  // ---- enqueue ---------------------------------------------------------------------------------

  enqueue(change: WorkOrderChange): void;
  enqueue(action: OutboundAction, idempotencyKey: string, tagIds: readonly string[]): void;
  enqueue(item: WorkOrderChange | OutboundAction, idempotencyKey?: string, tagIds?: readonly string[]): void {
    if (this.stopped) throw new GotthardError('GT_INTERNAL', 'delivery is stopped');
    if ('workOrder' in item) this.enqueueChange(item);
    else this.enqueueAction(item, idempotencyKey ?? '', tagIds ?? []);
    this.kick();
  }

  private enqueueChange(change: WorkOrderChange): void {
    const wo = change.workOrder;
    const gov = this.opts.governance?.();
    for (const c of this.connectors.values()) {
      if (!c.workOrders) continue;
      // A change the connector's own system reported (inbound status) is not echoed back to it.
      if (change.actor === `connector:${c.name}`) continue;
      const { change: filtered, withheldTagIds } = filterEvidence(change, c.sink, gov);
      this.store({
        connector: c.name,
        idempotencyKey: `${wo.id}:r${wo.revision}:${change.kind}`,
        group: `wo:${wo.id}`,
        asset: wo.asset,
        summary: `${wo.id} ${change.kind}: ${wo.title}`,
        payload: { type: 'workorder', change: filtered, withheldTagIds },
      });
    }
  }

  private targetOf(action: OutboundAction): { connector?: Connector; sink: string; why?: string } {
    const want =
      action.kind === 'notify.webhook'
        ? { name: action.connector, kind: 'webhook' }
        : action.kind === 'notify.email'
          ? { name: action.connector, kind: 'email' }
          : action.kind === 'mqtt.publish'
            ? { name: 'mqtt', kind: 'mqtt' }
            : { name: 'http', kind: 'http' };
    const c = this.connectors.get(want.name);
    const sink = action.kind === 'http.call' ? httpSinkOf(action.url) : (c?.sink ?? `${want.kind}:${want.name}`);
    if (!c || c.kind !== want.kind) {
      const why =
        want.kind === 'mqtt'
          ? 'no MQTT broker: configure uns or connectors.mqtt'
          : `no ${want.kind} connector named "${want.name}" in connectors.list`;
      return { sink, why };
    }
    return { connector: c, sink };
  }

  private refusedTags(sink: string, tagIds: readonly string[]): string[] {
    const gov = this.opts.governance?.();
    return gov ? tagIds.filter((t) => !gov.mayLeave(t, sink)) : [];
  }

  private enqueueAction(action: OutboundAction, idempotencyKey: string, tagIds: readonly string[]): void {
    if (!idempotencyKey) throw new GotthardError('GT_INTERNAL', 'an outbound action needs an idempotency key');
    const t = this.targetOf(action);
    const connector =
      t.connector?.name ??
      (action.kind === 'notify.webhook' || action.kind === 'notify.email' ? action.connector : action.kind);
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
    if (t.why) {
      this.store(entry, t.why);
      return;
    }
    // A templated payload cannot be stripped of a value, so it is held back whole.
    const refused = this.refusedTags(t.sink, tagIds);
    this.store(
      entry,
      refused.length > 0
        ? `classification: ${refused.join(', ')} may not leave through ${t.sink}; allow it in governance, then retry`
        : undefined,
    );
  }

  /** Persists an entry; with `deadReason` (or a full outbox) straight into the dead letters, never dropped. */
  private store(e: NewEntry, deadReason?: string): void {
    const now = this.clock.now();
    let reason = deadReason;
    if (!reason && this.outbox.pendingCount(e.connector) >= this.opts.config.maxQueued) {
      reason = `outbox full: ${this.opts.config.maxQueued} entries wait for ${e.connector} (connectors.maxQueued); retry once it drains`;
    }
    const { entry, duplicate } = this.outbox.add(e, now, reason ? 'dead' : 'pending', reason);
    const st = this.state.get(e.connector);
    if (duplicate) {
      this.log.debug({ connector: e.connector, key: e.idempotencyKey }, 'idempotency key already queued; kept once');
      return;
    }
    if (st) st.appended++;
    if (reason) {
      if (st) st.refused++;
      this.log.warn({ connector: e.connector, id: entry.id, reason }, 'delivery entry held in the dead letters');
    }
  }

  // ---- the runtime -----------------------------------------------------------------------------

  /** New work or a timer: run a pass soon (coalesced). */
  private kick(): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.kick();
        return;
      }
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    const next = this.outbox.nextDueAt();
    const now = this.clock.now();
    if (next === undefined || next > now) this.releaseIdle();
    if (next === undefined) return;
    if (this.timerAt !== undefined && this.timerAt <= next) return;
    this.cancelTimer?.();
    this.timerAt = next;
    this.cancelTimer = this.clock.setTimer(
      () => {
        this.timerAt = undefined;
        this.cancelTimer = undefined;
        this.kick();
      },
      Math.max(0, next - now),
    );
  }

  /** One pass: every connector drains what is due, connectors in parallel, each in order. */
  private async pass(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await Promise.all([...this.connectors.values()].map((c) => this.drain(c)));
    const now = this.clock.now();
    if (now - this.lastPrune > 3_600_000) {
      this.lastPrune = now;
      const n = this.outbox.prune(now - this.opts.config.keepDelivered);
      if (n > 0) this.log.debug({ pruned: n }, 'delivered entries past keepDelivered removed');
    }
  }

  private async drain(c: Connector): Promise<void> {
    while (!this.stopped) {
      const due = this.outbox.due(c.name, this.clock.now(), BATCH);
      if (due.length === 0) return;
      let progressed = false;
      for (const e of due) {
        if (this.stopped) return;
        const retryAt = await this.attempt(c, e);
        if (retryAt === undefined) {
          progressed = true;
          continue;
        }
        // The connector is failing: what else is due waits for the same backoff instead of
        // hammering a system that is down.
        this.outbox.postpone(c.name, this.clock.now(), retryAt);
        return;
      }
      if (!progressed) return;
    }
  }

  /** One attempt at one entry; undefined when it left the pending state (delivered or dead), else when to retry. */
  private async attempt(c: Connector, e: OutboxEntry): Promise<number | undefined> {
    const r = this.opts.config.retry;
    const st = this.state.get(c.name) as ConnectorState;
    const started = this.clock.now();
    this.outbox.beginAttempt(e.id, started);
    const entry = { ...e, attempts: e.attempts + 1 };
    const timeout = AbortSignal.timeout(this.opts.config.timeout);
    const signal = AbortSignal.any([timeout, this.stopController.signal]);
    try {
      if (entry.payload.type === 'action') {
        const sink = this.targetOf(entry.payload.action).sink;
        const refused = this.refusedTags(sink, entry.payload.tagIds);
        if (refused.length > 0) {
          throw new DeliveryError(`classification: ${refused.join(', ')} may not leave through ${sink}`, true);
        }
      }
      const outcome = await c.deliver({
        entry,
        signal,
        now: started,
        externalIdOf: (wo, kind) => this.outbox.externalId(kind ? `${c.name}.${kind}` : c.name, wo),
        rememberExternalId: (wo, id, kind) => this.rememberExternalId(kind ? `${c.name}.${kind}` : c.name, wo, id),
      });
      const now = this.clock.now();
      this.outbox.markDelivered(e.id, now, outcome.externalId);
      st.delivered++;
      st.lastDeliveredAt = now;
      st.failing = false;
      st.lastError = undefined;
      this.log.debug({ connector: c.name, id: e.id, key: e.idempotencyKey, attempts: entry.attempts }, 'delivered');
      return undefined;
    } catch (err) {
      const now = this.clock.now();
      const d =
        err instanceof DeliveryError
          ? err
          : new DeliveryError(`${c.kind} ${c.name}: ${(err as Error).message ?? String(err)}`, false, true, {
              cause: err,
            });
      const message = this.stopController.signal.aborted
        ? `${d.message} (hub stopping; checked again on restart)`
        : d.message;
      st.lastError = message;
      if (this.stopped) return now;
      const tooOld = now - e.createdAt >= r.deadAfter;
      if (d.permanent || tooOld || entry.attempts >= r.maxAttempts) {
        const why = d.permanent
          ? message
          : `${message} (gave up after ${entry.attempts} attempts over ${Math.round((now - e.createdAt) / 60_000)} min)`;
        this.outbox.markDead(e.id, now, why);
        this.log.warn(
          { connector: c.name, id: e.id, key: e.idempotencyKey, err: why },
          'delivery moved to the dead letters',
        );
        // A refusal of one entry says nothing about the connector's health.
        return undefined;
      }
      st.failing = true;
      const next =
        now + backoffDelay(entry.attempts, { initialDelayMs: r.initialDelay, maxDelayMs: r.maxDelay }, this.random);
      this.outbox.markRetry(e.id, next, now, message);
      this.log.warn(
        {
          connector: c.name,
          id: e.id,
          attempts: entry.attempts,
          retryInMs: next - now,
          uncertain: d.uncertain,
          err: message,
        },
        'delivery failed; will retry',
      );
      return next;
    }
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
    if (this.stopped || !this.started) return Promise.resolve();
    const next = this.outbox.nextDueAt();
    if (!this.running && (next === undefined || next > this.clock.now())) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (!this.running) this.kick();
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
    this.kick();
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
    this.outbox.discard(id, this.clock.now());
    this.opts.audit?.()?.append({
      actor,
      action: 'delivery.discard',
      target: `${e.connector}#${id}`,
      outcome: 'ok',
      details: { key: e.idempotencyKey },
    });
    this.log.info({ id, connector: e.connector, actor }, 'dead letter discarded');
    this.kick();
    return this.view(id) as EntryView;
  }

  private view(id: number): EntryView | undefined {
    const e = this.outbox.get(id);
    if (!e) return undefined;
    return this.entries(e.state, 1_000_000, e.connector).find((v) => v.id === id);
  }

  /** Per connector: connection state and backlog, in the shape of hub health `sinks[]`. */
  health(): SinkHealth[] {
    const backlog = this.outbox.backlog();
    return [...this.connectors.values()]
      .filter(
        (c) =>
          (c.kind !== 'http' && c.kind !== 'mqtt') ||
          backlog.has(c.name) ||
          (this.state.get(c.name)?.appended ?? 0) > 0,
      )
      .map((c) => {
        const st = this.state.get(c.name) as ConnectorState;
        const b = backlog.get(c.name);
        const h: SinkHealth = {
          name: c.name,
          kind: `delivery-${c.kind}`,
          target: c.target,
          state: this.stopped ? 'stopped' : st.failing ? 'disconnected' : 'connected',
          queued: b?.pending ?? 0,
          maxRows: this.opts.config.maxQueued,
          overflow: 'dropNewest',
          appended: st.appended,
          delivered: st.delivered,
          dropped: b?.dead ?? 0,
          diskBytes: 0,
        };
        if (b?.oldestPendingAt !== undefined) h.oldestSourceTs = b.oldestPendingAt;
        if (st.lastDeliveredAt !== undefined) h.lastDeliveredAt = st.lastDeliveredAt;
        if (st.lastError !== undefined) h.lastError = st.lastError;
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
    const cfg = this.inbound.get(connector);
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
