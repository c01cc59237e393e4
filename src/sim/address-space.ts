import {
  DataType,
  type EUInformation,
  type ISessionContext,
  LocalizedText,
  makeEUInformation,
  type Namespace,
  StatusCodes,
  standardUnits,
  type UAObject,
  type UAVariable,
  Variant,
} from 'node-opcua';
import type { MachineDescriptor } from './layout.js';
import { FAULT_MODES, type FaultMode, MACHINE_STATE_NAMES, type MachineModel, MachineState } from './physics.js';
import type { UnitKey } from './signals.js';

/**
 * Builds the demo plant's address space and publishes the physics into it.
 *
 * Layout (the hub's browse rules depend on it):
 *   Objects/DemoPlant/<Area>/<Line>/<Machine>/<Group>/<Variable>
 * with string NodeIds that mirror the path below DemoPlant, joined by dots, e.g.
 * `ns=<urn:gotthard:demo-plant>;s=Machining.Line1.CNC1.Bearing.Temperature`.
 */
export const NAMESPACE_URI = 'urn:gotthard:demo-plant';
export const ROOT_BROWSE_NAME = 'DemoPlant';

/** EUInformation per unit, UNECE Rec. 20 common codes (OPC UA Part 8, 5.6.3). */
const UNITS: Record<UnitKey, EUInformation> = {
  degC: standardUnits.degree_celsius,
  rpm: standardUnits.revolutions_per_minute,
  percent: standardUnits.percent,
  mmPerS: makeEUInformation('C16', 'mm/s', 'millimetre per second'),
  kW: standardUnits.kilowatt,
  kWh: makeEUInformation('KWH', 'kW·h', 'kilowatt hour'),
  second: standardUnits.second,
  hour: makeEUInformation('HUR', 'h', 'hour'),
  bar: standardUnits.bar,
  m3PerMin: standardUnits.cubic_meter_per_minute,
  gram: standardUnits.gram,
  perMinute: makeEUInformation('C94', 'min⁻¹', 'reciprocal minute'),
  volt: standardUnits.volt,
  ampere: makeEUInformation('AMP', 'A', 'ampere'),
  hertz: standardUnits.hertz,
  one: makeEUInformation('C62', '1', 'one'),
};

/** OPC 40001-1 MachineryItemState names, derived from MachineState. */
export function machineryItemState(state: number): string {
  switch (state) {
    case MachineState.Running:
      return 'Executing';
    case MachineState.Fault:
    case MachineState.Maintenance:
      return 'OutOfService';
    default:
      return 'NotExecuting';
  }
}

/** OPC 40001-1 MachineryOperationMode names, derived from MachineState. */
export function machineryOperationMode(state: number): string {
  switch (state) {
    case MachineState.Setup:
      return 'Setup';
    case MachineState.Maintenance:
      return 'Maintenance';
    default:
      return 'Processing';
  }
}

interface Binding {
  variable: UAVariable;
  path: string;
  dataType: DataType;
  last: number | string | undefined;
}

export interface MachineNodes {
  model: MachineModel;
  bindings: Binding[];
  machineState: UAVariable;
  itemState: UAVariable;
  operationMode: UAVariable;
  lastState: number;
  lastItemState: string;
  lastOperationMode: string;
}

export interface MethodHandlers {
  injectFault(machineId: string, mode: FaultMode): void;
  resetWear(machineId: string): void;
  startMaintenance(machineId: string): void;
  /** A client wrote a writable signal; false refuses it (the old value is restored). */
  writeSetpoint(machineId: string, path: string, value: number | string): boolean;
}

