import type { Logger } from 'pino';
import type { OutboundAction } from '../../types.js';
import type { OutboxEntry } from '../outbox.js';
import type { InboundConfig } from './common.js';

/**
 * Why a delivery attempt failed. `permanent` failures (the peer refused the content: HTTP 400, 401,
 * 403, 404, 422, SMTP 5xx) go to the dead letters at once; others are retried with backoff.
 * `uncertain` means the request may have been processed (timeout or connection reset after it was
 * sent): the next attempt must find out before doing it again.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly uncertain = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/**
 * An outbox entry as a connector receives it: already through the governance stage of the runtime
 * (evidence a classification forbids for this connector removed and named in `withheldTagIds`;
 * actions carrying such values never get here). A connector cannot see or send more than this.
 */
export type GovernedEntry = OutboxEntry & { readonly governed: true };

export interface DeliveryContext {
  entry: GovernedEntry;
  /** Aborted on timeout or hub stop; the attempt then counts as uncertain. */
  signal: AbortSignal;
  now: number;
  /**
   * The id this connector's system gave the work order (e.g. the SAP notification number), if
   * known. `kind` names a second object per work order (e.g. `order` for the SAP maintenance order).
   */
  externalIdOf(workOrderId: string, kind?: string): string | undefined;
  /** Remember it at once (durable), before the rest of the attempt can fail. */
  rememberExternalId(workOrderId: string, externalId: string, kind?: string): void;
}

export interface DeliveryOutcome {
  /** The id in the external system, when the delivery created or found one. */
  externalId?: string;
}

/**
 * One external system: the whole contract a connector implements (docs/connectors.md). Connectors
 * never sleep, retry, queue or check classifications on their own: the delivery runtime owns the
 * outbox, one queue per connector with its own concurrency, backoff, dead letters and the
 * governance stage in front of `deliver`.
 */
export interface Connector {
  readonly name: string;
  readonly kind: string;
  /** `<kind>:<name>` as `DataGovernance.mayLeave` expects it (`erp:<name>` for SAP). */
  readonly sink: string;
  /** Where it sends, without credentials (health). */
  readonly target: string;
  /** Receives work-order changes (not only rule actions). */
  readonly workOrders: boolean;
  /** Rule action kinds it delivers (`notify.webhook` …); the runtime routes nothing else to it. */
  readonly actions: readonly OutboundAction['kind'][];
  /** Calls in flight at once (default 1); entries of one group stay in order whatever the value. */
  readonly concurrency?: number;
  /** Accepts status updates at `POST /api/v1/connectors/<name>/status` when set. */
  readonly inbound?: InboundConfig;
  /** The governance sink of one action, when it depends on the action (http.call: `http:<host>`); default `sink`. */
  sinkOf?(action: OutboundAction): string;
  deliver(ctx: DeliveryContext): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}

/** What every connector factory gets besides its own config. */
export interface ConnectorDeps {
  /** `connectors.timeout`: longest wait for one call (the runtime also aborts through the signal). */
  timeout: number;
  logger: Logger;
}
