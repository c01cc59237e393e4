export { configJsonSchema, configReferenceMarkdown } from './docs.js';
export { formatPath, loadConfigFile, loadConfigText, validateConfig } from './load.js';
export { configSchema, type GotthardConfig, type GotthardConfigInput } from './schema.js';
export { duration, parseDuration, secret } from './types.js';