const READ_ONLY = { accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' } as const;
const READ_WRITE = {
  accessLevel: 'CurrentRead | CurrentWrite',
  userAccessLevel: 'CurrentRead | CurrentWrite',
} as const;

export function buildAddressSpace(
  namespace: Namespace,
  objectsFolder: UAObject,
  models: readonly MachineModel[],
  handlers: MethodHandlers,
): { nodes: MachineNodes[]; variableCount: number } {
  const root = namespace.addFolder(objectsFolder, { browseName: ROOT_BROWSE_NAME, nodeId: `s=${ROOT_BROWSE_NAME}` });
  const folders = new Map<string, UAObject>();
  const folder = (parent: UAObject, path: string, name: string): UAObject => {
    let f = folders.get(path);
    if (!f) {
      f = namespace.addFolder(parent, { browseName: name, nodeId: `s=${path}` });
      folders.set(path, f);
    }
    return f;
  };
  const nodes: MachineNodes[] = [];
  let variableCount = 0;
  for (const model of models) {
    const d = model.descriptor;
    const area = folder(root, d.area, d.area);
    const line = folder(area, `${d.area}.${d.line}`, d.line);
    const machine = namespace.addObject({
      organizedBy: line,
      browseName: d.name,
      nodeId: `s=${d.id}`,
      description: `${d.kind} ${d.name} in ${d.area}/${d.line}`,
    });
    const groups = new Map<string, UAObject>();
    const group = (name: string): UAObject => {
      let g = groups.get(name);
      if (!g) {
        g = namespace.addObject({ componentOf: machine, browseName: name, nodeId: `s=${d.id}.${name}` });
        groups.set(name, g);
      }
      return g;
    };
    variableCount += addIdentification(namespace, group('Identification'), d);

    const status = group('Status');
    const machineState = namespace.addMultiStateDiscrete({
      componentOf: status,
      browseName: 'MachineState',
      nodeId: `s=${d.id}.Status.MachineState`,
      description: 'Machine state: 0 Running, 1 Idle, 2 Setup, 3 PlannedStop, 4 Fault, 5 Maintenance',
      enumStrings: [...MACHINE_STATE_NAMES],
      value: model.state,
      ...READ_ONLY,
    }) as unknown as UAVariable;
    const blocks = namespace.addObject({
      componentOf: machine,
      browseName: 'MachineryBuildingBlocks',
      nodeId: `s=${d.id}.MachineryBuildingBlocks`,
      typeDefinition: 'FolderType',
    });
    const stateVariable = (objectName: string, initial: string): UAVariable => {
      const obj = namespace.addObject({
        organizedBy: blocks,
        browseName: objectName,
        nodeId: `s=${d.id}.MachineryBuildingBlocks.${objectName}`,
      });
      return namespace.addVariable({
        componentOf: obj,
        browseName: 'CurrentState',
        nodeId: `s=${d.id}.MachineryBuildingBlocks.${objectName}.CurrentState`,
        dataType: 'LocalizedText',
        value: { dataType: DataType.LocalizedText, value: new LocalizedText({ text: initial }) },
        ...READ_ONLY,
      });
    };
    const itemState = stateVariable('MachineryItemState', machineryItemState(model.state));
    const operationMode = stateVariable('MachineryOperationMode', machineryOperationMode(model.state));
    variableCount += 3;

    const bindings: Binding[] = [];
    for (const spec of model.signals) {
      const [groupName, name] = spec.path.split('.') as [string, string];
      const common = {
        componentOf: group(groupName),
        browseName: name,
        nodeId: `s=${d.id}.${spec.path}`,
        description: spec.description,
        ...(spec.writable ? READ_WRITE : READ_ONLY),
      };
      const initial = model.values[spec.path];
      let variable: UAVariable;
      let dataType: DataType;
      if (spec.unit !== undefined) {
        dataType = DataType.Double;
        variable = namespace.addAnalogDataItem({
          ...common,
          dataType: 'Double',
          engineeringUnits: UNITS[spec.unit],
          engineeringUnitsRange: { low: spec.range?.[0] ?? 0, high: spec.range?.[1] ?? 0 },
          value: { dataType, value: typeof initial === 'number' ? initial : 0 },
        }) as unknown as UAVariable;
      } else {
        dataType = spec.dataType === 'String' ? DataType.String : DataType.UInt32;
        variable = namespace.addVariable({
          ...common,
          dataType: spec.dataType,
          value: { dataType, value: initial ?? (dataType === DataType.String ? '' : 0) },
        });
      }
      const binding: Binding = { variable, path: spec.path, dataType, last: initial };
      bindings.push(binding);
      variableCount++;
      if (spec.writable) {
        // A client Write changes the value without going through publishMachine; hand it to the model.
        variable.on('value_changed', (dv: { value: { value: unknown } }) => {
          const v = dv.value.value;
          if (v === binding.last || (typeof v !== 'number' && typeof v !== 'string')) return;
          if (handlers.writeSetpoint(d.id, spec.path, v)) {
            binding.last = v;
          } else {
            variable.setValueFromSource(new Variant({ dataType, value: binding.last }), StatusCodes.Good, new Date());
          }
        });
      }
    }
    if (model.faultModes.length > 0) addMethods(namespace, machine, d, model, handlers);
    nodes.push({
      model,
      bindings,
      machineState,
      itemState,
      operationMode,
      lastState: model.state,
      lastItemState: machineryItemState(model.state),
      lastOperationMode: machineryOperationMode(model.state),
    });
  }
  return { nodes, variableCount };
}

function addIdentification(namespace: Namespace, identification: UAObject, d: MachineDescriptor): number {
  const plate = d.nameplate;
  const props: [string, DataType, unknown][] = [
    ['Manufacturer', DataType.LocalizedText, new LocalizedText({ text: plate.manufacturer })],
    ['Model', DataType.LocalizedText, new LocalizedText({ text: plate.model })],
    ['SerialNumber', DataType.String, plate.serialNumber],
    ['YearOfConstruction', DataType.UInt16, plate.yearOfConstruction],
    ['ProductInstanceUri', DataType.String, `urn:gotthard:demo-plant:${plate.serialNumber}`],
    ['Location', DataType.String, `${d.area}/${d.line}`],
  ];
  for (const [name, dataType, value] of props) {
    namespace.addVariable({
      propertyOf: identification,
      browseName: name,
      nodeId: `s=${d.id}.Identification.${name}`,
      dataType: DataType[dataType],
      value: { dataType, value },
      ...READ_ONLY,
    });
  }
  return props.length;
}

function addMethods(
  namespace: Namespace,
  machine: UAObject,
  d: MachineDescriptor,
  model: MachineModel,
  handlers: MethodHandlers,
): void {
  const inject = namespace.addMethod(machine, {
    browseName: 'InjectFault',
    nodeId: `s=${d.id}.InjectFault`,
    description: `Puts the machine into Fault. mode: ${model.faultModes.join(', ')}`,
    inputArguments: [
      {
        name: 'mode',
        description: { text: `Fault mode: ${model.faultModes.join(' | ')}` },
        dataType: DataType.String,
      },
    ],
    outputArguments: [],
  });
  // node-opcua tells the promise form from the callback form by arity: it must declare exactly 2 parameters.
  inject.bindMethod(async (inputArguments: Variant[], _context: ISessionContext) => {
    const mode = inputArguments[0]?.value;
    if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
      return {
        statusCode: StatusCodes.BadInvalidArgument,
        statusText: `mode must be one of ${model.faultModes.join(', ')}`,
      };
    }
    if (!model.faultModes.includes(mode as FaultMode)) {
      return {
        statusCode: StatusCodes.BadInvalidArgument,
        statusText: `mode must be one of ${model.faultModes.join(', ')}`,
      };
    }
    handlers.injectFault(d.id, mode as FaultMode);
    return { statusCode: StatusCodes.Good, outputArguments: [] };
  });
  const reset = namespace.addMethod(machine, {
    browseName: 'ResetWear',
    nodeId: `s=${d.id}.ResetWear`,
    description: 'Replaces bearing and tool (wear to 0) and clears a Fault or Maintenance state',
    inputArguments: [],
    outputArguments: [],
  });
  reset.bindMethod(async (_inputArguments: Variant[], _context: ISessionContext) => {
    handlers.resetWear(d.id);
    return { statusCode: StatusCodes.Good, outputArguments: [] };
  });
  const maintain = namespace.addMethod(machine, {
    browseName: 'StartMaintenance',
    nodeId: `s=${d.id}.StartMaintenance`,
    description: 'Stops the machine for planned maintenance (state Maintenance) until ResetWear ends the job',
    inputArguments: [],
    outputArguments: [],
  });
  maintain.bindMethod(async (_inputArguments: Variant[], _context: ISessionContext) => {
    handlers.startMaintenance(d.id);
    return { statusCode: StatusCodes.Good, outputArguments: [] };
  });
}

