import { readFileSync } from 'node:fs';
import {
  AttributeIds,
  type ClientSession,
  type ClientSessionRawSubscriptionService,
  type ClientSubscription,
  CreateMonitoredItemsRequest,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  MessageSecurityMode,
  MonitoringMode,
  type NodeId,
  type NotificationMessage,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  type UserIdentityInfo,
  UserTokenType,
} from 'node-opcua';
import type { Logger } from 'pino';
import { SampleBatch } from '../../model/sample.js';
import type { ConnectionState, Source, SourceContext, SourceHealth } from '../../pipeline/types.js';
import { describeCertificate, type HubPki } from '../../pki/index.js';
import { type ClockJump, SourceClockWatch } from './clock.js';
import { type CommandOutcome, callMethod, type MachineCommandTarget, writeValue } from './commands.js';
import type { OpcuaSourceConfig, SubscriptionParams } from './config.js';
import { type DiscoveredTag, discover, resolveConfiguredNodeId } from './discovery.js';
import { BAD_NO_COMMUNICATION, makeNotificationHandler } from './values.js';

export interface OpcuaSourceDeps {
  pki: HubPki;
  logger: Logger;
}

/** node-opcua's session implements the raw subscription services; its public type leaves them out. */
type RawSession = ClientSession & ClientSessionRawSubscriptionService;

interface ActiveSubscription {
  subscription: ClientSubscription;
  publishingIntervalMs: number;
  /** clientHandle → tag key. Handles are ours (tag index + 1) and the same in every re-creation. */
  keys: number[];
  /** One CreateMonitoredItems group per distinct parameter set: tag indexes and their parameters. */
  groups: { indexes: number[]; params: SubscriptionParams }[];
  /** The server's id of the subscription when its items were last created. */
  subscriptionId: number;
}

/**
 * An OPC UA client source (OPC UA Part 4 services: Browse, Read, CreateSubscription,
 * CreateMonitoredItems, Publish).
 *
 * Reconnection: once connected, node-opcua's own repair handles a broken channel: it opens a new
 * channel with backoff (reconnect.initialDelayMs..maxDelayMs), reactivates the session or creates a
 * new one, and transfers or re-creates the subscriptions with the same client handles. Failures
 * before the first full start (server down, certificate untrusted, session refused) are retried
 * here with a fresh client.
 */
export function createOpcuaSource(config: OpcuaSourceConfig, deps: OpcuaSourceDeps): Source {
  return new OpcuaSource(config, deps);
}

class OpcuaSource implements Source, MachineCommandTarget {
  readonly kind = 'opcua';
  readonly marksGaps = true;
  readonly name: string;
  private ctx: SourceContext | undefined;
  private log: Logger;
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subs: ActiveSubscription[] = [];
  private tags: DiscoveredTag[] | undefined;
  private tagKeys: number[] = [];
  private rejected = new Map<string, string>();
  private state: ConnectionState = 'disconnected';
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lostAt: number | undefined;
  private readonly clock: SourceClockWatch;
  private h = {
    monitoredItems: 0,
    valuesReceived: 0,
    lastValueAt: undefined as number | undefined,
    connectedSince: undefined as number | undefined,
    reconnects: 0,
    lastError: undefined as string | undefined,
    serverCertificateThumbprint: undefined as string | undefined,
  };

  constructor(
    readonly config: OpcuaSourceConfig,
    private readonly deps: OpcuaSourceDeps,
  ) {
    this.name = config.name;
    this.log = deps.logger;
    this.clock = new SourceClockWatch(config.clockJumpThresholdMs);
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log ?? this.deps.logger;
    this.stopped = false;
    if (this.config.securityMode === 'None') {
      this.log.warn(
        { endpoint: this.config.endpoint },
        'security None: values and credentials travel unsigned and unencrypted; use only on an isolated test network',
      );
    }
    await this.connect();
  }

