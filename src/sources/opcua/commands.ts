import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  DataType,
  NodeClassMask,
  type NodeId,
  StatusCodes,
  Variant,
} from 'node-opcua';
import type { CommandOutcome } from '../../runtime/index.js';
import { resolveConfiguredNodeId } from './discovery.js';

export type { CommandOutcome, MachineCommandTarget } from '../../runtime/index.js';
export { isMachineCommandTarget } from '../../runtime/index.js';

const NOT_CONNECTED: CommandOutcome = {
  ok: false,
  statusCode: 'BadNotConnected',
  message: 'the source has no session with the server right now; try again when it is connected',
};

function outcome(code: { name: string; value: number; description?: string }, what: string): CommandOutcome {
  const ok = code.value === StatusCodes.Good.value;
  return {
    ok,
    statusCode: code.name,
    message: ok ? `${what}: Good` : `${what}: ${code.name} (${code.description ?? ''})`,
  };
}

/** Turns a JSON value into the Variant value for a built-in DataType, or says why it cannot. */
export function toVariantValue(dataType: DataType, value: unknown): { value: unknown } | { error: string } {
  switch (dataType) {
    case DataType.Boolean:
      return typeof value === 'boolean' ? { value } : { error: `expected a boolean, got ${JSON.stringify(value)}` };
    case DataType.String:
      return typeof value === 'string' ? { value } : { error: `expected a string, got ${JSON.stringify(value)}` };
    case DataType.Float:
    case DataType.Double:
      return typeof value === 'number' && Number.isFinite(value)
        ? { value }
        : { error: `expected a number, got ${JSON.stringify(value)}` };
    case DataType.SByte:
    case DataType.Byte:
    case DataType.Int16:
    case DataType.UInt16:
    case DataType.Int32:
    case DataType.UInt32:
      return typeof value === 'number' && Number.isInteger(value)
        ? { value }
        : { error: `expected a whole number, got ${JSON.stringify(value)}` };
    default:
      return { error: `DataType ${DataType[dataType]} is not writable through Gotthard` };
  }
}

export async function writeValue(
  session: ClientSession | undefined,
  nodeIdText: string,
  value: unknown,
): Promise<CommandOutcome> {
  if (!session) return NOT_CONNECTED;
  const nodeId = resolveConfiguredNodeId(nodeIdText, await session.readNamespaceArray());
  const dataType = await session.getBuiltInDataType(nodeId);
  const v = toVariantValue(dataType, value);
  if ('error' in v) return { ok: false, statusCode: 'BadTypeMismatch', message: `${nodeIdText}: ${v.error}` };
  const code = await session.write({
    nodeId,
    attributeId: AttributeIds.Value,
    value: { value: new Variant({ dataType, value: v.value }) },
  });
  return outcome(code, `write ${nodeIdText}`);
}

async function parentOf(session: ClientSession, nodeId: NodeId): Promise<NodeId | undefined> {
  const r = await session.browse({
    nodeId,
    browseDirection: BrowseDirection.Inverse,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Object,
    resultMask: 0x3f,
  });
  return r.references?.[0]?.nodeId;
}

export async function callMethod(
  session: ClientSession | undefined,
  r: { from: string; levelsUp: number; method: string; args: readonly unknown[] },
): Promise<CommandOutcome> {
  if (!session) return NOT_CONNECTED;
  let objectId: NodeId | undefined = resolveConfiguredNodeId(r.from, await session.readNamespaceArray());
  for (let i = 0; i < r.levelsUp && objectId; i++) objectId = await parentOf(session, objectId);
  if (!objectId) {
    return { ok: false, statusCode: 'BadNodeIdUnknown', message: `no object ${r.levelsUp} level(s) above ${r.from}` };
  }
  const children = await session.browse({
    nodeId: objectId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HasComponent',
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Method,
    resultMask: 0x3f,
  });
  const method = children.references?.find((ref) => ref.browseName.name === r.method);
  if (!method) {
    return {
      ok: false,
      statusCode: 'BadMethodInvalid',
      message: `object ${objectId.toString()} has no method ${r.method}`,
    };
  }
  const def = await session.getArgumentDefinition(method.nodeId);
  const inputs = def.inputArguments ?? [];
  if (inputs.length !== r.args.length) {
    return {
      ok: false,
      statusCode: 'BadArgumentsMissing',
      message: `${r.method} takes ${inputs.length} argument(s), got ${r.args.length}`,
    };
  }
  const inputArguments: Variant[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const a = inputs[i] as { name?: string | null; dataType: NodeId };
    // Built-in DataTypes are ns=0;i=1..25 (OPC UA Part 6, 5.1.2); their ids are the enum values.
    const builtIn = a.dataType.namespace === 0 && typeof a.dataType.value === 'number' && a.dataType.value <= 25;
    const dataType = builtIn ? (a.dataType.value as DataType) : DataType.Null;
    const v = toVariantValue(dataType, r.args[i]);
    if ('error' in v) {
      return { ok: false, statusCode: 'BadTypeMismatch', message: `argument ${a.name ?? i + 1}: ${v.error}` };
    }
    inputArguments.push(new Variant({ dataType, value: v.value }));
  }
  const result = await session.call({ objectId, methodId: method.nodeId, inputArguments });
  const o = outcome(result.statusCode, `call ${r.method} on ${objectId.toString()}`);
  return { ...o, outputArguments: (result.outputArguments ?? []).map((v) => v.value as unknown) };
}
