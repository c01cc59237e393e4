import type { SampleBatch } from '../../src/model/sample.js';
import type { HubEvent, Sink } from '../../src/pipeline/types.js';

/** A sink that keeps every row (the narrow `Sink` interface; the catalog is a real historian). */
export function recordingSink() {
  const rows: { key: number; sourceTs: number; serverTs: number; value: number | string | null; status: number }[] = [];
  const sink = {
    name: 'recorder',
    write(b: SampleBatch) {
      for (let i = 0; i < b.length; i++) {
        rows.push({
          key: b.tagKey[i] as number,
          sourceTs: b.sourceTs[i] as number,
          serverTs: b.serverTs[i] as number,
          value: b.valueAt(i),
          status: b.status[i] as number,
        });
      }
    },
    flush: async () => undefined,
    close: async () => undefined,
  } satisfies Sink;
  return { sink, rows };
}

export function eventLog() {
  const events: HubEvent[] = [];
  return { events, sink: { emit: (e: HubEvent) => events.push(e) } };
}
