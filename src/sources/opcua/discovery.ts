import {
  AttributeIds,
  BrowseDirection,
  type BrowseResult,
  type ClientSession,
  type DataValue,
  NodeClass,
  NodeClassMask,
  type NodeId,
  type ReferenceDescription,
  resolveNodeId,
  StatusCodes,
} from 'node-opcua';
import type { Logger } from 'pino';
import type { TagDataType, TagDefinition } from '../../model/tag.js';
import { toSegment } from '../../model/tag.js';
import { effectiveSubscription, type OpcuaSourceConfig, type SubscriptionParams } from './config.js';
import { PathFilter } from './glob.js';

/**
 * A variable to monitor, with its tag definition and the subscription parameters that apply. Its
 * NodeId is `def.lineage.nodeId` (`nsu=` form), resolved against the server's NamespaceArray when
 * the monitored items are created: a NodeId object per tag cost ≈ 120 bytes at 100k tags, and a
 * restarted server may have renumbered its namespaces anyway.
 */
export interface DiscoveredTag {
  def: TagDefinition;
  params: SubscriptionParams;
}

/**
 * One instance per distinct text: 100k tags of a few hundred machine types repeat the same names,
 * descriptions, units and asset paths, and every read or join makes a new string of its own.
 */
class StringPool {
  private readonly pool = new Map<string, string>();
  get(s: string): string {
    const have = this.pool.get(s);
    if (have !== undefined) return have;
    this.pool.set(s, s);
    return s;
  }
}

export interface RejectedTag {
  tag: string;
  nodeId: string;
  reason: string;
}

export interface DiscoveryResult {
  tags: DiscoveredTag[];
  rejected: RejectedTag[];
  browsedNodes: number;
}

const HAS_PROPERTY = 'ns=0;i=46';
const ROOT_FOLDER = 'ns=0;i=84';

/** Well-known VariableTypes of namespace 0 (OPC UA Part 5 and Part 8). */
const STANDARD_VARIABLE_TYPES: Record<string, string> = {
  'ns=0;i=62': 'BaseVariableType',
  'ns=0;i=63': 'BaseDataVariableType',
  'ns=0;i=68': 'PropertyType',
  'ns=0;i=2365': 'DataItemType',
  'ns=0;i=2368': 'AnalogItemType',
  'ns=0;i=15318': 'BaseAnalogType',
  'ns=0;i=17497': 'AnalogUnitType',
  'ns=0;i=17570': 'AnalogUnitRangeType',
  'ns=0;i=2372': 'DiscreteItemType',
  'ns=0;i=2373': 'TwoStateDiscreteType',
  'ns=0;i=2376': 'MultiStateDiscreteType',
  'ns=0;i=11238': 'MultiStateValueDiscreteType',
  'ns=0;i=12021': 'ArrayItemType',
};

/** Built-in DataTypes (OPC UA Part 6, 5.1.2) → the hub's TagDataType; anything else is text (JSON). */
const DATA_TYPES: Record<number, TagDataType> = {
  1: 'Boolean',
  2: 'Int',
  3: 'UInt',
  4: 'Int',
  5: 'UInt',
  6: 'Int',
  7: 'UInt',
  8: 'Int',
  9: 'UInt',
  10: 'Float',
  11: 'Double',
  12: 'String',
  13: 'DateTime',
  19: 'UInt',
  26: 'Double',
  27: 'Int',
  28: 'UInt',
  29: 'Int',
  290: 'Double', // Duration
  294: 'DateTime', // UtcTime
};

export function mapDataType(dataType: NodeId | undefined): TagDataType {
  if (dataType?.namespace !== 0 || typeof dataType.value !== 'number') return 'String';
  return DATA_TYPES[dataType.value] ?? 'String';
}

/** `nsu=<uri>;s=...` (stable across servers) from a NodeId and the server's NamespaceArray. */
export function toNsuString(nodeId: NodeId, namespaceArray: readonly string[]): string {
  const s = nodeId.toString(); // ns=2;s=... or i=85
  if (nodeId.namespace === 0) return s;
  const uri = namespaceArray[nodeId.namespace];
  if (uri === undefined) return s;
  // joined, not a template: a template makes a rope (a cons string) that V8 keeps beside its flat
  // copy once the string is hashed, ≈ 32 bytes per tag and string
  return ['nsu=', uri, ';', s.replace(/^ns=\d+;/, '')].join('');
}

