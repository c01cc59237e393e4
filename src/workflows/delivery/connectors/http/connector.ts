import type { OutboundAction } from '../../../types.js';
import { IDEMPOTENCY_HEADER } from '../../signature.js';
import { httpRequest, refuse } from '../http-client.js';
import { type Connector, type DeliveryContext, DeliveryError, type DeliveryOutcome } from '../types.js';

/**
 * `http.call` rule actions: the method, URL, headers and (already rendered) body the rule gave,
 * plus an `Idempotency-Key` header that is the same on every retry.
 */
export class HttpCallConnector implements Connector {
  readonly kind = 'http';
  readonly name = 'http';
  readonly sink = 'http:call';
  readonly target = 'per action';
  readonly workOrders = false;
  readonly actions = ['http.call'] as const;
  /** Each call goes to its own URL: one that hangs must not hold back calls to the others. */
  readonly concurrency = 4;

  sinkOf(action: OutboundAction): string {
    return action.kind === 'http.call' ? httpSinkOf(action.url) : this.sink;
  }

  async deliver(ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const p = ctx.entry.payload;
    if (p.type !== 'action' || p.action.kind !== 'http.call') {
      throw new DeliveryError('the http connector delivers http.call actions only', true);
    }
    const a = p.action;
    const r = await httpRequest(a.url, {
      method: a.method,
      headers: { 'content-type': 'application/json', ...a.headers, [IDEMPOTENCY_HEADER]: ctx.entry.idempotencyKey },
      body: a.body,
      signal: ctx.signal,
    });
    if (r.status < 200 || r.status >= 300) refuse(`${a.method} ${new URL(a.url).host}`, r);
    return {};
  }

  async close(): Promise<void> {}
}

/** Governance sink of an http.call: `http:<host>` of its URL. */
export function httpSinkOf(url: string): string {
  try {
    return `http:${new URL(url).host}`;
  } catch {
    return 'http:invalid';
  }
}
