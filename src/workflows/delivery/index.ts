/**
 * The delivery door: the durable outbox and the connectors (SAP PM, webhook, e-mail, MQTT, HTTP)
 * through which work-order changes and rule actions leave the hub, plus inbound status updates.
 */
export { backoffDelay, type Clock, systemClock } from './clock.js';
export {
  CONNECTOR_KINDS,
  type ConnectorConfig,
  type ConnectorKind,
  type ConnectorsConfig,
  type ConnectorsConfigInput,
  connectorsSchema,
} from './config.js';
export { sapExternalReference } from './connectors/sap-pm.js';
export { type Connector, type DeliveryContext, DeliveryError, type DeliveryOutcome } from './connectors/types.js';
export { DeliveryOutbox, ENTRY_STATES, type EntryState, type OutboxEntry } from './outbox.js';
export { WEBHOOK_SCHEMA, type WebhookNotificationBody, type WebhookWorkOrderBody } from './payload.js';
export { Delivery, type DeliveryOptions, type EntryView, inboundStatusSchema } from './service.js';
export { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signBody, verifySignature } from './signature.js';
