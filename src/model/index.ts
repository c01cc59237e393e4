export { type AssetNode, buildAssetTree } from './assets.js';
export { WEEKDAYS, type Weekday } from './calendar.js';
export { globSource, pathGlob } from './glob.js';
export { MACHINE_STATE_NAMES, MachineState, type MachineStateValue } from './machine.js';
export { type Sample, SampleBatch } from './sample.js';
export { type Quality, qualityOf, STATUS_BAD_NO_COMMUNICATION, STATUS_GOOD, statusName } from './status.js';
export {
  type TagCatalog,
  type TagDataType,
  type TagDefinition,
  type TagLineage,
  type TagRecord,
  toSegment,
} from './tag.js';
