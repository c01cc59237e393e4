import type { Source } from '../pipeline/types.js';

/** What a write or call through a source came to, in OPC UA StatusCode terms (the hub's quality vocabulary). */
export interface CommandOutcome {
  ok: boolean;
  /** StatusCode name, e.g. `Good`, `BadTypeMismatch`, `BadNotConnected`. */
  statusCode: string;
  message: string;
  outputArguments?: unknown[];
}

/**
 * Optional ability of a source: writing values and calling methods on the machine it reads from.
 * Only the guarded path (src/security/writes) uses it; it checks the allowlist, the role and the
 * reason and audits every attempt before a source is ever asked. The OPC UA source implements it.
 */
export interface MachineCommandTarget {
  /** Write of a value to the address (OPC UA: Write of the Value attribute, Part 4, 5.10.4). */
  writeValue(address: string, value: unknown): Promise<CommandOutcome>;
  /**
   * Call of the method with BrowseName `method` on the object `levelsUp` hierarchical levels above
   * the address `from` (OPC UA Call, Part 4, 5.11.2; `from` is a variable of the machine, from a tag's lineage).
   */
  callMethod(r: { from: string; levelsUp: number; method: string; args: readonly unknown[] }): Promise<CommandOutcome>;
}

export function isMachineCommandTarget(s: Source): s is Source & MachineCommandTarget {
  const c = s as Partial<MachineCommandTarget>;
  return typeof c.writeValue === 'function' && typeof c.callMethod === 'function';
}
