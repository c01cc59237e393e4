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
import type { Source, SourceContext, SourceHealth } from '../../pipeline/types.js';
import { describeCertificate, type HubPki } from '../../pki/index.js';
import { type Link, NotConnected, Supervisor } from '../../runtime/index.js';
import { type ClockJump, SourceClockWatch } from './clock.js';
import { type CommandOutcome, callMethod, type MachineCommandTarget, writeValue } from './commands.js';
import type { OpcuaSourceConfig, SubscriptionParams } from './config.js';
import { type DiscoveredTag, discover, resolveConfiguredNodeId } from './discovery.js';
import { makeNotificationHandler } from './values.js';

/** The OPC UA part of a source's health. */
export type OpcuaHealthDetails = {
  securityMode: string;
  securityPolicy: string;
  /** Monitored items the server accepted. */
  monitoredItems: number;
  /** SHA-1 thumbprint of the server certificate, hex, when known. */
  serverCertificateThumbprint?: string;
};

export interface OpcuaSourceDeps {
  pki: HubPki;
  logger: Logger;
}

/** node-opcua's session implements the raw subscription services; its public type leaves them out. */
type RawSession = ClientSession & ClientSessionRawSubscriptionService;

/** Each graceful step of a close (terminate, close session) gets this long before it is skipped. */
const CLOSE_STEP_MS = 1000;

interface ActiveSubscription {
  subscription: ClientSubscription;
  publishingIntervalMs: number;
  /** clientHandle → tag key. Handles are ours (tag index + 1) and the same in every re-creation. */
  keys: number[];
  /** One CreateMonitoredItems group per distinct parameter set: tag indexes and their parameters. */
  groups: { indexes: number[]; params: SubscriptionParams }[];
}

