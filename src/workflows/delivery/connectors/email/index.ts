/** E-mail through SMTP: config and connector. */
export { type EmailConnectorConfig, emailSchema } from './config.js';
export { EmailConnector } from './connector.js';
