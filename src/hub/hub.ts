import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { importTagDefinitions } from '../analytics/history/index.js';
import { KpiService } from '../analytics/kpi/index.js';
import { PdmMonitor } from '../analytics/pdm/index.js';
import type { HubHealth, HubView, ServerCertificate, SiteInfo } from '../api/index.js';
import { buildApi } from '../api/index.js';
import type { GotthardConfig } from '../config/index.js';
import { GotthardError } from '../errors.js';
import { createHistorian, type Historian } from '../historian/index.js';
import { type AssetNode, buildAssetTree } from '../model/assets.js';
import { Pipeline } from '../pipeline/index.js';
import type { EventSink, HubEvent, Source, SourceContext } from '../pipeline/types.js';
import { type HubPki, openPki } from '../pki/index.js';
import { AuditLog, auditConfigAtStart } from '../security/audit/index.js';
import { AuthService, isLoopback as isLoopbackHost, tlsKeyPair, wantsHttps } from '../security/auth/index.js';
import { ConfigGovernance, governedCatalog, TagOwnership } from '../security/governance/index.js';
import { GuardedCommands } from '../security/writes/index.js';
import type { DemoPlant } from '../sim/index.js';
import { createSinks, type EgressSink, unsIdentity } from '../sinks/index.js';
import { createSource, isMachineCommandTarget, sourceConfigSchema } from '../sources/index.js';
import { brokerTarget, connectionTarget, type EmbeddedBroker, startEmbeddedBroker } from '../uns/index.js';
import { Delivery } from '../workflows/delivery/index.js';
import { Workflows } from '../workflows/index.js';
import { demoSourceConfig } from './demo.js';
import { AliveFile, markDowntime } from './downtime.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface HubOptions {
  logger: Logger;
  /** Run the built-in demo plant in this process and collect from it. */
  demo?: boolean;
  /** Longest graceful stop; what is accepted is flushed within it. */
  stopTimeoutMs?: number;
  /** Folder of the built dashboard served at `/` (default `dist/web`); `false` serves none. */
  webRoot?: string | false;
  /**
   * Start of the demo plant's simulated clock (epoch ms; default now). The plant's shift breaks
   * follow this clock, so tests that need machines producing pin it outside a break.
   */
  demoSimStart?: number;
}

const RETENTION_EVERY_MS = 15 * 60_000;

/**
 * The hub process: opens the historian and the PKI, starts the sources, wires
 * source → pipeline → historian, serves the API, and stops within a timeout, flushing what it
 * accepted. It owns all runtime state; nothing lives at module level.
 */
export class Hub implements HubView {
  readonly pipeline: Pipeline;
  readonly startedAt = Date.now();
  private historianImpl: Historian | undefined;
  private pkiImpl: HubPki | undefined;
  private readonly sources: Source[] = [];
  private api: FastifyInstance | undefined;
  private demoPlant: DemoPlant | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private kpiImpl: KpiService | undefined;
  private pdmImpl: PdmMonitor | undefined;
  private pdmUnlisten: (() => void) | undefined;
  private workflowsImpl: Workflows | undefined;
  private workflowsUnlisten: (() => void) | undefined;
  private deliveryImpl: Delivery | undefined;
  private mqttBroker: EmbeddedBroker | undefined;
  /** Egress sinks from the sink registry (src/sinks), in start order; the historian is not among them. */
  private readonly egress: EgressSink[] = [];
  private stopping: Promise<void> | undefined;
  private alive: AliveFile | undefined;
  private authImpl: AuthService | undefined;
  private auditImpl: AuditLog | undefined;
  private governanceImpl: ConfigGovernance | undefined;
  private commandsImpl: GuardedCommands | undefined;
  private ownershipImpl: TagOwnership | undefined;
  /** The context each source was started with, so it can be restarted (a withdrawn certificate). */
  private readonly sourceContexts = new Map<string, SourceContext>();
  private readonly log: Logger;

  constructor(
    private readonly config: Readonly<GotthardConfig>,
    private readonly opts: HubOptions,
  ) {
    this.log = opts.logger;
    this.pipeline = new Pipeline(this.log.child({ component: 'pipeline' }));
  }

  get historian(): Historian {
    if (!this.historianImpl) throw new GotthardError('GT_INTERNAL', 'hub not started');
    return this.historianImpl;
  }

  /** The KPI engine (src/analytics/kpi), once started with `kpi.enabled`. */
  get kpi(): KpiService | undefined {
    return this.kpiImpl;
  }

