import type { OutboxEntry } from '../outbox.js';

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

export interface DeliveryContext {
  entry: OutboxEntry;
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

/** One external system. Connectors never sleep or retry on their own: the delivery runtime does. */
export interface Connector {
  readonly name: string;
  readonly kind: 'sap-pm' | 'webhook' | 'email' | 'mqtt' | 'http';
  /** `<kind>:<name>` as `DataGovernance.mayLeave` expects it (`erp:<name>` for SAP). */
  readonly sink: string;
  /** Where it sends, without credentials (health). */
  readonly target: string;
  /** Receives work-order changes (not only rule actions). */
  readonly workOrders: boolean;
  deliver(ctx: DeliveryContext): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}
