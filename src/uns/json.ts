export { encodeJsonPayload, type JsonRow, type UnsJsonPayload, unsTopic } from '../protocols/mqtt/index.js';
