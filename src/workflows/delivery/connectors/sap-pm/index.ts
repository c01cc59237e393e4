/** SAP PM over OData V2 (API_MAINTNOTIFICATION, API_MAINTENANCEORDER): config and connector. */
export { type SapConnectorConfig, sapSchema } from './config.js';
export { SapPmConnector, sapExternalReference } from './connector.js';
