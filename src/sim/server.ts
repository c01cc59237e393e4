import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  MessageSecurityMode,
  nodesets,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  type UAObject,
} from 'node-opcua';
import { type Logger, pino } from 'pino';
import { buildAddressSpace, NAMESPACE_URI, publishMachine } from './address-space.js';
import { type MachineDescriptor, scalePlant, standardPlant } from './layout.js';
import { DEMO_USER, demoPlantOptionsSchema, RESOURCE_PATH } from './options.js';
import { type FaultMode, PlantSimulation, type PlantSnapshot } from './physics.js';

export interface DemoPlantOptions {
  /** TCP port; `gotthard sim` uses 4840. */
  port: number;
  /** Host name in the endpoint URLs and certificate; default `localhost`. The server listens on all interfaces. */
  host?: string;
  /** Unset: the standard plant. N: scale mode with N machines (lines of ten, mostly CNCs). */
  machines?: number;
  /** Seed of the simulation (default 42); the same seed gives the same physics. */
  seed?: number;
  /** Simulated-time acceleration, default 1. */
  speed?: number;
  /** Real-time period of the physics tick and value updates, default 1000 ms. */
  updateIntervalMs?: number;
  /** The server's own PKI folder; the certificate is created there on first start. */
  pkiDir: string;
  /** Default false: only Sign and SignAndEncrypt endpoints. */
  allowSecurityNone?: boolean;
  /** Default true: accept unknown client certificates. false: require them in `<pkiDir>/trusted/certs`. */
  trustAllClients?: boolean;
  /** Start of the simulated clock (epoch ms or Date); default now. */
  simStart?: number | Date;
  /** Keeps counters, totalisers, wear and setpoints across restarts (the hub: `<dataDir>/demo-plant/state.json`). */
  stateFile?: string;
  logger?: Logger;
}

export interface DemoPlant {
  /** `opc.tcp://<host>:<port>/gotthard/demo` */
  endpointUrl: string;
  /** `urn:gotthard:demo-plant` */
  namespaceUri: string;
  /** PEM file of the server's application certificate, for clients that must trust it. */
  certificateFile: string;
  machines: { id: string; kind: string; area: string; line: string; name: string }[];
  /** Number of process variables (excluding Identification properties' metadata such as EURange). */
  variableCount: number;
  /** The physics behind the server, for tests and tools in the same process. */
  simulation: PlantSimulation;
  /** Tick statistics: how many ticks ran and how long they took (physics + publishing), ms. */
  tickStats(): { ticks: number; lastMs: number; maxMs: number; writes: number };
  /**
   * Holds the tick loop (nothing changes, the server keeps serving) and resumes it: with a pause
   * before and after, `tickStats().writes` counts exactly the values a client can receive in between.
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/**
 * Starts the demo plant: a node-opcua server whose address space (see address-space.ts) is fed by
 * the seeded plant physics (see physics.ts) from one tick loop.
 */
export async function startDemoPlant(options: DemoPlantOptions): Promise<DemoPlant> {
  const { logger, ...rest } = options;
  const parsed = demoPlantOptionsSchema.safeParse(rest);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new Error(`invalid demo plant options: ${issues}`);
  }
  const cfg = parsed.data;
  const log = (logger ?? pino({ level: 'silent' })).child({ component: 'demo-plant' });
  const started = performance.now();

  const layout: MachineDescriptor[] = cfg.machines === undefined ? standardPlant() : scalePlant(cfg.machines);
  const simStartMs = cfg.simStart === undefined ? Date.now() : Number(cfg.simStart);
  const simulation = new PlantSimulation(layout, { seed: cfg.seed, simStartMs });
  const stateFile = cfg.stateFile;
  if (stateFile !== undefined) {
    const restored = loadState(stateFile);
    if (restored.snapshot !== undefined) {
      const n = simulation.restore(restored.snapshot);
      log.info({ stateFile, machines: n, savedAt: restored.snapshot.savedAt }, 'demo plant state restored');
    } else if (restored.error !== undefined) {
      log.warn({ stateFile, err: restored.error }, 'demo plant state not restored: starting from the seed');
    }
  }
  const saveState = () => {
    if (stateFile === undefined) return;
    try {
      // Written whole and renamed: a crash leaves the previous state, never half a file.
      const tmp = `${stateFile}.tmp`;
      writeFileSync(tmp, JSON.stringify(simulation.snapshot(cfg.seed)));
      renameSync(tmp, stateFile);
    } catch (err) {
      log.warn({ stateFile, err }, 'demo plant state not saved');
    }
  };
  if (stateFile !== undefined) await mkdir(dirname(stateFile), { recursive: true });

  await mkdir(cfg.pkiDir, { recursive: true });
  const certificateManager = new OPCUACertificateManager({
    rootFolder: cfg.pkiDir,
    automaticallyAcceptUnknownCertificate: cfg.trustAllClients,
  });
  await certificateManager.initialize();

  const securityPolicies = [
    SecurityPolicy.Basic256Sha256,
    SecurityPolicy.Aes128_Sha256_RsaOaep,
    SecurityPolicy.Aes256_Sha256_RsaPss,
  ];
  const securityModes = [MessageSecurityMode.SignAndEncrypt, MessageSecurityMode.Sign];
  if (cfg.allowSecurityNone) {
    securityPolicies.unshift(SecurityPolicy.None);
    securityModes.unshift(MessageSecurityMode.None);
  }