  /** Rules, work orders and maintenance scheduling (src/workflows), when `workflows.enabled`. */
  get workflows(): Workflows | undefined {
    return this.workflowsImpl;
  }

  /** Durable delivery to ERP/CMMS, webhooks, e-mail, MQTT and HTTP (src/workflows/delivery). */
  get delivery(): Delivery | undefined {
    return this.deliveryImpl;
  }

  /** The predictive-maintenance monitor (src/analytics/pdm), when `pdm.enabled`. */
  get pdm(): PdmMonitor | undefined {
    return this.pdmImpl;
  }

  /** The tamper-evident audit log (src/security/audit); open from the start of `start()`. */
  get audit(): AuditLog | undefined {
    return this.auditImpl;
  }

  /** Owner, classification and retention per tag; decides what leaves the hub (src/security/governance). */
  get governance(): ConfigGovernance | undefined {
    return this.governanceImpl;
  }

  /** The guarded path for writes and method calls to machines (src/security/writes); refuses all unless `writes.enabled`. */
  get commands(): GuardedCommands | undefined {
    return this.commandsImpl;
  }

  /** One source per tag id: refused declarations and values (src/security/governance/ownership.ts). */
  get ownership(): TagOwnership | undefined {
    return this.ownershipImpl;
  }

  get pki(): HubPki {
    if (!this.pkiImpl) throw new GotthardError('GT_INTERNAL', 'hub not started');
    return this.pkiImpl;
  }

  /** The API's address once listening, e.g. `http://127.0.0.1:8080`. */
  address: string | undefined;

