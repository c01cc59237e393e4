import { z } from 'zod';
import { duration, secret } from '../../config/types.js';
import { mqttConnectionSchema } from '../../uns/config.js';

const connectorName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, "_" and "-"')
  .describe('Connector name: used in rule actions, in work-order `externalIds`, in the inbound URL and in health.');

/**
 * How an external system proves an inbound status update is genuine: an HMAC-SHA256 signature over
 * the body (preferred) and/or a bearer token. At least one is required when inbound is enabled.
 */
const inboundSchema = z
  .object({
    secret: secret(
      'Shared secret of the `X-Gotthard-Signature` HMAC-SHA256 header on inbound status updates (see docs/connectors.md).',
    ).optional(),
    token: secret('Bearer token accepted instead of a signature (`Authorization: Bearer <token>`).').optional(),
    maxSkew: duration(
      'Oldest signature timestamp accepted; older (or replayed) requests are refused. Default `5m`.',
    ).default(300_000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.secret === undefined && v.token === undefined) {
      ctx.addIssue({ code: 'custom', message: 'inbound needs a `secret` (HMAC signature) or a `token` (bearer)' });
    }
  })
  .describe('Accept status updates from this system at `POST /api/v1/connectors/<name>/status`.');

const basicAuthSchema = z
  .object({
    kind: z.literal('basic'),
    username: z.string().min(1).describe('SAP communication user.'),
    password: secret('Its password.'),
  })
  .strict();

const oauthSchema = z
  .object({
    kind: z.literal('oauth2'),
    tokenUrl: z
      .url()
      .describe('OAuth 2.0 token endpoint (client-credentials grant), e.g. the BTP XSUAA `/oauth/token`.'),
    clientId: z.string().min(1),
    clientSecret: secret('OAuth client secret.'),
    scope: z.string().optional().describe('Requested scope, space separated.'),
  })
  .strict();

const sapSchema = z
  .object({
    kind: z.literal('sap-pm'),
    name: connectorName,
    url: z
      .url()
      .describe(
        'Service root of API_MAINTNOTIFICATION, e.g. `https://erp.example.com/sap/opu/odata/sap/API_MAINTNOTIFICATION`.',
      ),
    auth: z
      .discriminatedUnion('kind', [basicAuthSchema, oauthSchema])
      .describe('Basic auth or OAuth client credentials.'),
    client: z
      .string()
      .regex(/^\d{3}$/)
      .optional()
      .describe('SAP client (`sap-client` query parameter), e.g. `100`.'),
    notificationType: z
      .string()
      .min(1)
      .max(2)
      .default('M2')
      .describe('NotificationType of created notifications (M1, M2…).'),
    planningPlant: z.string().max(4).optional().describe('MaintenancePlanningPlant of created notifications.'),
    technicalObjects: z
      .record(z.string(), z.string().max(40))
      .default({})
      .describe(
        'Asset path → SAP TechnicalObject (equipment or functional location). Machines not listed go without one.',
      ),
    technicalObjectType: z
      .enum(['EAMS_EQUI', 'EAMS_FL'])
      .default('EAMS_EQUI')
      .describe('TechObjIsEquipOrFuncnlLoc: equipment (`EAMS_EQUI`) or functional location (`EAMS_FL`).'),
    orders: z
      .object({
        url: z
          .url()
          .describe(
            'Service root of API_MAINTENANCEORDER, e.g. `https://erp.example.com/sap/opu/odata/sap/API_MAINTENANCEORDER`.',
          ),
        orderType: z.string().min(1).max(4).default('PM01').describe('MaintenanceOrderType of created orders.'),
        mainWorkCenter: z.string().max(8).optional().describe('MainWorkCenter of created orders.'),
      })
      .strict()
      .optional()
      .describe(
        'Also create a maintenance order for the notification once the work order is planned, and keep its basic dates on the planned window.',
      ),
    workOrders: z.boolean().default(true).describe('Send work-order changes here.'),
    inbound: inboundSchema.optional(),
  })
  .strict()
  .describe(
    'SAP PM: maintenance notifications (API_MAINTNOTIFICATION) and, optionally, orders (API_MAINTENANCEORDER) over OData V2.',
  );