  const server = new OPCUAServer({
    port: cfg.port,
    hostname: cfg.host,
    resourcePath: RESOURCE_PATH,
    nodeset_filename: [nodesets.standard],
    serverCertificateManager: certificateManager,
    securityPolicies,
    securityModes,
    allowAnonymous: true,
    userManager: {
      isValidUser: (userName: string, password: string) =>
        userName === DEMO_USER.userName && password === DEMO_USER.password,
    },
    serverInfo: {
      applicationUri: `urn:gotthard:demo-plant:${cfg.host}`,
      productUri: 'urn:gotthard:demo-plant',
      applicationName: { text: 'Gotthard Demo Plant', locale: 'en' },
    },
    buildInfo: { productName: 'Gotthard Demo Plant', manufacturerName: 'Gotthard', softwareVersion: '0.1.0' },
    // Discovery (GetEndpoints over an unsecured channel, OPC UA Part 4, 5.4.4) stays on even without
    // None endpoints: clients fetch the server certificate there before opening a secure channel.
    disableDiscovery: false,
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error('node-opcua server has no address space after initialize()');
    const namespace = addressSpace.registerNamespace(NAMESPACE_URI);
    const { nodes, variableCount } = buildAddressSpace(
      namespace,
      addressSpace.rootFolder.objects as UAObject,
      simulation.models,
      {
        injectFault(machineId: string, mode: FaultMode) {
          const model = simulation.get(machineId);
          if (!model) return;
          model.injectFault(mode);
          model.sample();
          log.info({ machine: machineId, mode }, 'fault injected');
          const m = nodes.find((n) => n.model === model);
          if (m) publishMachine(m, new Date());
        },
        resetWear(machineId: string) {
          const model = simulation.get(machineId);
          if (!model) return;
          model.resetWear();
          model.sample();
          log.info({ machine: machineId }, 'wear reset');
          const m = nodes.find((n) => n.model === model);
          if (m) publishMachine(m, new Date());
        },
        startMaintenance(machineId: string) {
          const model = simulation.get(machineId);
          if (!model) return;
          model.startMaintenance();
          model.sample();
          log.info({ machine: machineId }, 'planned maintenance started');
          const m = nodes.find((n) => n.model === model);
          if (m) publishMachine(m, new Date());
        },
        writeSetpoint(machineId: string, path: string, value: number | string) {
          const ok = simulation.get(machineId)?.writeSetpoint?.(path, value) ?? false;
          log.info({ machine: machineId, path, value, ok }, ok ? 'setpoint written' : 'setpoint write refused');
          return ok;
        },
      },
    );
    await server.start();

    const dtSim = (cfg.updateIntervalMs / 1000) * cfg.speed;
    let slowTickWarned = false;
    const stats = { ticks: 0, lastMs: 0, maxMs: 0, writes: 0 };
    const saveEvery = Math.max(1, Math.round(STATE_SAVE_MS / cfg.updateIntervalMs));
    const tick = () => {
      const t0 = performance.now();
      simulation.advance(dtSim);
      simulation.sample();
      const now = new Date();
      for (const m of nodes) stats.writes += publishMachine(m, now);
      if ((stats.ticks + 1) % saveEvery === 0) saveState();
      const took = performance.now() - t0;
      stats.ticks++;
      stats.lastMs = took;
      if (took > stats.maxMs) stats.maxMs = took;
      if (took > cfg.updateIntervalMs / 2 && !slowTickWarned) {
        slowTickWarned = true;
        log.warn(
          { tookMs: Math.round(took), updateIntervalMs: cfg.updateIntervalMs, machines: layout.length },
          'simulation tick uses more than half of the update interval: raise updateIntervalMs, lower speed or machines',
        );
      }
    };
    timer = setInterval(tick, cfg.updateIntervalMs);

    const endpointUrl = server.getEndpointUrl();
    const certificateFile = server.certificateFile;
    log.info(
      {
        endpointUrl,
        machines: layout.length,
        variables: variableCount,
        startupMs: Math.round(performance.now() - started),
        securityNone: cfg.allowSecurityNone,
      },
      'demo plant started',
    );

    let stopped: Promise<void> | undefined;
    return {
      endpointUrl,
      namespaceUri: NAMESPACE_URI,
      certificateFile,
      machines: layout.map(({ id, kind, area, line, name }) => ({ id, kind, area, line, name })),
      variableCount,
      simulation,
      tickStats: () => ({ ...stats }),
      pause() {
        clearInterval(timer);
        timer = undefined;
      },
      resume() {
        if (timer === undefined && stopped === undefined) timer = setInterval(tick, cfg.updateIntervalMs);
      },
      stop() {
        stopped ??= (async () => {
          clearInterval(timer);
          saveState();
          await server.shutdown(0);
          await certificateManager.dispose();
          log.info('demo plant stopped');
        })();
        return stopped;
      },
    };
  } catch (err) {
    clearInterval(timer);
    await server.shutdown(0).catch(() => undefined);
    await certificateManager.dispose().catch(() => undefined);
    throw err;
  }
}

/** How often (real time) the running plant saves its state; a stop saves it too. */
const STATE_SAVE_MS = 10_000;

/** The saved state, or why it could not be read (a missing file is a first start, no error). */
function loadState(file: string): { snapshot?: PlantSnapshot; error?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? {} : { error: (err as Error).message };
  }
  try {
    const s = JSON.parse(text) as PlantSnapshot;
    if (s?.version !== 1 || typeof s.machines !== 'object' || s.machines === null)
      return { error: `not a demo plant state file (version ${String(s?.version)})` };
    return { snapshot: s };
  } catch (err) {
    return { error: `damaged: ${(err as Error).message}` };
  }
}