  async start(): Promise<void> {
    const c = this.config;
    mkdirSync(c.dataDir, { recursive: true });
    // First, so everything the hub does from here on can be audited.
    const audit = new AuditLog({
      file: join(c.dataDir, 'audit', 'audit.log'),
      logger: this.log.child({ component: 'audit' }),
    });
    audit.open();
    this.auditImpl = audit;
    auditConfigAtStart(audit, audit.file, c, VERSION);
    const governance = new ConfigGovernance(c.governance);
    this.governanceImpl = governance;
    const historian = createHistorian(c.historian, {
      dataDir: c.dataDir,
      logger: this.log.child({ component: 'historian' }),
    });
    await historian.open();
    this.historianImpl = historian;
    // Tags declared for import only (config `imports`): registered so their history can be imported.
    await historian.register(importTagDefinitions(c.imports));
    this.pipeline.addSink(historian);
    // Read before this run overwrites it: since when nothing was collected, and whether the last run
    // ended cleanly (marked as a gap once the sources are known, below).
    this.alive = new AliveFile(join(c.dataDir, 'hub.alive'));
    const previousRun = this.alive.read();
    const startedAt = Date.now();
    this.alive.start();
    if (c.kpi.enabled) {
      this.kpiImpl = new KpiService({
        historian,
        config: c.kpi,
        sites: c.assets.sites,
        storePath: join(c.dataDir, 'kpi.db'),
        logger: this.log.child({ component: 'kpi' }),
        // The demo plant at --speed N makes parts N times faster than its ideal cycle time per second
        // of the hub's clock (its timestamps): its KPIs are computed in its own time base.
        ...(this.opts.demo && c.demo.speed !== 1 ? { timeScaleBySource: { 'demo-plant': c.demo.speed } } : {}),
        // Work orders' planned windows are planned downtime; the workflows start after the KPI engine.
        maintenance: () => {
          // Not while stopping: the workflows' store closes before the KPI engine.
          const store = this.stopping === undefined ? this.workflowsImpl?.store : undefined;
          return store && ((asset, from, to) => store.maintenanceWindows(asset, from, to));
        },
      });
    }

    await this.startSinks(historian);

    this.pkiImpl = await openPki({
      dir: c.pki.dir ?? join(c.dataDir, 'pki'),
      applicationUri: `urn:gotthard:hub:${hostname()}`,
      logger: this.log.child({ component: 'pki' }),
    });

    const sourceConfigs: unknown[] = [...c.sources];
    if (this.opts.demo) {
      // loaded only for the demo: the OPC UA server stack is not needed by a hub that only collects
      const { startDemoPlant } = await import('../sim/index.js');
      this.demoPlant = await startDemoPlant({
        port: c.demo.port,
        seed: c.demo.seed,
        speed: c.demo.speed,
        machines: c.demo.machines,
        ...(this.opts.demoSimStart !== undefined ? { simStart: this.opts.demoSimStart } : {}),
        pkiDir: join(c.dataDir, 'demo-plant', 'pki'),
        // Counters and wear survive a restart, as on a real machine (a replaced bearing stays replaced).
        stateFile: join(c.dataDir, 'demo-plant', 'state.json'),
        logger: this.log.child({ component: 'demo-plant' }),
      });
      await this.pkiImpl.trustFile(this.demoPlant.certificateFile);
      this.log.info(
        { endpoint: this.demoPlant.endpointUrl },
        'demo plant running in-process; its certificate is trusted, no other server is',
      );
      if (!sourceConfigs.some((s) => (s as { name?: string }).name === 'demo-plant')) {
        sourceConfigs.push(demoSourceConfig(c, this.demoPlant.endpointUrl));
      }
    }

    const events: EventSink = { emit: (e) => this.onEvent(e) };
    if (c.pdm.enabled) {
      // Reads live batches and writes its derived tags back through the pipeline, like a source.
      const pdm = new PdmMonitor(c.pdm, {
        catalog: historian,
        sink: this.pipeline,
        events,
        log: this.log.child({ component: 'pdm' }),
        listTags: () => historian.listTags(),
        // The demo plant stamps wall-clock time while its physics runs `speed` times faster: the
        // monitor assesses it in plant time (and checks the timestamps first, docs/pdm.md).
        ...(this.opts.demo ? { timeScale: c.demo.speed } : {}),
      });
      this.pdmImpl = pdm;
      this.pdmUnlisten = this.pipeline.listen((b) => pdm.onBatch(b));
    }
    if (c.workflows.enabled || c.connectors.list.length > 0) {
      // Before the workflow engine, so nothing it hands over waits; stopped after it.
      const mqttTarget = c.connectors.mqtt
        ? connectionTarget(c.connectors.mqtt, 'connectors.mqtt')
        : c.uns
          ? brokerTarget(c.uns.broker, this.mqttBroker, 'uns.broker')
          : undefined;
      this.deliveryImpl = new Delivery({
        config: c.connectors,
        outboxPath: c.connectors.outboxPath ?? join(c.dataDir, 'outbox', 'delivery.db'),
        logger: this.log.child({ component: 'delivery' }),
        governance: () => this.governanceImpl,
        audit: () => this.auditImpl,
        ...(mqttTarget ? { mqtt: mqttTarget, mqttClientId: `gotthard-actions-${hostname()}` } : {}),
      });
      this.deliveryImpl.start();
    }
    if (c.workflows.enabled) {
      const wf = new Workflows({
        config: c.workflows,
        storePath: join(c.dataDir, 'workflows.db'),
        timezone: c.kpi.timezone ?? c.assets.sites[0]?.timezone ?? 'UTC',
        shifts: c.kpi.shifts,
        listTags: () => historian.listTags(),
        ...(this.kpiImpl ? { kpi: this.kpiImpl } : {}),
        ...(this.pdmImpl ? { pdm: this.pdmImpl } : {}),
        events,
        log: this.log.child({ component: 'workflows' }),
        // Read when used: the guarded write path is set up after the sources below.
        delivery: () => this.deliveryImpl,
        commands: () => this.commandsImpl,
        audit: () => this.auditImpl,
      });
      this.workflowsImpl = wf;
      this.workflowsUnlisten = this.pipeline.listen((b) => wf.onBatch(b));
      this.deliveryImpl?.attachStatusSink(wf.workOrders);
    }
    for (const raw of sourceConfigs) {
      const sc = sourceConfigSchema.parse(raw);
      const source = createSource(sc, { pki: this.pkiImpl, logger: this.log.child({ source: sc.name }) });
      this.sources.push(source);
    }
    this.commandsImpl = new GuardedCommands({
      config: c.writes,
      tags: historian,
      source: (name) => {
        const s = this.sources.find((x) => x.name === name);
        return s && isMachineCommandTarget(s) ? s : undefined;
      },
      audit,
      logger: this.log.child({ component: 'commands' }),
    });
    await markDowntime({
      previous: previousRun,
      now: startedAt,
      historian,
      sink: this.pipeline,
      events,
      sources: new Set(this.sources.filter((s) => s.marksGaps).map((s) => s.name)),
    });
    const ownership = new TagOwnership({
      catalog: governedCatalog(historian, governance),
      existing: () => historian.listTags(),
      sources: this.sources.map((s) => s.name),
      rules: c.governance.tagSources,
      events,
      log: this.log.child({ component: 'ownership' }),
    });
    this.ownershipImpl = ownership;
    await Promise.all(
      this.sources.map((s) => {
        const ctx: SourceContext = {
          ...ownership.forSource(s.name, this.pipeline),
          events,
          log: this.log.child({ source: s.name }),
        };
        this.sourceContexts.set(s.name, ctx);
        return s.start(ctx);
      }),
    );

    this.authImpl = await AuthService.open({
      dataDir: c.dataDir,
      config: c.security,
      logger: this.log.child({ component: 'auth' }),
    });
    const https = wantsHttps(c.http.tls, c.http.host)
      ? await tlsKeyPair(c.http.tls, join(c.dataDir, 'tls'), c.http.host, this.log.child({ component: 'tls' }))
      : undefined;
    if (!https && c.http.tls.mode === 'off' && !isLoopbackHost(c.http.host)) {
      this.log.warn(
        { host: c.http.host },
        'plain HTTP on a network address (http.tls.mode: off): passwords and session cookies cross the network in clear unless a TLS proxy sits in front',
      );
    }
    this.api = await buildApi(this, {
      logger: this.log,
      version: VERSION,
      webRoot: this.opts.webRoot,
      auth: this.authImpl,
      https,
      hstsMaxAge: c.http.hstsMaxAge,
      corsOrigins: c.http.corsOrigins,
      bodyLimit: c.http.bodyLimit,
    });
    this.address = await this.api.listen({ host: c.http.host, port: c.http.port });
    this.log.info({ url: `${this.address}/api/v1/health` }, 'HTTP API listening');
    const setupToken = this.authImpl.takeSetupToken();
    if (setupToken !== undefined) {
      // Printed once, on purpose: the only way in on a first start without GOTTHARD_ADMIN_PASSWORD.
      this.log.warn(
        { setupUrl: `${this.address}/#/setup`, setupToken },
        'first start: no user exists; open the setup page and enter this one-time setup token to create the admin',
      );
    }

    this.retentionTimer = setInterval(() => {
      historian.applyRetention().catch((err: unknown) => this.log.error({ err }, 'retention failed'));
    }, RETENTION_EVERY_MS);
    this.retentionTimer.unref();
    this.kpiImpl?.start();
    this.workflowsImpl?.start();
  }

