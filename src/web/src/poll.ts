import { useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  value?: T;
  error?: string;
  /** Fetch again now (after a change made on the page). */
  refresh(): void;
}

/**
 * Fetches `load` now and every `everyMs` (0 = once) while `key` stays the same; a new key aborts
 * the request in flight and starts again. The last good value stays while a later poll fails.
 */
export function usePoll<T>(key: string, load: (signal: AbortSignal) => Promise<T>, everyMs: number): Polled<T> {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for the request; tick forces a refetch
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const v = await loader.current(ctl.signal);
        if (ctl.signal.aborted) return;
        setValue(v);
        setError(undefined);
      } catch (e) {
        if (ctl.signal.aborted || (e as Error).name === 'AbortError') return;
        setError((e as Error).message);
      }
      if (everyMs > 0 && !ctl.signal.aborted) timer = setTimeout(run, everyMs);
    };
    void run();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [key, everyMs, tick]);
  // A different key shows nothing stale from the previous one.
  const seen = useRef(key);
  if (seen.current !== key) {
    seen.current = key;
    if (value !== undefined) setValue(undefined);
  }
  return { value, error, refresh: () => setTick((n) => n + 1) };
}