/**
 * An OPC UA client source (OPC UA Part 4 services: Browse, Read, CreateSubscription,
 * CreateMonitoredItems, Publish).
 *
 * Connection: the runtime's `Supervisor` owns it. This class is the connector: `open` makes a
 * client, a session and the subscriptions, `teardown` releases them; node-opcua's own repair is
 * off (`connectionStrategy.maxRetry: 0`), so a broken channel is reported to the supervisor, which
 * marks the gap, tears the client down and reconnects with backoff (a fresh session and fresh
 * subscriptions with the same client handles). Every notification and keep-alive is a contact for
 * the liveness check: the keep-alive count is chosen so that a silent subscription still sends one
 * at least every liveness/2 (OPC UA Part 4, 5.13.1.1), so a frozen server or a dead link is
 * noticed within the liveness time however quiet the values are.
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
  private supervisor: Supervisor;
  private readonly clock: SourceClockWatch;
  private h = {
    monitoredItems: 0,
    serverCertificateThumbprint: undefined as string | undefined,
  };

  constructor(
    readonly config: OpcuaSourceConfig,
    private readonly deps: OpcuaSourceDeps,
  ) {
    this.name = config.name;
    this.log = deps.logger;
    this.clock = new SourceClockWatch(config.clockJumpThresholdMs);
    this.supervisor = this.makeSupervisor();
  }

  private makeSupervisor(): Supervisor {
    return new Supervisor({
      name: this.name,
      peer: this.config.endpoint,
      connector: { connect: (link) => this.open(link), close: () => this.teardown() },
      reconnect: this.config.reconnect,
      liveness: this.config.liveness,
      connectTimeout: this.config.connectTimeout,
      log: this.log,
    });
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.log ?? this.deps.logger;
    this.supervisor = this.makeSupervisor();
    if (this.config.securityMode === 'None') {
      this.log.warn(
        { endpoint: this.config.endpoint },
        'security None: values and credentials travel unsigned and unencrypted; use only on an isolated test network',
      );
    }
    await this.supervisor.start({
      events: ctx.events,
      gaps: { sink: ctx.sink, keys: () => this.tagKeys },
    });
  }

  health(): SourceHealth<OpcuaHealthDetails> {
    return {
      name: this.name,
      kind: this.kind,
      endpoint: this.config.endpoint,
      ...this.supervisor.health(),
      tags: this.tagKeys.length,
      rejectedTags: this.rejected.size,
      details: {
        securityMode: this.config.securityMode,
        securityPolicy: this.config.securityPolicy,
        monitoredItems: this.h.monitoredItems,
        ...(this.h.serverCertificateThumbprint
          ? { serverCertificateThumbprint: this.h.serverCertificateThumbprint }
          : {}),
      },
    };
  }

  writeValue(nodeId: string, value: unknown): Promise<CommandOutcome> {
    return writeValue(this.supervisor.connected ? this.session : undefined, nodeId, value);
  }

  callMethod(r: { from: string; levelsUp: number; method: string; args: readonly unknown[] }): Promise<CommandOutcome> {
    return callMethod(this.supervisor.connected ? this.session : undefined, r);
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
  }

  // ---- connection -------------------------------------------------------------------------

  /** The connector's `connect`: one attempt with a fresh client; failures are retried by the supervisor. */
  private async open(link: Link): Promise<void> {
    try {
      await this.connectOnce(link);
    } catch (err) {
      const untrusted = await this.untrustedMessage(err as Error);
      if (untrusted) {
        throw new NotConnected(untrusted, {
          event: 'certificate.untrusted',
          details: { thumbprint: this.h.serverCertificateThumbprint },
          slow: true,
        });
      }
      throw err;
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

  private async connectOnce(link: Link): Promise<void> {
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
      requestedSessionTimeout: config.sessionTimeout,
      defaultTransactionTimeout: config.requestTimeoutMs,
      // maxRetry 0: node-opcua neither retries the connect nor repairs a broken channel by itself;
      // it reports `connection_lost` and the supervisor reconnects (one owner of the connection).
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 100 },
    });
    this.client = client;
    client.on('connection_lost', () => link.lost('secure channel closed'));

    await client.connect(config.endpoint);
    const cert = client.serverCertificate;
    const der = Array.isArray(cert) ? cert[0] : cert;
    if (der) this.h.serverCertificateThumbprint = describeCertificate(der).thumbprint;
    const session = await client.createSession(this.identity());
    this.session = session;
    session.on('keepalive_failure', () => link.lost('session keep-alive failed'));
    session.on('session_closed', () => link.lost('session closed by the server'));

    if (this.tags === undefined) await this.discoverTags(session);
    await this.subscribe(session, link);
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

  private async subscribe(session: ClientSession, link: Link): Promise<void> {
    const tags = this.tags ?? [];
    const byInterval = new Map<number, number[]>();
    tags.forEach((t, i) => {
      const list = byInterval.get(t.params.publishingIntervalMs) ?? [];
      list.push(i);
      byInterval.set(t.params.publishingIntervalMs, list);
    });
    this.subs = [];
    this.h.monitoredItems = 0;
    const liveness = this.config.liveness;
    for (const [publishingIntervalMs, indexes] of byInterval) {
      // A subscription with nothing to report sends a keep-alive after maxKeepAliveCount publishing
      // intervals (OPC UA Part 4, 5.13.1.1): at most liveness/2 apart, so one lost keep-alive is not a loss.
      const keepAliveCount =
        liveness > 0 ? Math.max(1, Math.floor(liveness / 2 / Math.max(1, publishingIntervalMs))) : 10;
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: publishingIntervalMs,
        // the lifetime count must be at least 3 × the keep-alive count (Part 4, 5.13.2.2)
        requestedLifetimeCount: Math.max(60, 3 * keepAliveCount),
        requestedMaxKeepAliveCount: keepAliveCount,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 10,
      });
      const keepAliveMs = subscription.publishingInterval * subscription.maxKeepAliveCount;
      if (liveness > 0 && keepAliveMs > liveness) {
        this.log.warn(
          {
            publishingInterval: subscription.publishingInterval,
            maxKeepAliveCount: subscription.maxKeepAliveCount,
            liveness,
          },
          `the server revised the subscription so that a keep-alive comes only every ${keepAliveMs} ms, longer than liveness (${liveness} ms): a quiet subscription will be reported lost; raise \`liveness\``,
        );
      }
      const keys: number[] = [];
      const active: ActiveSubscription = { subscription, publishingIntervalMs, keys, groups: [] };
      this.subs.push(active);
      // every Publish response, keep-alives included, is a sign of life
      subscription.on('raw_notification', () => link.contact());
      // The monitored items are created with CreateMonitoredItems directly, not as node-opcua
      // ClientMonitoredItem objects (≈ 0.7 KB of heap each, 70 MB at 100k tags): every value is read
      // from the raw NotificationMessage by client handle. node-opcua's per-item dispatch would then
      // warn about unknown handles on every publish, so it is switched off for this subscription.
      (
        subscription as unknown as { __on_publish_response_DataChangeNotification: () => void }
      ).__on_publish_response_DataChangeNotification = () => undefined;
      subscription.on('raw_notification', this.makeHandler(keys, link));
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
      await this.createItems(session, active);
    }
  }

  /** Creates the subscription's monitored items (all, or those whose client handle is not in `present`). */
  private async createItems(session: ClientSession, active: ActiveSubscription) {
    const ns = await session.readNamespaceArray();
    for (const { indexes, params } of active.groups) {
      for (let o = 0; o < indexes.length; o += this.config.maxMonitoredItemsPerCall) {
        const part = indexes.slice(o, o + this.config.maxMonitoredItemsPerCall);
        await this.monitorChunk(session, active, part, params, ns);
      }
    }
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

  private makeHandler(keys: number[], link: Link): (msg: NotificationMessage) => void {
    const sink = (this.ctx as SourceContext).sink;
    return makeNotificationHandler(
      keys,
      (batch, count, publishTime) => {
        link.received(count);
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

  private async teardown(): Promise<void> {
    const client = this.client;
    const session = this.session;
    const subs = this.subs;
    this.client = undefined;
    this.session = undefined;
    this.subs = [];
    // The graceful steps are skipped after a short wait: after a loss the peer may be frozen, and
    // node-opcua waits for its answer up to the request timeout. The supervisor bounds the whole close.
    const step = (p: Promise<unknown>) => withTimeout(p, CLOSE_STEP_MS).catch(() => undefined);
    for (const s of subs) await step(s.subscription.terminate());
    if (session) await step(session.close());
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
