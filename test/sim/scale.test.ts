import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrowseDirection, type ClientSession, NodeClass, NodeClassMask, type ReferenceDescription } from 'node-opcua';
import { type DemoPlant, startDemoPlant } from '../../src/sim/index.js';
import { connectSecure, freePort, type SecureClient, tempDir } from './helpers.js';

/** Browses many nodes per request (chunks of 500), following hierarchical references. */
async function browseMany(session: ClientSession, nodeIds: string[]): Promise<ReferenceDescription[]> {
  const refs: ReferenceDescription[] = [];
  for (let i = 0; i < nodeIds.length; i += 500) {
    const results = await session.browse(
      nodeIds.slice(i, i + 500).map((nodeId) => ({
        nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true,
        nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
        resultMask: 63,
      })),
    );
    for (const r of results) {
      assert.equal(r.continuationPoint?.length ?? 0, 0, 'no continuation points expected at this size');
      refs.push(...(r.references ?? []));
    }
  }
  return refs;
}

describe('demo plant server, scale mode (1000 machines)', () => {
  let plant: DemoPlant;
  let conn: SecureClient;
  let startupMs = 0;
  const dirs: { remove(): Promise<void> }[] = [];

  before(async () => {
    const serverPki = await tempDir('sim-scale-pki');
    const clientPki = await tempDir('sim-scale-client');
    dirs.push(serverPki, clientPki);
    const t0 = performance.now();
    plant = await startDemoPlant({ port: await freePort(), pkiDir: serverPki.path, machines: 1000, seed: 1 });
    startupMs = performance.now() - t0;
    conn = await connectSecure(plant.endpointUrl, clientPki.path, plant.namespaceUri);
  });

  after(async () => {
    await conn?.close();
    await plant?.stop();
    for (const d of dirs) await d.remove();
  });

  it('starts with 1000 machines in lines of ten', () => {
    assert.equal(plant.machines.length, 1000);
    assert.ok(plant.machines.filter((m) => m.kind === 'cnc').length > 900);
    assert.ok(startupMs < 20_000, `startup took ${Math.round(startupMs)} ms`);
  });

  it('exposes at least 20,000 process variables (counted by browsing)', async () => {
    let level = [`ns=${conn.ns};s=DemoPlant`];
    let variables = 0;
    // Objects only: the walk does not descend into variables (EURange, EngineeringUnits are their properties).
    while (level.length > 0) {
      const refs = await browseMany(conn.session, level);
      variables += refs.filter((r) => r.nodeClass === NodeClass.Variable).length;
      level = refs.filter((r) => r.nodeClass === NodeClass.Object).map((r) => r.nodeId.toString());
    }
    assert.ok(variables >= 20_000, `browsed ${variables} variables`);
    assert.equal(variables, plant.variableCount);
  });

  it('ticks cheaply: one update of all machines takes well under the 1 s interval', async () => {
    const deadline = Date.now() + 5000;
    while (plant.tickStats().ticks < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const stats = plant.tickStats();
    assert.ok(stats.ticks >= 2, 'the tick loop runs');
    assert.ok(stats.writes > 10_000, `values are published (${stats.writes} writes)`);
    assert.ok(stats.maxMs < 250, `a tick took ${stats.maxMs.toFixed(1)} ms`);
  });
});