  health(): SourceHealth {
    return {
      name: this.name,
      kind: this.kind,
      endpoint: this.config.endpoint,
      state: this.state,
      securityMode: this.config.securityMode,
      securityPolicy: this.config.securityPolicy,
      tags: this.tagKeys.length,
      rejectedTags: this.rejected.size,
      monitoredItems: this.h.monitoredItems,
      valuesReceived: this.h.valuesReceived,
      reconnects: this.h.reconnects,
      ...(this.h.serverCertificateThumbprint
        ? { serverCertificateThumbprint: this.h.serverCertificateThumbprint }
        : {}),
      ...(this.h.lastValueAt !== undefined ? { lastValueAt: this.h.lastValueAt } : {}),
      ...(this.h.connectedSince !== undefined ? { connectedSince: this.h.connectedSince } : {}),
      ...(this.h.lastError !== undefined ? { lastError: this.h.lastError } : {}),
    };
  }

  writeValue(nodeId: string, value: unknown): Promise<CommandOutcome> {
    return writeValue(this.state === 'connected' ? this.session : undefined, nodeId, value);
  }

  callMethod(r: { from: string; levelsUp: number; method: string; args: readonly unknown[] }): Promise<CommandOutcome> {
    return callMethod(this.state === 'connected' ? this.session : undefined, r);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await withTimeout(this.teardown(), 3000).catch((err) =>
      this.log.warn({ err: (err as Error).message }, 'OPC UA source did not close cleanly'),
    );
    this.state = 'stopped';
  }

