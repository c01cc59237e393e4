import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  DataType,
  MessageSecurityMode,
  NodeClass,
  NodeClassMask,
  OPCUAClient,
  resolveNodeId,
  SecurityPolicy,
  StatusCodes,
} from 'node-opcua';
import { type DemoPlant, MachineState, startDemoPlant } from '../../src/sim/index.js';
import { connectSecure, freePort, type SecureClient, tempDir } from './helpers.js';

const ANALOG_ITEM_TYPE = resolveNodeId('AnalogItemType').toString();
/** Monday 2025-03-03 06:30 UTC: in a shift, not in a break. */
const SHIFT_START = Date.UTC(2025, 2, 3, 6, 30);

interface FoundVariable {
  nodeId: string;
  path: string;
  typeDefinition: string;
}

async function browseChildren(session: ClientSession, nodeId: string) {
  const result = await session.browse({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable | NodeClassMask.Method,
    resultMask: 63,
  });
  assert.equal(result.statusCode.value, StatusCodes.Good.value, `browse ${nodeId}`);
  return result.references ?? [];
}

/** Walks the tree below `nodeId` through Objects (not into variables' properties) and lists the data variables. */
async function walk(session: ClientSession, nodeId: string, path: string, out: FoundVariable[]): Promise<void> {
  for (const ref of await browseChildren(session, nodeId)) {
    const childPath = `${path}/${ref.browseName.name}`;
    if (ref.nodeClass === NodeClass.Object) {
      await walk(session, ref.nodeId.toString(), childPath, out);
    } else if (ref.nodeClass === NodeClass.Variable) {
      out.push({ nodeId: ref.nodeId.toString(), path: childPath, typeDefinition: ref.typeDefinition.toString() });
    }
  }
}