/** Resolves `nsu=...;`, `ns=N;` or plain NodeId strings against the NamespaceArray. */
export function resolveConfiguredNodeId(text: string, namespaceArray: readonly string[]): NodeId {
  const m = /^nsu=([^;]+);(.+)$/.exec(text.trim());
  if (m) {
    const idx = namespaceArray.indexOf(m[1] as string);
    if (idx < 0) throw new Error(`namespace ${m[1]} is not in the server's NamespaceArray`);
    return resolveNodeId(`ns=${idx};${m[2]}`);
  }
  return resolveNodeId(text.trim());
}

/** Variables described per round of attribute reads and property browses during discovery. */
const DESCRIBE_PART = 5000;

const looksLikeNodeId = (s: string) => /^(nsu=[^;]+;|ns=\d+;)?[isgb]=/.test(s);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Browses many nodes at once: Browse requests of `batchSize` nodes, each result followed through
 * BrowseNext until its continuation point is exhausted (OPC UA Part 4, 5.8.2 / 5.8.3).
 */
export async function browseMany(
  session: ClientSession,
  nodes: readonly NodeId[],
  opts: { batchSize: number; referenceTypeId: string; nodeClassMask: number },
): Promise<ReferenceDescription[][]> {
  const out: ReferenceDescription[][] = [];
  for (const batch of chunks(nodes, opts.batchSize)) {
    const results: BrowseResult[] = await session.browse(
      batch.map((nodeId) => ({
        nodeId,
        referenceTypeId: opts.referenceTypeId,
        includeSubtypes: true,
        browseDirection: BrowseDirection.Forward,
        nodeClassMask: opts.nodeClassMask,
        resultMask: 63,
      })),
    );
    const refs = results.map((r) => [...(r.references ?? [])]);
    let pending = results
      .map((r, i) => ({ i, cp: r.continuationPoint }))
      .filter((p): p is { i: number; cp: Buffer } => !!p.cp && p.cp.length > 0);
    while (pending.length > 0) {
      const next: BrowseResult[] = await session.browseNext(
        pending.map((p) => p.cp),
        false,
      );
      const again: { i: number; cp: Buffer }[] = [];
      next.forEach((r, j) => {
        const p = pending[j] as { i: number; cp: Buffer };
        (refs[p.i] as ReferenceDescription[]).push(...(r.references ?? []));
        if (r.continuationPoint && r.continuationPoint.length > 0) again.push({ i: p.i, cp: r.continuationPoint });
      });
      pending = again;
    }
    out.push(...refs);
  }
  return out;
}

/** Reads attributes in batches. */
export async function readMany(
  session: ClientSession,
  items: readonly { nodeId: NodeId; attributeId: number }[],
  batchSize: number,
): Promise<DataValue[]> {
  const out: DataValue[] = [];
  for (const batch of chunks(items, batchSize)) out.push(...(await session.read(batch)));
  return out;
}

interface Candidate {
  nodeId: NodeId;
  relPath: string[]; // BrowseNames below root
  displayName: string;
  typeDefinition: string;
  rule: OpcuaSourceConfig['browse'][number];
  rootPath: string;
}

/** Walks a `/Objects/DemoPlant` browse path from the Root folder, matching BrowseNames (any namespace). */
async function resolveRoot(session: ClientSession, root: string, ns: readonly string[]): Promise<NodeId> {
  if (looksLikeNodeId(root)) return resolveConfiguredNodeId(root, ns);
  let current = resolveNodeId(ROOT_FOLDER);
  const segments = root.split('/').filter((s) => s.length > 0);
  for (const seg of segments) {
    const [refs] = await browseMany(session, [current], {
      batchSize: 1,
      referenceTypeId: 'HierarchicalReferences',
      nodeClassMask: 0,
    });
    const hit = (refs ?? []).find((r) => r.browseName.name === seg || r.browseName.toString() === seg);
    if (!hit) {
      const seen = (refs ?? []).map((r) => r.browseName.name).slice(0, 20);
      throw new Error(`browse root ${root}: no child "${seg}" (children: ${seen.join(', ') || 'none'})`);
    }
    current = hit.nodeId as unknown as NodeId;
  }
  return current;
}

/**
 * Finds every variable the config asks for and describes it as a TagDefinition: explicit `nodes`
 * first, then each browse rule. Per-node problems end up in `rejected`; only a session failure throws.
 */
