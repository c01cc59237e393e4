export { DEMO_ASSETS, DEMO_WRITES, demoConfig, demoSourceConfig, demoWorkflows } from './demo.js';
export { Hub, type HubOptions, VERSION } from './hub.js';
