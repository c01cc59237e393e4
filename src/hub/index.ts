export { DEMO_ASSETS, demoConfig, demoSourceConfig, demoWorkflows } from './demo.js';
export { Hub, type HubOptions, VERSION } from './hub.js';
