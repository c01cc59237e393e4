import { z } from 'zod';
import { EmailConnector, type EmailConnectorConfig, emailSchema } from './email/index.js';
import { type SapConnectorConfig, SapPmConnector, sapSchema } from './sap-pm/index.js';
import type { Connector, ConnectorDeps } from './types.js';
import { WebhookConnector, type WebhookConnectorConfig, webhookSchema } from './webhook/index.js';

export type { InboundConfig } from './common.js';
export { HttpCallConnector, httpSinkOf } from './http/index.js';
export { MqttConnector } from './mqtt/index.js';
export { sapExternalReference } from './sap-pm/index.js';
export {
  type Connector,
  type ConnectorDeps,
  type DeliveryContext,
  DeliveryError,
  type DeliveryOutcome,
  type GovernedEntry,
} from './types.js';
export type { EmailConnectorConfig, SapConnectorConfig, WebhookConnectorConfig };

/** One kind of configurable connector: its config schema (declared once, as data) and its factory. */
export interface ConnectorKindEntry<C> {
  readonly kind: string;
  /** The schema of one `connectors.list[]` item of this kind (`kind` is its literal discriminator). */
  readonly schema: z.ZodType<C>;
  /** Builds the connector; checks nothing on the network (the runtime connects on first delivery). */
  create(config: C, deps: ConnectorDeps): Connector;
}

/**
 * The connector registry: every kind `connectors.list[].kind` may name, registered explicitly. A new
 * connector is one folder (config.ts, connector.ts, index.ts) plus one line here and one in
 * `connectorConfigSchema` below; the runtime (outbox, queue, backoff, governance) wraps it unchanged.
 * The built-in `http` and `mqtt` connectors of rule actions have no config entry and are created by
 * the delivery runtime.
 */
export const CONNECTOR_REGISTRY = {
  'sap-pm': {
    kind: 'sap-pm',
    schema: sapSchema,
    create: (config) => new SapPmConnector(config),
  } satisfies ConnectorKindEntry<SapConnectorConfig>,
  webhook: {
    kind: 'webhook',
    schema: webhookSchema,
    create: (config) => new WebhookConnector(config),
  } satisfies ConnectorKindEntry<WebhookConnectorConfig>,
  email: {
    kind: 'email',
    schema: emailSchema,
    create: (config, deps) => new EmailConnector(config, deps.timeout),
  } satisfies ConnectorKindEntry<EmailConnectorConfig>,
} as const;

export type ConnectorKind = keyof typeof CONNECTOR_REGISTRY;
export const CONNECTOR_KINDS = Object.keys(CONNECTOR_REGISTRY) as ConnectorKind[];

/** The schema of `connectors.list[]`: a union discriminated by `kind`, built from the registry. */
export const connectorConfigSchema = z.discriminatedUnion('kind', [
  CONNECTOR_REGISTRY['sap-pm'].schema,
  CONNECTOR_REGISTRY.webhook.schema,
  CONNECTOR_REGISTRY.email.schema,
]);

export type ConnectorConfig = z.output<typeof connectorConfigSchema>;

/** The connector of one `connectors.list[]` item, from the registry entry of its kind. */
export function createConnector(config: ConnectorConfig, deps: ConnectorDeps): Connector {
  const entry = CONNECTOR_REGISTRY[config.kind] as ConnectorKindEntry<ConnectorConfig>;
  return entry.create(config, deps);
}