  /**
   * The embedded MQTT broker when `uns.broker.mode` is `embedded` (delivery's `mqtt.publish` uses it
   * too), then every configured sink of the registry, started in its order and added to the pipeline.
   */
  private async startSinks(historian: Historian): Promise<void> {
    const u = this.config.uns;
    if (u?.broker.mode === 'embedded') {
      // Only the hub writes its own namespace (JSON tag topics, its Sparkplug edge node).
      const { edgeNodeId, groupId } = unsIdentity(this.config, u);
      const prefix = u.topicPrefix ? `${u.topicPrefix}/` : '';
      this.mqttBroker = await startEmbeddedBroker(u.broker, this.log.child({ component: 'mqtt-broker' }), {
        hubTopics: [
          `${prefix}${this.config.assets.enterprise.id}/#`,
          // Births, data and deaths of the hub's edge node and its devices; NCMD/DCMD stay open to
          // host applications (Sparkplug B 3.0, 4.2: commands are how a host asks for a rebirth).
          ...['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH'].map(
            (t) => `spBv1.0/${groupId}/${t}/${edgeNodeId}/#`,
          ),
        ],
      });
    }
    const sinks = createSinks({
      config: this.config,
      tags: historian,
      governance: this.governanceImpl,
      events: { emit: (e) => this.onEvent(e) },
      broker: this.mqttBroker,
      logger: this.log,
    });
    for (const sink of sinks) {
      await sink.start();
      this.egress.push(sink);
      this.pipeline.addSink(sink);
    }
  }

  private onEvent(e: HubEvent): void {
    const level = e.severity === 'error' ? 'error' : e.severity === 'warning' ? 'warn' : 'info';
    this.log[level]({ event: e.kind, source: e.source, ...e.details }, e.message);
    this.historianImpl?.appendEvent(e);
    this.workflowsImpl?.onEvent(e);
  }

