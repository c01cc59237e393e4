/**
 * One catalogue of coded errors, in three kinds (see STYLE.md §6):
 * - `config`: bad configuration or input; stops start-up (or, for HTTP, a 400).
 * - `not-connected`: a peer is unreachable; the runtime retries.
 * - `item`: one item failed (a tag, a row); logged, the batch goes on.
 * Messages say what was wrong, where, and what to do.
 */
export type ErrorKind = 'config' | 'not-connected' | 'item' | 'not-found' | 'auth' | 'internal';

export const ERROR_CATALOGUE = {
  GT_CONFIG_INVALID: { kind: 'config', http: 400 },
  GT_CONFIG_FILE: { kind: 'config', http: 400 },
  GT_BAD_REQUEST: { kind: 'config', http: 400 },
  GT_TAG_NOT_FOUND: { kind: 'not-found', http: 404 },
  GT_NOT_FOUND: { kind: 'not-found', http: 404 },
  GT_CERT_UNTRUSTED: { kind: 'not-connected', http: 502 },
  GT_NOT_CONNECTED: { kind: 'not-connected', http: 503 },
  GT_PKI_UNKNOWN_THUMBPRINT: { kind: 'not-found', http: 404 },
  GT_PKI_AMBIGUOUS_THUMBPRINT: { kind: 'config', http: 400 },
  GT_PKI_BAD_CERTIFICATE_FILE: { kind: 'config', http: 400 },
  GT_HISTORIAN_CLOSED: { kind: 'internal', http: 503 },
  GT_COMMAND_FAILED: { kind: 'item', http: 502 },
  GT_UNAUTHENTICATED: { kind: 'auth', http: 401 },
  GT_FORBIDDEN: { kind: 'auth', http: 403 },
  GT_CSRF: { kind: 'auth', http: 403 },
  GT_LOCKED_OUT: { kind: 'auth', http: 429 },
  GT_CONFLICT: { kind: 'config', http: 409 },
  /** A read over its documented cost (src/api/limits.ts): the message names the parameter and the maximum. */
  GT_READ_LIMIT: { kind: 'config', http: 400 },
  /** A principal (or the hub) already runs its share of heavy reads; retry after `Retry-After`. */
  GT_TOO_MANY_READS: { kind: 'item', http: 429 },
  /** A query ran longer than its time budget and was cancelled. */
  GT_READ_TIMEOUT: { kind: 'item', http: 503 },
  GT_INTERNAL: { kind: 'internal', http: 500 },
} as const satisfies Record<string, { kind: ErrorKind; http: number }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class GotthardError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly httpStatus: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GotthardError';
    this.code = code;
    this.kind = ERROR_CATALOGUE[code].kind;
    this.httpStatus = ERROR_CATALOGUE[code].http;
    this.details = details;
  }
}

export function isGotthardError(e: unknown): e is GotthardError {
  return e instanceof GotthardError;
}