describe('demo plant server (standard plant, SignAndEncrypt)', () => {
  let plant: DemoPlant;
  let conn: SecureClient;
  const dirs: { remove(): Promise<void> }[] = [];
  const id = (path: string) => `ns=${conn.ns};s=${path}`;

  before(async () => {
    const serverPki = await tempDir('sim-server-pki');
    const clientPki = await tempDir('sim-client-pki');
    dirs.push(serverPki, clientPki);
    plant = await startDemoPlant({
      port: await freePort(),
      pkiDir: serverPki.path,
      seed: 42,
      updateIntervalMs: 200,
      simStart: SHIFT_START,
    });
    conn = await connectSecure(plant.endpointUrl, clientPki.path, plant.namespaceUri);
  });

  after(async () => {
    await conn?.close();
    await plant?.stop();
    for (const d of dirs) await d.remove();
  });

  it('describes itself: endpoint URL, namespace, certificate, machines', () => {
    assert.match(plant.endpointUrl, /^opc\.tcp:\/\/localhost:\d+\/gotthard\/demo$/);
    assert.equal(plant.namespaceUri, 'urn:gotthard:demo-plant');
    assert.match(plant.certificateFile, /own[/\\]certs[/\\]certificate\.pem$/);
    assert.deepEqual(
      plant.machines.map((m) => m.id),
      [
        'Machining.Line1.CNC1',
        'Machining.Line1.CNC2',
        'Machining.Line2.CNC3',
        'Packaging.Filling1.FillingLine1',
        'Utilities.CompressedAir.Compressor1',
        'Utilities.Energy.MainMeter',
        'Utilities.Energy.MachiningMeter',
        'Utilities.Energy.PackagingMeter',
      ],
    );
  });

  it('offers only Sign and SignAndEncrypt endpoints by default', async () => {
    const endpoints = await conn.client.getEndpoints();
    assert.ok(endpoints.length >= 6);
    for (const e of endpoints) {
      assert.notEqual(e.securityMode, MessageSecurityMode.None);
      assert.notEqual(e.securityPolicyUri, SecurityPolicy.None);
    }
    const policies = new Set(endpoints.map((e) => e.securityPolicyUri));
    assert.ok(policies.has(SecurityPolicy.Basic256Sha256));
    assert.ok(policies.has(SecurityPolicy.Aes128_Sha256_RsaOaep));
  });

  it('refuses a client that asks for SecurityPolicy None', async () => {
    const client = OPCUAClient.create({
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      endpointMustExist: true,
      connectionStrategy: { maxRetry: 0, initialDelay: 50, maxDelay: 50 },
    });
    // The server keeps a restricted None channel for GetEndpoints (OPC UA Part 4, 5.4.4), so the
    // connection may open; a session on it must not.
    await assert.rejects(async () => {
      await client.connect(plant.endpointUrl);
      await client.createSession();
    });
    await client.disconnect();
  });

  it('has the Area / Line / Machine tree below Objects/DemoPlant', async () => {
    const names = async (path: string) => (await browseChildren(conn.session, id(path))).map((r) => r.browseName.name);
    assert.deepEqual((await names('DemoPlant')).sort(), ['Machining', 'Packaging', 'Utilities']);
    assert.deepEqual((await names('Machining')).sort(), ['Line1', 'Line2']);
    assert.deepEqual((await names('Machining.Line1')).sort(), ['CNC1', 'CNC2']);
    assert.deepEqual((await names('Utilities.Energy')).sort(), ['MachiningMeter', 'MainMeter', 'PackagingMeter']);
    const cnc = await names('Machining.Line1.CNC1');
    for (const child of [
      'Identification',
      'Status',
      'MachineryBuildingBlocks',
      'Spindle',
      'Bearing',
      'Coolant',
      'Energy',
      'Production',
      'Tool',
      'Condition',
      'InjectFault',
      'ResetWear',
    ]) {
      assert.ok(cnc.includes(child), `CNC1 has ${child}`);
    }
    const objects = await browseChildren(conn.session, 'i=85');
    assert.ok(objects.some((r) => r.browseName.name === 'DemoPlant'));
  });

  it('gives every AnalogItem EngineeringUnits and an EURange', async () => {
    const vars: FoundVariable[] = [];
    await walk(conn.session, id('DemoPlant'), '', vars);
    const analog = vars.filter((v) => v.typeDefinition === ANALOG_ITEM_TYPE);
    assert.ok(analog.length >= 70, `found ${analog.length} AnalogItems`);
    assert.ok(vars.length >= 150, `found ${vars.length} variables`);
    for (const v of analog) {
      const props = await conn.session.browse({
        nodeId: v.nodeId,
        referenceTypeId: 'HasProperty',
        browseDirection: BrowseDirection.Forward,
        resultMask: 63,
      });
      const byName = new Map((props.references ?? []).map((r) => [r.browseName.name, r.nodeId]));
      const euNode = byName.get('EngineeringUnits');
      const rangeNode = byName.get('EURange');
      assert.ok(euNode && rangeNode, `${v.path} has EngineeringUnits and EURange`);
      const [euValue, rangeValue] = await conn.session.read([
        { nodeId: euNode, attributeId: AttributeIds.Value },
        { nodeId: rangeNode, attributeId: AttributeIds.Value },
      ]);
      const unit = euValue?.value.value as { unitId: number; displayName: { text: string } };
      const r = rangeValue?.value.value as { low: number; high: number };
      assert.ok(unit.unitId > 0 && unit.displayName.text.length > 0, `${v.path} unit`);
      assert.ok(r.high > r.low, `${v.path} EURange`);
    }
    const temp = analog.find((v) => v.path === '/Machining/Line1/CNC1/Bearing/Temperature');
    assert.ok(temp);
    assert.equal(temp.nodeId, id('Machining.Line1.CNC1.Bearing.Temperature'));
  });

  it('reads live values of the right types', async () => {
    const [state, speed, job, good, manufacturer, itemState] = await conn.session.read([
      { nodeId: id('Machining.Line1.CNC1.Status.MachineState'), attributeId: AttributeIds.Value },
      { nodeId: id('Machining.Line1.CNC1.Spindle.Speed'), attributeId: AttributeIds.Value },
      { nodeId: id('Machining.Line1.CNC1.Production.JobNumber'), attributeId: AttributeIds.Value },
      { nodeId: id('Machining.Line1.CNC1.Production.GoodParts'), attributeId: AttributeIds.Value },
      { nodeId: id('Machining.Line1.CNC1.Identification.Manufacturer'), attributeId: AttributeIds.Value },
      {
        nodeId: id('Machining.Line1.CNC1.MachineryBuildingBlocks.MachineryItemState.CurrentState'),
        attributeId: AttributeIds.Value,
      },
    ]);
    assert.equal(state?.value.dataType, DataType.UInt32);
    assert.ok((state?.value.value as number) >= 0 && (state?.value.value as number) <= 5);
    assert.equal(speed?.value.dataType, DataType.Double);
    assert.equal(job?.value.dataType, DataType.String);
    assert.match(job?.value.value as string, /^WO-\d+$/);
    assert.equal(good?.value.dataType, DataType.UInt32);
    assert.equal(manufacturer?.value.dataType, DataType.LocalizedText);
    assert.ok(['Executing', 'NotExecuting', 'OutOfService'].includes(itemState?.value.value.text));
    const ts = speed?.sourceTimestamp?.getTime() ?? 0;
    assert.ok(Math.abs(Date.now() - ts) < 60_000, 'source timestamps are real time, not simulated time');
  });

  it('InjectFault puts the machine into Fault; ResetWear clears wear and fault', async () => {
    const objectId = id('Machining.Line1.CNC2');
    const read = async (path: string) =>
      (await conn.session.read({ nodeId: id(`Machining.Line1.CNC2.${path}`), attributeId: AttributeIds.Value })).value
        .value;
    const bad = await conn.session.call({
      objectId,
      methodId: id('Machining.Line1.CNC2.InjectFault'),
      inputArguments: [{ dataType: DataType.String, value: 'gremlins' }],
    });
    assert.equal(bad.statusCode.value, StatusCodes.BadInvalidArgument.value);

    const res = await conn.session.call({
      objectId,
      methodId: id('Machining.Line1.CNC2.InjectFault'),
      inputArguments: [{ dataType: DataType.String, value: 'bearing' }],
    });
    assert.equal(res.statusCode.value, StatusCodes.Good.value);
    assert.equal(await read('Status.MachineState'), MachineState.Fault);
    assert.equal((await read('MachineryBuildingBlocks.MachineryItemState.CurrentState')).text, 'OutOfService');
    assert.equal(await read('Bearing.Wear'), 100);

    const reset = await conn.session.call({
      objectId,
      methodId: id('Machining.Line1.CNC2.ResetWear'),
      inputArguments: [],
    });
    assert.equal(reset.statusCode.value, StatusCodes.Good.value);
    assert.equal(await read('Bearing.Wear'), 0);
    assert.equal(await read('Tool.Wear'), 0);
    assert.notEqual(await read('Status.MachineState'), MachineState.Fault);
  });
});

