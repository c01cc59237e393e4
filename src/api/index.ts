export { API_PREFIX, type ApiOptions, buildApi } from './server.js';
export { parseRange, parseTime } from './time.js';
export type { HubHealth, HubView, ServerCertificate, SiteInfo } from './types.js';
