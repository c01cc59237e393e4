/**
 * Time as the delivery runtime sees it. Injected so a test can let an hour of ERP outage pass in
 * milliseconds; the hub uses the system clock.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once after `ms` (of this clock's time); the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, Math.min(ms, 2_147_483_647)));
    t.unref();
    return () => clearTimeout(t);
  },
};

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between 50 % and 100 % of
 * min(maxDelay, initialDelay · 2^(n−1)), so hubs that lost the same ERP do not retry in lockstep,
 * and a retry never comes sooner than half the nominal delay.
 */
export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const nominal = Math.min(p.maxDelayMs, p.initialDelayMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