export async function discover(
  session: ClientSession,
  config: OpcuaSourceConfig,
  log: Logger,
): Promise<DiscoveryResult> {
  const ns = await session.readNamespaceArray();
  const rejected: RejectedTag[] = [];
  const candidates: Candidate[] = [];
  const explicit: { nodeId: NodeId; node: OpcuaSourceConfig['nodes'][number] }[] = [];
  for (const node of config.nodes) {
    try {
      explicit.push({ nodeId: resolveConfiguredNodeId(node.nodeId, ns), node });
    } catch (err) {
      rejected.push({ tag: `${config.assetPrefix}/${node.tag}`, nodeId: node.nodeId, reason: (err as Error).message });
    }
  }

  let browsedNodes = 0;
  const typeNames = new Map<string, string>(Object.entries(STANDARD_VARIABLE_TYPES));
  for (const rule of config.browse) {
    const rootId = await resolveRoot(session, rule.root, ns);
    const rootPath = looksLikeNodeId(rule.root) ? '' : `/${rule.root.split('/').filter(Boolean).join('/')}`;
    let frontier: { nodeId: NodeId; relPath: string[] }[] = [{ nodeId: rootId, relPath: [] }];
    const visited = new Set<string>([rootId.toString()]);
    for (let depth = 1; depth <= rule.maxDepth && frontier.length > 0; depth++) {
      browsedNodes += frontier.length;
      const next: typeof frontier = [];
      // in parts, so that the ReferenceDescriptions of one part only are held at a time
      for (let from = 0; from < frontier.length; from += DESCRIBE_PART) {
        const level = frontier.slice(from, from + DESCRIBE_PART);
        const results = await browseMany(
          session,
          level.map((f) => f.nodeId),
          {
            batchSize: config.browseBatchSize,
            referenceTypeId: 'HierarchicalReferences',
            nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
          },
        );
        results.forEach((refs, i) => {
          const parent = level[i] as (typeof frontier)[number];
          for (const r of refs) {
            if (r.referenceTypeId.toString() === HAS_PROPERTY) continue; // properties describe, they are not tags
            const id = r.nodeId as unknown as NodeId;
            const key = id.toString();
            if (visited.has(key)) continue;
            visited.add(key);
            const relPath = [...parent.relPath, r.browseName.name ?? key];
            if (r.nodeClass === NodeClass.Object) {
              next.push({ nodeId: id, relPath });
            } else if (r.nodeClass === NodeClass.Variable) {
              candidates.push({
                nodeId: id,
                relPath,
                displayName: r.displayName.text ?? r.browseName.name ?? key,
                typeDefinition: r.typeDefinition.toString(),
                rule,
                rootPath,
              });
            }
          }
        });
      }
      frontier = next;
    }
  }

  // Names of non-standard VariableTypes, read once, so rules can name vendor types too.
  const unknownTypes = [...new Set(candidates.map((c) => c.typeDefinition))].filter((t) => !typeNames.has(t));
  if (unknownTypes.length > 0) {
    const names = await readMany(
      session,
      unknownTypes.map((t) => ({ nodeId: resolveNodeId(t), attributeId: AttributeIds.BrowseName })),
      config.browseBatchSize,
    );
    unknownTypes.forEach((t, i) => {
      typeNames.set(t, (names[i]?.value?.value as { name?: string } | null)?.name ?? t);
    });
  }

  const filters = new Map(config.browse.map((r) => [r, new PathFilter(r.include, r.exclude)]));
  const selected = candidates.filter((c) => {
    if (!filters.get(c.rule)?.matches(c.relPath.join('/'))) return false;
    const types = c.rule.variableTypes;
    return types === 'all' || types.includes(typeNames.get(c.typeDefinition) ?? c.typeDefinition);
  });

  // Attributes and properties of every selected variable, in batches.
  const pool = new StringPool();
  const all: {
    nodeId: NodeId;
    id: string;
    assetPath: string;
    fallbackName: string;
    browsePath?: string;
    params: SubscriptionParams;
    configured?: string;
    retentionClass?: string;
  }[] = [];
  for (const e of explicit) {
    const segs = e.node.tag.split('/');
    const levels = e.node.assetLevels ?? segs.length - 1;
    all.push({
      nodeId: e.nodeId,
      id: [config.assetPrefix, e.node.tag].join('/'),
      assetPath: pool.get([config.assetPrefix, ...segs.slice(0, levels)].join('/')),
      fallbackName: segs[segs.length - 1] as string,
      params: effectiveSubscription(config.subscription, e.node.subscription),
      configured: e.node.nodeId,
      ...(e.node.retentionClass !== undefined ? { retentionClass: e.node.retentionClass } : {}),
    });
  }
  const seenIds = new Set(all.map((a) => a.id));
  for (const c of selected) {
    const segs = c.relPath.map(toSegment);
    const id = [config.assetPrefix, ...segs].join('/');
    if (seenIds.has(id)) {
      rejected.push({
        tag: id,
        nodeId: toNsuString(c.nodeId, ns),
        reason: 'duplicate tag id (another node maps here)',
      });
      continue;
    }
    seenIds.add(id);
    const levels = Math.min(c.rule.levels.length, segs.length - 1);
    all.push({
      nodeId: c.nodeId,
      id,
      assetPath: pool.get([config.assetPrefix, ...segs.slice(0, levels)].join('/')),
      fallbackName: c.displayName,
      browsePath: [c.rootPath, ...c.relPath].join('/'),
      params: effectiveSubscription(config.subscription, c.rule.subscription),
      ...(c.rule.retentionClass !== undefined ? { retentionClass: c.rule.retentionClass } : {}),
    });
  }

  // Attributes and properties in parts: the reads and browses of 100k variables at once held
  // ≈ 0.5 GB of DataValues and ReferenceDescriptions until the end of discovery.
  const tags: DiscoveredTag[] = [];
  for (let from = 0; from < all.length; from += DESCRIBE_PART) {
    const part = all.slice(from, from + DESCRIBE_PART);
    const attrs = await readMany(
      session,
      part.flatMap((a) => [
        { nodeId: a.nodeId, attributeId: AttributeIds.DisplayName },
        { nodeId: a.nodeId, attributeId: AttributeIds.Description },
        { nodeId: a.nodeId, attributeId: AttributeIds.DataType },
      ]),
      config.browseBatchSize,
    );
    const props = await browseMany(
      session,
      part.map((a) => a.nodeId),
      { batchSize: config.browseBatchSize, referenceTypeId: 'HasProperty', nodeClassMask: NodeClassMask.Variable },
    );
    const propReads: { index: number; kind: 'unit' | 'range'; nodeId: NodeId }[] = [];
    props.forEach((refs, index) => {
      for (const r of refs) {
        const n = r.browseName.name;
        if (n === 'EngineeringUnits') propReads.push({ index, kind: 'unit', nodeId: r.nodeId as unknown as NodeId });
        if (n === 'EURange') propReads.push({ index, kind: 'range', nodeId: r.nodeId as unknown as NodeId });
      }
    });
    const propValues = await readMany(
      session,
      propReads.map((p) => ({ nodeId: p.nodeId, attributeId: AttributeIds.Value })),
      config.browseBatchSize,
    );
    const units: (string | undefined)[] = [];
    const ranges: ({ low: number; high: number } | undefined)[] = [];
    propReads.forEach((p, i) => {
      const v = propValues[i]?.value?.value as
        | { displayName?: { text?: string }; low?: number; high?: number }
        | null
        | undefined;
      if (!v) return;
      if (p.kind === 'unit' && v.displayName?.text) units[p.index] = pool.get(v.displayName.text);
      if (p.kind === 'range' && typeof v.low === 'number' && typeof v.high === 'number')
        ranges[p.index] = { low: v.low, high: v.high };
    });

    part.forEach((a, i) => {
      const dn = attrs[i * 3] as DataValue;
      const desc = attrs[i * 3 + 1] as DataValue;
      const dt = attrs[i * 3 + 2] as DataValue;
      const nsu = toNsuString(a.nodeId, ns);
      if (dt.statusCode.value !== StatusCodes.Good.value) {
        // the node does not exist or is no Variable: report it, keep going with the others
        rejected.push({
          tag: a.id,
          nodeId: a.configured ?? nsu,
          reason: `cannot read DataType: ${dt.statusCode.name}`,
        });
        return;
      }
      const text = (desc.value?.value as { text?: string } | null)?.text;
      const description = text ? pool.get(text) : undefined;
      const unit = units[i];
      const euRange = ranges[i];
      const def: TagDefinition = {
        id: a.id,
        assetPath: a.assetPath,
        name: pool.get((dn.value?.value as { text?: string } | null)?.text || a.fallbackName),
        dataType: mapDataType(dt.value?.value as NodeId | undefined),
        lineage: {
          source: config.name,
          endpoint: config.endpoint,
          nodeId: nsu,
          ...(a.browsePath !== undefined ? { browsePath: a.browsePath } : {}),
        },
        ...(description ? { description } : {}),
        ...(unit !== undefined ? { unit } : {}),
        ...(euRange !== undefined ? { euRange } : {}),
        ...(a.retentionClass !== undefined ? { retentionClass: a.retentionClass } : {}),
      };
      tags.push({ def, params: a.params });
    });
  }
  log.debug({ tags: tags.length, rejected: rejected.length, browsedNodes }, 'discovery done');
  return { tags, rejected, browsedNodes };
}
