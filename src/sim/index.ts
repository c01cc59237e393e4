/**
 * The demo plant: a node-opcua server simulating a small precision-manufacturing plant.
 * See README.md in this folder for the address space, methods and options.
 */
export { machineryItemState, machineryOperationMode, NAMESPACE_URI } from './address-space.js';
export type { MachineDescriptor, MachineKind } from './layout.js';
export { scalePlant, standardPlant } from './layout.js';
export {
  DEMO_USER,
  type DemoPlantConfig,
  demoPlantDefaults,
  demoPlantOptionsSchema,
  RESOURCE_PATH,
} from './options.js';
export { FAULT_MODES, type FaultMode, MACHINE_STATE_NAMES, MachineState, PlantSimulation } from './physics.js';
export { type DemoPlant, type DemoPlantOptions, startDemoPlant } from './server.js';
export { SIGNALS, type SignalSpec } from './signals.js';
