/**
 * A tag: one value stream of one asset, with where it came from (lineage).
 */
export type TagDataType = 'Double' | 'Float' | 'Int' | 'UInt' | 'Boolean' | 'String' | 'DateTime';

export interface TagLineage {
  /** The source connection's name from the config, e.g. `demo-plant`. */
  source: string;
  /** The OPC UA endpoint URL the value was read from. */
  endpoint: string;
  /** The NodeId in its string form with namespace URI, e.g. `nsu=urn:gotthard:demo-plant;s=Line1.CNC1.Spindle.Speed`. */
  nodeId: string;
  /** Browse path from the rule's root, e.g. `/Objects/DemoPlant/Machining/Line1/CNC1/Spindle/Speed`. */
  browsePath?: string;
}

export interface TagDefinition {
  /**
   * Stable id = the unified-namespace path, e.g. `acme/zurich/machining/line1/cnc1/bearing/temperature`.
   * Lower case segments of [a-z0-9_-], separated by `/`.
   */
  id: string;
  /** The ISA-95 asset path this tag belongs to, e.g. `acme/zurich/machining/line1/cnc1`. */
  assetPath: string;
  /** Human name, usually the OPC UA DisplayName. */
  name: string;
  description?: string;
  dataType: TagDataType;
  /** Engineering unit symbol from EUInformation.displayName, e.g. `°C`, `kW`, `mm/s`. */
  unit?: string;
  /** EURange (low/high) from the server, for AnalogItemType. */
  euRange?: { low: number; high: number };
  lineage: TagLineage;
  /** Retention class name (see config `historian.retention`); defaults to `default`. */
  retentionClass?: string;
}

/** A tag as the catalog holds it: its definition plus the numeric key used in sample batches. */
export interface TagRecord extends TagDefinition {
  key: number;
}

/** What a source needs from the hub to name the values it produces. */
export interface TagCatalog {
  /**
   * Registers (or updates) tags and returns their numeric keys in the same order. Keys are stable
   * across restarts for the same tag id.
   */
  register(defs: readonly TagDefinition[]): Promise<number[]>;
}

const SEGMENT = /[^a-z0-9_-]+/g;

/**
 * Turns an OPC UA BrowseName or display name into a UNS path segment: CamelCase and spaces become
 * snake_case, accents are dropped: `VibrationRMS` → `vibration_rms`, `Bearing Temperature` →
 * `bearing_temperature`, `CNC1` → `cnc1`.
 */
export function toSegment(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .trim()
    .replace(SEGMENT, '_')
    .replace(/^_+|_+$/g, '');
}
