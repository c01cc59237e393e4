import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { changeText } from '../../payload.js';
import { type Connector, type DeliveryContext, DeliveryError, type DeliveryOutcome } from '../types.js';
import type { EmailConnectorConfig } from './config.js';

/**
 * E-mail through an SMTP server (nodemailer). The Message-ID is derived from the idempotency key,
 * so a message re-sent after an uncertain attempt carries the same id and mail clients and
 * archives show it once. SMTP 5xx replies are permanent refusals; 4xx and network errors are retried.
 */
export class EmailConnector implements Connector {
  readonly kind = 'email';
  readonly name: string;
  readonly sink: string;
  readonly target: string;
  readonly workOrders: boolean;
  readonly actions = ['notify.email'] as const;
  readonly concurrency: number;
  private transport: Transporter | undefined;

  constructor(
    private readonly cfg: EmailConnectorConfig,
    private readonly timeoutMs: number,
  ) {
    this.name = cfg.name;
    this.sink = `email:${cfg.name}`;
    this.target = `smtp://${cfg.smtp.host}:${cfg.smtp.port}`;
    this.workOrders = cfg.workOrders;
    this.concurrency = cfg.concurrency;
  }

  private transporter(): Transporter {
    const s = this.cfg.smtp;
    this.transport ??= nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ignoreTLS: s.security === 'none',
      auth: s.username !== undefined ? { user: s.username, pass: s.password ?? '' } : undefined,
      tls: { rejectUnauthorized: s.rejectUnauthorized },
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
    });
    return this.transport;
  }

  async deliver(ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const { entry } = ctx;
    const p = entry.payload;
    let to: string[];
    let subject: string;
    let text: string;
    if (p.type === 'workorder') {
      const wo = p.change.workOrder;
      to = this.cfg.to;
      subject = `[Gotthard] ${wo.id} ${p.change.kind}: ${wo.title}`;
      text = changeText(p.change, p.withheldTagIds);
    } else if (p.action.kind === 'notify.email') {
      to = p.action.to.length > 0 ? p.action.to : this.cfg.to;
      subject = p.action.subject;
      text = p.action.text;
    } else {
      throw new DeliveryError(`e-mail connector ${this.name} cannot deliver a ${p.action.kind} action`, true);
    }
    if (to.length === 0) throw new DeliveryError(`e-mail connector ${this.name}: no recipients (set \`to\`)`, true);
    const messageId = `<${createHash('sha256').update(`${this.name}\0${entry.idempotencyKey}`).digest('hex').slice(0, 32)}@gotthard>`;
    const send = this.transporter().sendMail({
      from: this.cfg.from,
      to,
      subject,
      text,
      messageId,
      headers: { 'X-Gotthard-Idempotency-Key': entry.idempotencyKey },
    });
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new DeliveryError(`SMTP ${this.target}: timed out or aborted`, false, true));
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([send, aborted]);
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      const e = err as { responseCode?: number; code?: string; message: string };
      const permanent = e.responseCode !== undefined && e.responseCode >= 500;
      throw new DeliveryError(
        `SMTP ${this.target}: ${e.responseCode ?? e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '),
        permanent,
        e.responseCode === undefined,
        { cause: err },
      );
    }
    return {};
  }

  async close(): Promise<void> {
    this.transport?.close();
  }
}