describe('demo plant server (high speed, None allowed)', () => {
  let plant: DemoPlant;
  let conn: SecureClient;
  const dirs: { remove(): Promise<void> }[] = [];

  before(async () => {
    const serverPki = await tempDir('sim-server-pki');
    const clientPki = await tempDir('sim-client-pki');
    dirs.push(serverPki, clientPki);
    plant = await startDemoPlant({
      port: await freePort(),
      pkiDir: serverPki.path,
      seed: 9,
      // One tick = 10,000 simulated seconds (2.8 h): a bearing (160-260 running hours) fails within seconds,
      // and Fault + Maintenance (2.5-5.5 h, the bearing still at 100 %) spans at least one tick.
      speed: 100_000,
      updateIntervalMs: 100,
      allowSecurityNone: true,
      simStart: SHIFT_START,
    });
    conn = await connectSecure(plant.endpointUrl, clientPki.path, plant.namespaceUri);
  });

  after(async () => {
    await conn?.close();
    await plant?.stop();
    for (const d of dirs) await d.remove();
  });

  it('offers SecurityPolicy None when allowed', async () => {
    const endpoints = await conn.client.getEndpoints();
    assert.ok(endpoints.some((e) => e.securityMode === MessageSecurityMode.None));
  });

  it('wears a bearing out: vibration rises and the machine faults', async () => {
    const ns = conn.ns;
    const cncs = ['Machining.Line1.CNC1', 'Machining.Line1.CNC2', 'Machining.Line2.CNC3'];
    const vibrationByWear: { wear: number; vib: number }[] = [];
    let faulted = false;
    const deadline = Date.now() + 20_000;
    while (!faulted && Date.now() < deadline) {
      const nodes = cncs.flatMap((m) =>
        ['Status.MachineState', 'Bearing.Wear', 'Bearing.VibrationRMS'].map((p) => ({
          nodeId: `ns=${ns};s=${m}.${p}`,
          attributeId: AttributeIds.Value,
        })),
      );
      const values = (await conn.session.read(nodes)).map((dv) => dv.value.value as number);
      for (let i = 0; i < cncs.length; i++) {
        const [state, wear, vib] = values.slice(i * 3, i * 3 + 3) as [number, number, number];
        // A bearing failure is Fault, then Maintenance with the old bearing still in place.
        if ((state === MachineState.Fault || state === MachineState.Maintenance) && wear === 100) faulted = true;
        if (state === MachineState.Running) vibrationByWear.push({ wear, vib });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(faulted, 'a CNC reached Fault through bearing wear');
    const low = vibrationByWear.filter((s) => s.wear < 50).map((s) => s.vib);
    const high = vibrationByWear.filter((s) => s.wear > 90).map((s) => s.vib);
    if (low.length > 0 && high.length > 0) {
      assert.ok(Math.max(...high) > Math.max(...low), 'vibration is higher on a worn bearing');
    }
  });
});