/**
 * Pushes the model's current values into the address space. Only values that changed (at sensor
 * resolution) are written, like a device reporting by exception; the timestamp is the real time of
 * the update (not the simulated time) so that a historian stores sensible timestamps.
 */
export function publishMachine(m: MachineNodes, sourceTimestamp: Date): number {
  let writes = 0;
  const values = m.model.values;
  for (const b of m.bindings) {
    const v = values[b.path];
    if (v === undefined || v === b.last) continue;
    b.last = v;
    b.variable.setValueFromSource(new Variant({ dataType: b.dataType, value: v }), StatusCodes.Good, sourceTimestamp);
    writes++;
  }
  const state = m.model.state;
  if (state !== m.lastState) {
    m.lastState = state;
    m.machineState.setValueFromSource(
      new Variant({ dataType: DataType.UInt32, value: state }),
      StatusCodes.Good,
      sourceTimestamp,
    );
    writes++;
    // Several states share an ItemState or OperationMode text: only a changed text is written (and
    // counted), as a client sees a change only then.
    const itemState = machineryItemState(state);
    if (itemState !== m.lastItemState) {
      m.lastItemState = itemState;
      m.itemState.setValueFromSource(
        new Variant({ dataType: DataType.LocalizedText, value: new LocalizedText({ text: itemState }) }),
        StatusCodes.Good,
        sourceTimestamp,
      );
      writes++;
    }
    const mode = machineryOperationMode(state);
    if (mode !== m.lastOperationMode) {
      m.lastOperationMode = mode;
      m.operationMode.setValueFromSource(
        new Variant({ dataType: DataType.LocalizedText, value: new LocalizedText({ text: mode }) }),
        StatusCodes.Good,
        sourceTimestamp,
      );
      writes++;
    }
  }
  return writes;
}
