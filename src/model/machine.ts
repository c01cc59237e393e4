/**
 * The machine-state codes of the `status/machine_state` convention: what the demo plant publishes as
 * `Status/MachineState` (a MultiStateDiscrete, OPC UA Part 8, 5.3.3.3) and what the KPI engine's
 * default state map and the PdM monitor read. They live in the model, not in the simulator, because
 * the API and analytics name states of real machines too and must not depend on the demo plant.
 */
export const MachineState = { Running: 0, Idle: 1, Setup: 2, PlannedStop: 3, Fault: 4, Maintenance: 5 } as const;
export type MachineStateValue = (typeof MachineState)[keyof typeof MachineState];
/** Names by code, in code order (the MultiStateDiscrete's EnumStrings). */
export const MACHINE_STATE_NAMES = ['Running', 'Idle', 'Setup', 'PlannedStop', 'Fault', 'Maintenance'] as const;
