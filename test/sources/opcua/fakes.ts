import type { SampleBatch } from '../../../src/model/sample.js';
import type { TagCatalog, TagDefinition } from '../../../src/model/tag.js';
import type { EventSink, HubEvent, Sink } from '../../../src/pipeline/types.js';

export interface Row {
  tag: string;
  sourceTs: number;
  serverTs: number;
  value: number | string | null;
  status: number;
}

/** In-memory catalog + sink + events, behind the hub's narrow interfaces. */
export class Recorder {
  readonly defs: TagDefinition[] = [];
  readonly rows: Row[] = [];
  readonly events: HubEvent[] = [];

  readonly catalog = {
    register: async (defs: readonly TagDefinition[]) =>
      defs.map((d) => {
        const i = this.defs.findIndex((x) => x.id === d.id);
        if (i >= 0) return i;
        this.defs.push(d);
        return this.defs.length - 1;
      }),
  } satisfies TagCatalog;

  readonly sink = {
    name: 'recorder',
    write: (b: SampleBatch) => {
      for (let i = 0; i < b.length; i++) {
        this.rows.push({
          tag: this.defs[b.tagKey[i] as number]?.id ?? '?',
          sourceTs: b.sourceTs[i] as number,
          serverTs: b.serverTs[i] as number,
          value: b.valueAt(i),
          status: b.status[i] as number,
        });
      }
    },
    flush: async () => {},
    close: async () => {},
  } satisfies Sink;

  readonly eventSink = { emit: (e: HubEvent) => this.events.push(e) } satisfies EventSink;

  rowsOf(tag: string): Row[] {
    return this.rows.filter((r) => r.tag === tag);
  }

  async waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const t0 = Date.now();
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
