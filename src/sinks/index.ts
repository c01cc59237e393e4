import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GotthardConfig } from '../config/index.js';
import type { SinkHealth } from '../pipeline/outbox/index.js';
import type { EventSink, Sink } from '../pipeline/types.js';
import type { DataGovernance } from '../security/types.js';
import { brokerTarget, type EmbeddedBroker, type TagDirectory, UnsPublisher } from '../uns/index.js';

/** What every sink factory gets besides its own config. */
export interface SinkDeps {
  config: Readonly<GotthardConfig>;
  /** Tag ids and metadata by key (the historian's catalog). */
  tags: TagDirectory;
  governance: DataGovernance | undefined;
  events: EventSink;
  /** The embedded MQTT broker, when `uns.broker.mode` is `embedded` (started by the hub before the sinks). */
  broker: EmbeddedBroker | undefined;
  logger: Logger;
}

/** An egress sink the pipeline writes to, with its health in hub health `sinks[]`. */
export interface EgressSink extends Sink {
  start(): Promise<void>;
  health(): SinkHealth;
}

export interface SinkKind<C> {
  readonly kind: string;
  /** Its part of the config, or undefined when this sink is not configured. */
  configOf(config: Readonly<GotthardConfig>): C | undefined;
  /** Builds the sink; it is started and added to the pipeline by the hub, in registry order. */
  create(config: C, deps: SinkDeps): EgressSink;
}

type UnsConfig = NonNullable<GotthardConfig['uns']>;

/**
 * The hub's Sparkplug identity on the UNS: the edge node id (configured, else the host name made
 * topic-safe) and the group id (configured, else `<enterprise>-<site>` for one site). The publisher
 * uses it, and the embedded broker's ACL keeps this namespace writable by the hub only.
 */
export function unsIdentity(c: Readonly<GotthardConfig>, u: UnsConfig): { edgeNodeId: string; groupId: string } {
  const nodeId =
    u.nodeId ??
    (hostname()
      .replace(/[^a-zA-Z0-9_.-]+/g, '-')
      .replace(/^[^a-zA-Z0-9]+/, '') ||
      'gotthard');
  const site = c.assets.sites.length === 1 ? c.assets.sites[0]?.id : undefined;
  return {
    edgeNodeId: u.sparkplug.edgeNodeId ?? nodeId,
    groupId: u.sparkplug.groupId ?? (site ? `${c.assets.enterprise.id}-${site}` : c.assets.enterprise.id),
  };
}

/**
 * The sink registry: every egress sink the hub can run besides the historian, registered explicitly.
 * The historian is the always-on sink (created first by the hub, from src/historian/registry.ts);
 * the sinks here start after it, in this order, when their config is present, and are flushed and
 * closed with the pipeline. A new sink kind is one folder plus one line here.
 */
export const SINK_KINDS = {
  uns: {
    kind: 'uns',
    configOf: (c) => c.uns,
    create: (u, d) => {
      const c = d.config;
      const { edgeNodeId, groupId } = unsIdentity(c, u);
      return new UnsPublisher({
        config: u,
        nodeId: edgeNodeId,
        groupId,
        target: brokerTarget(u.broker, d.broker, 'uns.broker'),
        outboxPath: u.outbox.path ?? join(c.dataDir, 'outbox', 'uns.db'),
        tags: d.tags,
        ...(d.governance ? { governance: d.governance } : {}),
        events: d.events,
        logger: d.logger,
      });
    },
  } satisfies SinkKind<UnsConfig>,
} as const;

export type SinkKindName = keyof typeof SINK_KINDS;

/** The configured egress sinks, in registry order (not yet started). */
export function createSinks(deps: SinkDeps): EgressSink[] {
  const out: EgressSink[] = [];
  for (const entry of Object.values(SINK_KINDS) as SinkKind<unknown>[]) {
    const cfg = entry.configOf(deps.config);
    if (cfg !== undefined)
      out.push(entry.create(cfg, { ...deps, logger: deps.logger.child({ component: entry.kind }) }));
  }
  return out;
}
