export { API_PREFIX, type ApiOptions, buildApi } from './server.js';
export type { HubHealth, HubView } from './types.js';
