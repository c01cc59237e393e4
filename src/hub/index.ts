export { DEMO_ASSETS, demoSourceConfig } from './demo.js';
export { Hub, type HubOptions, VERSION } from './hub.js';
