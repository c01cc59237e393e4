/** Generic signed webhook: config and connector. */
export { type WebhookConnectorConfig, webhookSchema } from './config.js';
export { WebhookConnector } from './connector.js';