const webhookSchema = z
  .object({
    kind: z.literal('webhook'),
    name: connectorName,
    url: z.url().describe('Receiver URL (POST, JSON).'),
    secret: secret('Key of the `X-Gotthard-Signature` HMAC-SHA256 header the receiver verifies.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers, e.g. an API key.'),
    workOrders: z.boolean().default(true).describe('Send work-order changes here.'),
    inbound: inboundSchema.optional(),
  })
  .strict()
  .describe('Generic webhook: signed JSON (schema in docs/connectors.md), an `Idempotency-Key` header per change.');

const emailSchema = z
  .object({
    kind: z.literal('email'),
    name: connectorName,
    smtp: z
      .object({
        host: z.string().min(1).describe('SMTP server.'),
        port: z.number().int().min(1).max(65535).default(587),
        security: z
          .enum(['starttls', 'tls', 'none'])
          .default('starttls')
          .describe(
            '`starttls` (port 587, upgrade required), `tls` (port 465), `none` (plain, trusted networks only).',
          ),
        username: z.string().optional(),
        password: secret('SMTP password.').optional(),
        rejectUnauthorized: z.boolean().default(true).describe('Check the server certificate.'),
      })
      .strict(),
    from: z.string().min(3).describe('Sender address, e.g. `Gotthard <gotthard@plant.example>`.'),
    to: z
      .array(z.string().min(3))
      .default([])
      .describe('Recipients of work-order changes (rule actions name their own).'),
    workOrders: z.boolean().default(false).describe('Mail work-order changes to `to`.'),
  })
  .strict()
  .describe('E-mail through an SMTP server.');

export const CONNECTOR_KINDS = ['sap-pm', 'webhook', 'email'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

export const connectorConfigSchema = z.discriminatedUnion('kind', [sapSchema, webhookSchema, emailSchema]);
export type ConnectorConfig = z.output<typeof connectorConfigSchema>;
export type SapConnectorConfig = z.output<typeof sapSchema>;
export type WebhookConnectorConfig = z.output<typeof webhookSchema>;
export type EmailConnectorConfig = z.output<typeof emailSchema>;
export type InboundConfig = z.output<typeof inboundSchema>;

export const retrySchema = z
  .object({
    initialDelay: duration(
      'First retry after this long; each further retry waits twice as long. Default `5s`.',
    ).default(5000),
    maxDelay: duration('Longest wait between retries. Default `10m`.').default(600_000),
    deadAfter: duration(
      'An entry still failing this long after it was queued goes to the dead letters (with `maxAttempts`, whichever first). Default `3d`.',
    ).default(3 * 86_400_000),
    maxAttempts: z.number().int().min(1).default(1000).describe('Attempts before an entry goes to the dead letters.'),
  })
  .strict()
  .describe(
    'Exponential backoff with jitter (each wait is 50–100 % of the doubled delay). Permanent refusals (HTTP 400, 401, 403, 404, 422) go to the dead letters at once.',
  );

export const connectorsSchema = z
  .object({
    list: z.array(connectorConfigSchema).default([]).describe('External systems: `sap-pm`, `webhook`, `email`.'),
    outboxPath: z
      .string()
      .optional()
      .describe('SQLite file of the delivery outbox. Default `<dataDir>/outbox/delivery.db`.'),
    maxQueued: z
      .number()
      .int()
      .min(100)
      .default(100_000)
      .describe(
        'Entries waiting per connector. Beyond it new entries go straight to the dead letters (kept, retryable), never dropped.',
      ),
    timeout: duration(
      'Longest wait for one outbound call; a timeout counts as an uncertain delivery. Default `30s`.',
    ).default(30_000),
    keepDelivered: duration(
      'Delivered entries are kept this long, so a repeated idempotency key is recognised. Default `7d`.',
    ).default(7 * 86_400_000),
    retry: retrySchema.prefault({}),
    mqtt: mqttConnectionSchema
      .optional()
      .describe('Broker for `mqtt.publish` actions. Default: the broker of the unified namespace (`uns.broker`).'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.list.forEach((k, i) => {
      if (seen.has(k.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['list', i, 'name'],
          message: `connector name "${k.name}" is used twice`,
        });
      }
      seen.add(k.name);
    });
  })
  .describe('Durable delivery to ERP/CMMS, webhooks, e-mail, MQTT and HTTP (see docs/connectors.md).');

export type ConnectorsConfig = z.output<typeof connectorsSchema>;
export type ConnectorsConfigInput = z.input<typeof connectorsSchema>;
