/**
 * The baseline: a bare node-opcua client that subscribes to the same demo-plant variables with the
 * same settings as the hub's bench config and only counts the values of each `raw_notification`.
 *
 *   node --import tsx bench/bare-client.ts --pki DIR --sampling MS --list FILE ENDPOINT…   # write the NodeIds, exit
 *   node --import tsx bench/bare-client.ts --pki DIR --sampling MS ENDPOINT…               # print "count N" every second
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BrowseDirection,
  type ClientSession,
  MessageSecurityMode,
  NodeClass,
  type NodeId,
  type NotificationMessage,
  OPCUACertificateManager,
  OPCUAClient,
  resolveNodeId,
  SecurityPolicy,
  TimestampsToReturn,
} from 'node-opcua';

/**
 * Queue per monitored item, the same for the hub (bench/load.ts): two publishing intervals of a value
 * every 100 ms, so a publish answered late by a busy plant does not overflow the queue.
 */
export const QUEUE_SIZE = 20;

const HAS_PROPERTY = resolveNodeId('HasProperty').toString();

/** Every variable below Objects/DemoPlant except properties (EURange, EngineeringUnits…), like the hub's browse rule. */
export async function discoverVariables(session: ClientSession): Promise<string[]> {
  const objects = await session.browse({ nodeId: 'i=85', browseDirection: BrowseDirection.Forward, resultMask: 63 });
  const plant = objects.references?.find((r) => r.browseName.name === 'DemoPlant');
  if (!plant) throw new Error('no Objects/DemoPlant on this server');
  const out: string[] = [];
  let frontier: NodeId[] = [plant.nodeId];
  while (frontier.length > 0) {
    const next: NodeId[] = [];
    for (let o = 0; o < frontier.length; o += 500) {
      const slice = frontier.slice(o, o + 500);
      let results = await session.browse(
        slice.map((nodeId) => ({
          nodeId,
          browseDirection: BrowseDirection.Forward,
          referenceTypeId: 'HierarchicalReferences',
          includeSubtypes: true,
          resultMask: 63,
        })),
      );
      for (;;) {
        const cps: Buffer[] = [];
        for (const r of results) {
          for (const ref of r.references ?? []) {
            if (ref.referenceTypeId.toString() === HAS_PROPERTY) continue;
            if (ref.nodeClass === NodeClass.Variable) out.push(ref.nodeId.toString());
            if (ref.nodeClass === NodeClass.Object || ref.nodeClass === NodeClass.Variable) next.push(ref.nodeId);
          }
          if (r.continuationPoint && r.continuationPoint.length > 0) cps.push(r.continuationPoint);
        }
        if (cps.length === 0) break;
        results = await session.browseNext(cps, false);
      }
    }
    frontier = next;
  }
  return [...new Set(out)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const pki = opt('--pki') ?? join(process.cwd(), 'bench/.cache/bare-pki');
  const sampling = Number(opt('--sampling') ?? 1000);
  const list = opt('--list');
  const endpoints = args;
  const cm = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: true });
  await cm.initialize();
  let count = 0;
  const all: string[] = [];
  const open: { client: OPCUAClient; session: ClientSession }[] = [];
  // Closed cleanly on SIGTERM: a killed client leaves its session and subscription in the plant until
  // they time out (60 s), and the plant keeps queueing every value for them while the next side of
  // the comparison is measured.
  process.once('SIGTERM', () => {
    Promise.all(
      open.map(async ({ client, session }) => {
        await session.close(true).catch(() => undefined);
        await client.disconnect().catch(() => undefined);
      }),
    ).finally(() => process.exit(0));
  });
  for (const endpoint of endpoints) {
    const client = OPCUAClient.create({
      applicationName: 'bench-bare-client',
      clientCertificateManager: cm,
      securityMode: MessageSecurityMode.SignAndEncrypt,
      securityPolicy: SecurityPolicy.Basic256Sha256,
      endpointMustExist: false,
      requestedSessionTimeout: 60_000,
      connectionStrategy: { maxRetry: 3 },
    });
    await client.connect(endpoint);
    const session = await client.createSession();
    open.push({ client, session });
    const nodes = await discoverVariables(session);
    all.push(...nodes);
    if (list) continue;
    // the same subscription settings as the hub's bench config (bench/ingest.ts)
    const sub = await session.createSubscription2({
      requestedPublishingInterval: 1000,
      requestedLifetimeCount: 60,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    sub.on('raw_notification', (msg: NotificationMessage) => {
      for (const n of msg.notificationData ?? []) {
        const items = (n as unknown as { monitoredItems?: unknown[] }).monitoredItems;
        if (items) count += items.length;
      }
    });
    for (let o = 0; o < nodes.length; o += 10_000) {
      await sub.monitorItems(
        nodes.slice(o, o + 10_000).map((nodeId) => ({ nodeId, attributeId: 13 })),
        { samplingInterval: sampling, queueSize: QUEUE_SIZE, discardOldest: true },
        TimestampsToReturn.Both,
      );
    }
  }
  if (list) {
    writeFileSync(list, JSON.stringify(all));
    process.exit(0);
  }
  process.stdout.write(`ready ${all.length}\n`);
  setInterval(() => process.stdout.write(`count ${count}\n`), 500);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    process.stderr.write(`bare client failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}