  health(): HubHealth {
    const sources = this.sources.map((s) => s.health());
    const historian = this.historian.stats();
    // A historian that cannot write (e.g. a full disk) keeps values in memory: degraded, not down.
    const degraded = sources.some((s) => s.state !== 'connected') || historian.lastError !== undefined;
    return {
      status: degraded ? 'degraded' : 'ok',
      version: VERSION,
      startedAt: this.startedAt,
      sources,
      historian,
      ingest: { valuesPerSecond: Math.round(this.pipeline.meter.rate()), totalValues: this.pipeline.meter.total },
      sinks: [...this.egress.map((s) => s.health()), ...(this.deliveryImpl?.health() ?? [])],
      ...(this.ownershipImpl ? { tagOwnership: this.ownershipImpl.stats() } : {}),
    };
  }

  async assetTree(): Promise<AssetNode> {
    return buildAssetTree(this.config.assets, await this.historian.listTags());
  }

  async serverCertificates(): Promise<ServerCertificate[]> {
    return ((await this.pkiImpl?.list()) ?? []).map((c) => ({
      thumbprint: c.thumbprint,
      status: c.status,
      subject: c.subject,
      notAfter: c.notAfter,
      expired: c.expired,
    }));
  }

  /**
   * A server certificate was rejected or removed: the sessions built on it must not outlive the
   * decision. Every source connected with that certificate is stopped and started again, so it
   * reconnects under the new trust list (and fails with `certificate.untrusted` until it is
   * trusted again). Returns the names of the sources restarted.
   */
  async withdrawCertificate(thumbprint: string): Promise<string[]> {
    const tp = thumbprint.replace(/:/g, '').toLowerCase();
    const hit = this.sources.filter((s) => {
      const own = s.health().details.serverCertificateThumbprint;
      return typeof own === 'string' && own.replace(/:/g, '').toLowerCase() === tp;
    });
    for (const s of hit) {
      const ctx = this.sourceContexts.get(s.name);
      await s.stop();
      this.onEvent({
        ts: Date.now(),
        kind: 'connection.certificate-withdrawn',
        severity: 'warning',
        source: s.name,
        message: `server certificate ${tp} was rejected or removed: the session of ${s.name} is ended and it reconnects under the new trust list`,
        details: { thumbprint: tp },
      });
      if (ctx) await s.start(ctx);
    }
    return hit.map((s) => s.name);
  }

  sites(): SiteInfo[] {
    const e = this.config.assets.enterprise.id;
    return this.config.assets.sites.map((s) => ({
      path: `${e}/${s.id}`,
      id: s.id,
      name: s.name ?? s.id,
      timezone: s.timezone,
    }));
  }

  /** Demo plant, when started with `demo: true` (tests and the CLI use it). */
  get demo(): DemoPlant | undefined {
    return this.demoPlant;
  }

  /** Stops sources, flushes and closes the historian, closes the API; at most `stopTimeoutMs`. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const timeoutMs = this.opts.stopTimeoutMs ?? 5000;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    const deadline = Date.now() + timeoutMs;
    const within = <T>(p: Promise<T>, what: string): Promise<T | undefined> =>
      Promise.race([
        p,
        new Promise<undefined>((resolve) =>
          setTimeout(
            () => {
              this.log.warn({ what }, 'stop step timed out');
              resolve(undefined);
            },
            Math.max(100, deadline - Date.now() - 300),
          ).unref(),
        ),
      ]);
    await within(Promise.allSettled(this.sources.map((s) => s.stop())), 'sources');
    this.pdmUnlisten?.();
    this.pdmImpl?.stop();
    this.workflowsUnlisten?.();
    this.workflowsImpl?.stop();
    await within(this.deliveryImpl?.stop() ?? Promise.resolve(), 'delivery');
    await within(
      this.kpiImpl?.stop().catch((err: unknown) => this.log.error({ err }, 'KPI engine stop failed')) ??
        Promise.resolve(),
      'kpi',
    );
    // The historian is flushed even when a source hung: what was accepted must not be lost.
    await this.pipeline.close().then(
      // Only now is everything accepted durable: the next start marks the gap from here.
      () => this.alive?.stop(true),
      (err: unknown) => {
        this.alive?.stop(false);
        this.log.error({ err }, 'historian close failed');
      },
    );
    await within(this.mqttBroker?.stop() ?? Promise.resolve(), 'mqtt broker');
    await within(this.api?.close() ?? Promise.resolve(), 'api');
    this.authImpl?.close();
    await within(this.demoPlant?.stop() ?? Promise.resolve(), 'demo plant');
    await within(this.pkiImpl?.close() ?? Promise.resolve(), 'pki');
    this.auditImpl?.close();
    this.log.info('hub stopped');
  }
}
