/**
 * The delivery door: the durable outbox and the connectors (SAP PM, webhook, e-mail, MQTT, HTTP)
 * through which work-order changes and rule actions leave the hub, plus inbound status updates.
 * Connector kinds are registered in ./connectors/index.ts (one folder plus one registry line).
 */
export { type Clock, systemClock } from './clock.js';
export { type ConnectorsConfig, type ConnectorsConfigInput, connectorsSchema, type RetryConfig } from './config.js';
export {
  CONNECTOR_KINDS,
  CONNECTOR_REGISTRY,
  type Connector,
  type ConnectorConfig,
  type ConnectorDeps,
  type ConnectorKind,
  type ConnectorKindEntry,
  connectorConfigSchema,
  createConnector,
  type DeliveryContext,
  DeliveryError,
  type DeliveryOutcome,
  type GovernedEntry,
  sapExternalReference,
} from './connectors/index.js';
export { type GovernanceVerdict, governanceStage } from './governance.js';
export { DeliveryOutbox, ENTRY_STATES, type EntryState, type OutboxEntry } from './outbox.js';
export { WEBHOOK_SCHEMA, type WebhookNotificationBody, type WebhookWorkOrderBody } from './payload.js';
export { Delivery, type DeliveryOptions, type EntryView, inboundStatusSchema } from './service.js';
export { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signBody, verifySignature } from './signature.js';
