import { WEBHOOK_SCHEMA, type WebhookNotificationBody, webhookWorkOrderBody } from '../../payload.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signBody } from '../../signature.js';
import type { InboundConfig } from '../common.js';
import { httpRequest, redact, refuse } from '../http-client.js';
import { type Connector, type DeliveryContext, DeliveryError, type DeliveryOutcome } from '../types.js';
import type { WebhookConnectorConfig } from './config.js';

/**
 * Generic webhook: POSTs a JSON body (schema `gotthard.webhook.v1`, docs/connectors.md), signed with
 * HMAC-SHA256 over `<timestamp>.<body>`, with an `Idempotency-Key` header that stays the same on
 * every retry, so a receiver that remembers keys applies each change once.
 */
export class WebhookConnector implements Connector {
  readonly kind = 'webhook';
  readonly name: string;
  readonly sink: string;
  readonly target: string;
  readonly workOrders: boolean;
  readonly actions = ['notify.webhook'] as const;
  readonly concurrency: number;
  readonly inbound: InboundConfig | undefined;

  constructor(private readonly cfg: WebhookConnectorConfig) {
    this.name = cfg.name;
    this.sink = `webhook:${cfg.name}`;
    this.target = redact(cfg.url);
    this.workOrders = cfg.workOrders;
    this.concurrency = cfg.concurrency;
    this.inbound = cfg.inbound;
  }

  async deliver(ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const { entry } = ctx;
    const p = entry.payload;
    let body: unknown;
    if (p.type === 'workorder') {
      body = webhookWorkOrderBody(this.name, entry.idempotencyKey, p.change, p.withheldTagIds);
    } else if (p.action.kind === 'notify.webhook') {
      body = {
        schema: WEBHOOK_SCHEMA,
        id: entry.idempotencyKey,
        event: 'notification',
        occurredAt: new Date(entry.createdAt).toISOString(),
        connector: this.name,
        subject: p.action.subject,
        body: p.action.body,
      } satisfies WebhookNotificationBody;
    } else {
      throw new DeliveryError(`webhook ${this.name} cannot deliver a ${p.action.kind} action`, true);
    }
    const text = JSON.stringify(body);
    const r = await httpRequest(this.cfg.url, {
      method: 'POST',
      headers: {
        ...this.cfg.headers,
        'content-type': 'application/json',
        [IDEMPOTENCY_HEADER]: entry.idempotencyKey,
        [SIGNATURE_HEADER]: signBody(this.cfg.secret, text, Date.now()),
        'user-agent': 'gotthard-delivery',
      },
      body: text,
      signal: ctx.signal,
    });
    if (r.status < 200 || r.status >= 300) refuse(`webhook ${this.name}`, r);
    return {};
  }

  async close(): Promise<void> {}
}