  // ---- connection -------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.state = this.attempt === 0 ? 'connecting' : this.state === 'failed' ? 'failed' : 'reconnecting';
    this.attempt++;
    try {
      await this.connectOnce();
      this.attempt = 0;
    } catch (err) {
      const untrusted = await this.untrustedMessage(err as Error);
      await this.teardown().catch(() => undefined);
      if (this.stopped) return;
      const message = untrusted ?? `cannot connect to ${this.config.endpoint}: ${(err as Error).message}`;
      const repeated = this.state === 'failed' && this.h.lastError === message;
      this.h.lastError = message;
      const delay = untrusted
        ? this.config.reconnect.maxDelayMs
        : Math.min(this.config.reconnect.maxDelayMs, this.config.reconnect.initialDelayMs * 2 ** (this.attempt - 1));
      if (!repeated) {
        this.ctx?.events.emit({
          ts: Date.now(),
          kind: untrusted ? 'certificate.untrusted' : 'connection.failed',
          severity: 'error',
          source: this.name,
          message,
          ...(untrusted ? { details: { thumbprint: this.h.serverCertificateThumbprint } } : {}),
        });
        this.log.error({ retryInMs: delay }, message);
      } else {
        this.log.debug({ retryInMs: delay, err: message }, 'connect attempt failed');
      }
      this.state = 'failed';
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        void this.connect();
      }, delay);
    }
  }

  /**
   * Builds the exact "not trusted" message when the failure was the server certificate check.
   * node-opcua does not keep the refused certificate, so it is fetched again with GetEndpoints on
   * an unsecured discovery channel (always allowed, OPC UA Part 4, 5.4.4).
   */
  private async untrustedMessage(err: Error): Promise<string | undefined> {
    if (!/BadCertificate|certificate verification failed/i.test(err.message)) return undefined;
    let der: Buffer | undefined;
    try {
      der = await this.fetchServerCertificate();
    } catch (e) {
      this.log.debug({ err: (e as Error).message }, 'could not fetch the server certificate');
    }
    if (!der) {
      return (
        `the server certificate of ${this.config.endpoint} is not trusted (${err.message});` +
        ` it was placed in ${this.deps.pki.rejectedDir}; run \`gotthard pki list\` and \`gotthard pki trust <thumbprint>\``
      );
    }
    const d = describeCertificate(der);
    this.h.serverCertificateThumbprint = d.thumbprint;
    return (
      `the server certificate (subject ${d.subject}, thumbprint ${d.thumbprint}) of ${this.config.endpoint} is not trusted;` +
      ` it was placed in ${this.deps.pki.rejectedDir}; run \`gotthard pki trust ${d.thumbprint}\` to trust it`
    );
  }

  private async fetchServerCertificate(): Promise<Buffer | undefined> {
    const probe = OPCUAClient.create({
      applicationName: 'Gotthard',
      applicationUri: this.deps.pki.applicationUri,
      clientCertificateManager: this.deps.pki.certificateManager,
      certificateFile: this.deps.pki.certificateFile,
      privateKeyFile: this.deps.pki.privateKeyFile,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0 },
    });
    try {
      await probe.connect(this.config.endpoint);
      const endpoints = await probe.getEndpoints();
      const wanted = endpoints.find(
        (e) =>
          e.securityMode === MessageSecurityMode[this.config.securityMode] &&
          e.securityPolicyUri === SecurityPolicy[this.config.securityPolicy],
      );
      const cert = (wanted ?? endpoints.find((e) => e.serverCertificate?.length))?.serverCertificate;
      return cert && cert.length > 0 ? cert : undefined;
    } finally {
      await probe.disconnect().catch(() => undefined);
    }
  }

  private async connectOnce(): Promise<void> {
    const { config } = this;
    const client = OPCUAClient.create({
      applicationName: 'Gotthard',
      applicationUri: this.deps.pki.applicationUri,
      clientCertificateManager: this.deps.pki.certificateManager,
      certificateFile: this.deps.pki.certificateFile,
      privateKeyFile: this.deps.pki.privateKeyFile,
      securityMode: MessageSecurityMode[config.securityMode],
      securityPolicy: SecurityPolicy[config.securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      defaultTransactionTimeout: config.requestTimeoutMs,
      connectionStrategy: {
        // maxRetry > 0 switches on node-opcua's repair after a lost connection (which retries
        // forever); the first connect is retried by us, so it gives up after one retry
        maxRetry: 1,
        initialDelay: config.reconnect.initialDelayMs,
        maxDelay: config.reconnect.maxDelayMs,
      },
    });
    this.client = client;
    client.on('connection_lost', () => this.onConnectionLost());
    client.on('connection_reestablished', () => this.onConnectionRestored());
    client.on('backoff', (count: number, delay: number) =>
      this.log.debug({ count, delay }, 'OPC UA reconnect attempt'),
    );

    await client.connect(config.endpoint);
    const cert = client.serverCertificate;
    const der = Array.isArray(cert) ? cert[0] : cert;
    if (der) this.h.serverCertificateThumbprint = describeCertificate(der).thumbprint;
    const session = await client.createSession(this.identity());
    this.session = session;

    if (this.tags === undefined) await this.discoverTags(session);
    await this.subscribe(session);
    this.state = 'connected';
    this.h.connectedSince = Date.now();
    this.h.lastError = undefined;
    this.log.info(
      {
        endpoint: config.endpoint,
        securityMode: config.securityMode,
        securityPolicy: config.securityPolicy,
        tags: this.tagKeys.length,
        monitoredItems: this.h.monitoredItems,
        rejectedTags: this.rejected.size,
      },
      'OPC UA source connected',
    );
  }

  private identity(): UserIdentityInfo {
    const id = this.config.identity;
    switch (id.type) {
      case 'anonymous':
        return { type: UserTokenType.Anonymous };
      case 'username':
        return { type: UserTokenType.UserName, userName: id.username, password: id.password };
      case 'certificate':
        return {
          type: UserTokenType.Certificate,
          certificateData: describeDer(readFileSync(id.certificateFile)),
          privateKey: readFileSync(id.privateKeyFile, 'utf8'),
        };
    }
  }

  private async discoverTags(session: ClientSession): Promise<void> {
    const ctx = this.ctx as SourceContext;
    const t0 = Date.now();
    const result = await discover(session, this.config, this.log);
    for (const r of result.rejected) this.rejectTag(r.tag, r.nodeId, r.reason);
    const keys = await ctx.catalog.register(result.tags.map((t) => t.def));
    this.tags = result.tags;
    this.tagKeys = keys;
    this.log.info(
      { tags: keys.length, rejected: result.rejected.length, browsedNodes: result.browsedNodes, ms: Date.now() - t0 },
      'tags discovered',
    );
  }

  private rejectTag(tag: string, nodeId: string, reason: string): void {
    this.rejected.set(tag, reason);
    this.log.warn({ tag, nodeId, reason }, 'tag rejected');
    this.ctx?.events.emit({
      ts: Date.now(),
      kind: 'tag.rejected',
      severity: 'warning',
      source: this.name,
      message: `tag ${tag} (${nodeId}) rejected: ${reason}`,
      details: { tag, nodeId, reason },
    });
  }

  // ---- subscriptions ----------------------------------------------------------------------

  private async subscribe(session: ClientSession): Promise<void> {
    const tags = this.tags ?? [];
    const byInterval = new Map<number, number[]>();
    tags.forEach((t, i) => {
      const list = byInterval.get(t.params.publishingIntervalMs) ?? [];
      list.push(i);
      byInterval.set(t.params.publishingIntervalMs, list);
    });
    this.subs = [];
    this.h.monitoredItems = 0;
    for (const [publishingIntervalMs, indexes] of byInterval) {
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: publishingIntervalMs,
        requestedLifetimeCount: 60,
        requestedMaxKeepAliveCount: 10,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 10,
      });
      const keys: number[] = [];
      const active: ActiveSubscription = { subscription, publishingIntervalMs, keys, groups: [], subscriptionId: 0 };
      this.subs.push(active);
      // The monitored items are created with CreateMonitoredItems directly, not as node-opcua
      // ClientMonitoredItem objects (≈ 0.7 KB of heap each, 70 MB at 100k tags): every value is read
      // from the raw NotificationMessage by client handle. node-opcua's per-item dispatch would then
      // warn about unknown handles on every publish, so it is switched off for this subscription.
      (
        subscription as unknown as { __on_publish_response_DataChangeNotification: () => void }
      ).__on_publish_response_DataChangeNotification = () => undefined;
      subscription.on('raw_notification', this.makeHandler(keys));
      if (subscription.publishingInterval !== publishingIntervalMs) {
        this.revised('publishingInterval', publishingIntervalMs, subscription.publishingInterval, 1);
      }
      // one CreateMonitoredItems group per distinct parameter set, chunked
      const groups = new Map<string, number[]>();
      for (const i of indexes) {
        const p = (tags[i] as DiscoveredTag).params;
        const k = JSON.stringify([p.samplingIntervalMs, p.queueSize, p.discardOldest, p.deadband]);
        const g = groups.get(k) ?? [];
        g.push(i);
        groups.set(k, g);
      }
      for (const group of groups.values()) {
        active.groups.push({ indexes: group, params: (tags[group[0] as number] as DiscoveredTag).params });
      }
      await this.createItems(session, active, undefined);
    }
  }

  /** Creates the subscription's monitored items (all, or those whose client handle is not in `present`). */
  private async createItems(session: ClientSession, active: ActiveSubscription, present: Set<number> | undefined) {
    active.subscriptionId = active.subscription.subscriptionId;
    const ns = await session.readNamespaceArray();
    for (const { indexes, params } of active.groups) {
      const missing = present ? indexes.filter((i) => !present.has(i + 1)) : indexes;
      for (let o = 0; o < missing.length; o += this.config.maxMonitoredItemsPerCall) {
        const part = missing.slice(o, o + this.config.maxMonitoredItemsPerCall);
        await this.monitorChunk(session, active, part, params, ns);
      }
    }
  }

  /**
   * After node-opcua repaired a connection: it transferred the subscriptions (their items live on in
   * the server) or re-created them on a new session, which re-creates only the items it knows of, and
   * ours are not among them. GetMonitoredItems (Part 5, 9.1) tells which client handles the server
   * has; without that method, a changed subscription id means the items are gone.
   */
  private async restoreItems(): Promise<void> {
    const session = this.session;
    if (!session) return;
    for (const active of this.subs) {
      let present: Set<number> | undefined;
      try {
        const r = await (session as RawSession).getMonitoredItems(active.subscription.subscriptionId);
        present = new Set(Array.from(r.clientHandles ?? [], Number));
      } catch (err) {
        if (active.subscription.subscriptionId === active.subscriptionId) {
          this.log.debug({ err: (err as Error).message }, 'GetMonitoredItems failed; subscription id unchanged');
          continue;
        }
        present = new Set();
      }
      const expected = active.groups.reduce((n, g) => n + g.indexes.length, 0) - this.refusedItems(active);
      if (present.size >= expected) continue;
      this.log.info(
        { subscriptionId: active.subscription.subscriptionId, present: present.size, expected },
        're-creating monitored items after reconnection',
      );
      this.h.monitoredItems -= expected - present.size;
      await this.createItems(session, active, present);
    }
  }

  private refusedItems(active: ActiveSubscription): number {
    let n = 0;
    for (const g of active.groups) for (const i of g.indexes) if (active.keys[i + 1] === undefined) n++;
    return n;
  }

  private async monitorChunk(
    session: ClientSession,
    active: ActiveSubscription,
    wanted: number[],
    p: SubscriptionParams,
    ns: readonly string[],
  ): Promise<void> {
    const tags = this.tags as DiscoveredTag[];
    const indexes: number[] = [];
    const nodeIds: NodeId[] = [];
    for (const i of wanted) {
      const tag = tags[i] as DiscoveredTag;
      try {
        nodeIds.push(resolveConfiguredNodeId(tag.def.lineage.nodeId, ns));
        indexes.push(i);
      } catch (err) {
        active.keys[i + 1] = undefined as unknown as number;
        this.rejectTag(tag.def.id, tag.def.lineage.nodeId, (err as Error).message);
      }
    }
    if (indexes.length === 0) return;
    const filter =
      p.deadband.type === 'none'
        ? null
        : new DataChangeFilter({
            trigger: DataChangeTrigger.StatusValue,
            deadbandType: p.deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
            deadbandValue: p.deadband.value,
          });
    const response = await (session as RawSession).createMonitoredItems(
      new CreateMonitoredItemsRequest({
        subscriptionId: active.subscription.subscriptionId,
        timestampsToReturn: TimestampsToReturn.Both,
        itemsToCreate: indexes.map((i, j) => ({
          itemToMonitor: { nodeId: nodeIds[j] as NodeId, attributeId: AttributeIds.Value },
          monitoringMode: MonitoringMode.Reporting,
          requestedParameters: {
            clientHandle: i + 1,
            samplingInterval: p.samplingIntervalMs,
            queueSize: p.queueSize,
            discardOldest: p.discardOldest,
            filter,
          },
        })),
      }),
    );
    const results = response.results ?? [];
    let revisedSampling = 0;
    let revisedQueue = 0;
    let example: { sampling?: number; queue?: number } = {};
    indexes.forEach((i, j) => {
      const tag = tags[i] as DiscoveredTag;
      const r = results[j];
      const status = r?.statusCode;
      if (!r || !status || status.isNotGood()) {
        active.keys[i + 1] = undefined as unknown as number;
        this.rejectTag(tag.def.id, tag.def.lineage.nodeId, `CreateMonitoredItems: ${status?.name ?? 'no result'}`);
        return;
      }
      active.keys[i + 1] = this.tagKeys[i] as number;
      this.h.monitoredItems++;
      if (r.revisedSamplingInterval !== p.samplingIntervalMs) {
        revisedSampling++;
        example.sampling = r.revisedSamplingInterval;
      }
      if (r.revisedQueueSize !== p.queueSize) {
        revisedQueue++;
        example.queue = r.revisedQueueSize;
      }
    });
    if (revisedSampling > 0) this.revised('samplingInterval', p.samplingIntervalMs, example.sampling, revisedSampling);
    if (revisedQueue > 0) this.revised('queueSize', p.queueSize, example.queue, revisedQueue);
    example = {};
  }

  private revised(parameter: string, requested: number, revised: number | undefined, items: number): void {
    const message = `server revised ${parameter} from ${requested} to ${revised}${items > 1 ? ` for ${items} items` : ''}`;
    this.log.info({ parameter, requested, revised, items }, message);
    this.ctx?.events.emit({
      ts: Date.now(),
      kind: 'subscription.revised',
      severity: 'info',
      source: this.name,
      message,
      details: { parameter, requested, revised, items },
    });
  }

  private makeHandler(keys: number[]): (msg: NotificationMessage) => void {
    const sink = (this.ctx as SourceContext).sink;
    return makeNotificationHandler(
      keys,
      (batch, count, publishTime) => {
        this.h.valuesReceived += count;
        this.h.lastValueAt = Date.now();
        const jump = this.clock.observe(batch, publishTime);
        sink.write(batch);
        if (jump) this.onClockJump(jump);
      },
      (capacity) => new SampleBatch(capacity),
    );
  }

  // ---- gaps and clocks ---------------------------------------------------------------------

  /** Flags a step of the device clock; the values themselves are kept at their source timestamps. */
  private onClockJump(j: ClockJump): void {
    const s = (ms: number) => `${ms < 0 ? '−' : '+'}${(Math.abs(ms) / 1000).toFixed(1)} s`;
    const message =
      `source clock of ${this.config.endpoint} jumped ${s(j.jumpMs)} (newest SourceTimestamp − PublishTime ` +
      `${s(j.fromOffsetMs)} → ${s(j.toOffsetMs)}); values are stored at the source timestamps sent, from ` +
      `${new Date(j.sinceSourceTs).toISOString()} on`;
    this.log.warn({ ...j }, message);
    this.ctx?.events.emit({
      ts: Date.now(),
      kind: 'source.clock_jump',
      severity: 'warning',
      source: this.name,
      message,
      details: { ...j },
    });
  }

  private onConnectionLost(): void {
    if (this.stopped || this.state !== 'connected') return;
    const ts = Date.now();
    this.lostAt = ts;
    this.state = 'reconnecting';
    this.h.connectedSince = undefined;
    this.h.lastError = 'connection lost';
    const batch = new SampleBatch(this.tagKeys.length);
    for (const key of this.tagKeys) batch.push(key, ts, ts, Number.NaN, BAD_NO_COMMUNICATION);
    if (batch.length > 0) this.ctx?.sink.write(batch);
    const message = `connection to ${this.config.endpoint} lost; ${this.tagKeys.length} tag(s) marked BadNoCommunication, reconnecting`;
    this.log.warn(message);
    this.ctx?.events.emit({ ts, kind: 'connection.lost', severity: 'warning', source: this.name, message });
  }

  private onConnectionRestored(): void {
    if (this.stopped) return;
    const now = Date.now();
    const gapMs = this.lostAt !== undefined ? now - this.lostAt : 0;
    this.lostAt = undefined;
    this.state = 'connected';
    this.h.connectedSince = now;
    this.h.reconnects++;
    this.h.lastError = undefined;
    this.restoreItems().catch((err: Error) =>
      this.log.error({ err: err.message }, 'could not re-create the monitored items after reconnection'),
    );
    const message = `connection to ${this.config.endpoint} restored after ${gapMs} ms`;
    this.log.info({ gapMs }, message);
    this.ctx?.events.emit({
      ts: now,
      kind: 'connection.restored',
      severity: 'info',
      source: this.name,
      message,
      details: { gapMs },
    });
  }

  private async teardown(): Promise<void> {
    const client = this.client;
    const session = this.session;
    const subs = this.subs;
    this.client = undefined;
    this.session = undefined;
    this.subs = [];
    for (const s of subs) await s.subscription.terminate().catch(() => undefined);
    if (session) await session.close().catch(() => undefined);
    if (client) await client.disconnect().catch(() => undefined);
  }
}

function describeDer(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  if (!text.includes('-----BEGIN')) return raw;
  const b64 = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(b64, 'base64');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}
