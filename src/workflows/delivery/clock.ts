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
