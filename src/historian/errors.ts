/**
 * Coded historian errors. The codes follow the hub's catalogue naming (`GT_*`) so they can move into
 * the shared catalogue unchanged: `GT_CONFIG_INVALID` stops start-up, `GT_BAD_REQUEST` is a caller's
 * mistake (HTTP 400), `GT_HISTORIAN_CLOSED` and `GT_INTERNAL` are the historian's own state.
 */
export type HistorianErrorCode = 'GT_CONFIG_INVALID' | 'GT_BAD_REQUEST' | 'GT_HISTORIAN_CLOSED' | 'GT_INTERNAL';

export class HistorianError extends Error {
  constructor(
    readonly code: HistorianErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HistorianError';
  }
}
