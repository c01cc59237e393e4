import type { Logger } from 'pino';
import { z } from 'zod';
import type { LatestValue } from '../historian/types.js';
import type { SampleBatch } from '../model/sample.js';
import { statusName } from '../model/status.js';
import type { TagRecord } from '../model/tag.js';

/** The part of a WebSocket the live hub uses (the `ws` socket satisfies it). */
export interface LiveSocket {
  send(data: string): void;
  /** Bytes queued in the socket but not yet sent: how far behind the client is. */
  readonly bufferedAmount: number;
  close(code?: number, reason?: string): void;
}

/** What the live hub needs from the hub: the catalog, latest values and the live batch feed. */
export interface LiveFeed {
  listTags(): Promise<TagRecord[]>;
  latest(tagKeys: readonly number[]): Promise<LatestValue[]>;
  listen(fn: (batch: SampleBatch) => void): () => void;
}

export interface LiveOptions {
  /** How often queued values are sent to each client (≥ 1 Hz for the dashboard). */
  flushIntervalMs?: number;
  /** Values queued per client; beyond it the oldest are dropped and the client is told. */
  maxQueue?: number;
  /** A client whose socket holds more unsent bytes than this is skipped until it catches up. */
  maxBufferedBytes?: number;
  /** Most tags one client may subscribe to. */
  maxTagsPerClient?: number;
  log: Logger;
}

/** One value as the live API sends it. */
export interface LiveValue {
  tag: string;
  /** Source timestamp, epoch ms. */
  ts: number;
  value: number | string | null;
  statusCode: number;
  status: string;
}

/** Messages a client may send, validated at the edge. */
export const LiveRequest = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('subscribe'),
      tags: z.array(z.string().min(1)).max(10_000).optional(),
      assets: z.array(z.string().min(1)).max(1000).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('unsubscribe'),
      tags: z.array(z.string().min(1)).optional(),
      assets: z.array(z.string().min(1)).optional(),
    })
    .strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type LiveRequest = z.infer<typeof LiveRequest>;

const REFRESH_TAGS_MS = 2000;

/**
 * Streams value changes to WebSocket clients. One pipeline listener feeds every client: each row of a
 * batch is looked up in an index tag key → subscribed clients and appended to those clients' bounded
 * queues, so a batch costs O(rows) whatever the number of clients and the hub never waits on a
 * socket. A timer sends each queue every `flushIntervalMs`. A slow client (its socket's unsent bytes
 * above `maxBufferedBytes`) is skipped; its queue stays bounded by dropping the oldest values, and the
 * next message it gets is `{ type: "missed", count, from, to }`.
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly byKey = new Map<number, Set<LiveClient>>();
  private tagsByKey = new Map<number, TagRecord>();
  private tagsById = new Map<string, TagRecord>();
  private tagsLoadedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly unlisten: () => void;
  private readonly timer: NodeJS.Timeout;
  readonly flushIntervalMs: number;
  readonly maxQueue: number;
  readonly maxBufferedBytes: number;
  readonly maxTagsPerClient: number;
  private readonly log: Logger;

  constructor(
    private readonly feed: LiveFeed,
    opts: LiveOptions,
  ) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 250;
    this.maxQueue = opts.maxQueue ?? 20_000;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 1 << 20;
    this.maxTagsPerClient = opts.maxTagsPerClient ?? 50_000;
    this.log = opts.log;
    this.unlisten = feed.listen((b) => this.onBatch(b));
    this.timer = setInterval(() => this.flushAll(), this.flushIntervalMs);
    this.timer.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Registers a socket; feed its text messages to `client.receive`, and call `client.close()` on close.
   * `allows` limits the tags the client may see (a scoped principal's asset paths); default: all.
   */
  connect(socket: LiveSocket, allows: (tagId: string) => boolean = () => true): LiveClient {
    const c = new LiveClient(this, socket, allows);
    this.clients.add(c);
    c.sendNow({ type: 'hello', flushIntervalMs: this.flushIntervalMs, maxQueue: this.maxQueue });
    return c;
  }

  close(): void {
    this.unlisten();
    clearInterval(this.timer);
    for (const c of [...this.clients]) c.socket.close(1001, 'hub stopping');
    this.clients.clear();
    this.byKey.clear();
  }

  /** Sends every client's queue now (the timer does this every `flushIntervalMs`). */
  flushAll(): void {
    for (const c of this.clients) c.flush();
  }

  private onBatch(batch: SampleBatch): void {
    if (this.byKey.size === 0) return;
    let unknown = false;
    for (let i = 0; i < batch.length; i++) {
      const key = batch.tagKey[i] as number;
      const subs = this.byKey.get(key);
      if (!subs) {
        if (!this.tagsByKey.has(key)) unknown = true;
        continue;
      }
      const tag = this.tagsByKey.get(key);
      if (!tag) continue;
      const status = batch.status[i] as number;
      const v: LiveValue = {
        tag: tag.id,
        ts: batch.sourceTs[i] as number,
        value: batch.valueAt(i),
        statusCode: status >>> 0,
        status: statusName(status),
      };
      for (const c of subs) c.enqueue(v);
    }
    // A tag registered after a client subscribed to its asset: pick it up.
    if (unknown && Date.now() - this.tagsLoadedAt > REFRESH_TAGS_MS) void this.refreshTags();
  }

  /** Reloads the tag catalog and adds new tags to asset subscriptions. */
  refreshTags(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const tags = await this.feed.listTags();
        this.tagsByKey = new Map(tags.map((t) => [t.key, t]));
        this.tagsById = new Map(tags.map((t) => [t.id, t]));
        this.tagsLoadedAt = Date.now();
        for (const c of this.clients) {
          for (const prefix of c.assets) {
            for (const t of this.tagsUnder(prefix)) if (c.allows(t.id)) this.index(c, t.key);
          }
        }
      } catch (err) {
        this.log.warn({ err }, 'live: reloading the tag catalog failed');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** @internal */
  async subscribe(c: LiveClient, tags: readonly string[], assets: readonly string[]): Promise<void> {
    if (this.tagsLoadedAt === 0 || tags.some((id) => !this.tagsById.has(id))) await this.refreshTags();
    const added: TagRecord[] = [];
    const unknown: string[] = [];
    const forbidden: string[] = [];
    for (const id of tags) {
      const t = this.tagsById.get(id);
      if (t && !c.allows(t.id)) forbidden.push(id);
      else if (t) added.push(t);
      else unknown.push(id);
    }
    const unknownAssets: string[] = [];
    for (const a of assets) {
      const prefix = a.replace(/\/+$/, '');
      const under = this.tagsUnder(prefix).filter((t) => c.allows(t.id));
      if (under.length === 0) unknownAssets.push(a);
      c.assets.add(prefix);
      added.push(...under);
    }
    const fresh = added.filter((t) => !c.keys.has(t.key));
    if (c.keys.size + fresh.length > this.maxTagsPerClient) {
      c.sendNow({
        type: 'error',
        code: 'GT_BAD_REQUEST',
        message: `subscription would hold ${c.keys.size + fresh.length} tags; at most ${this.maxTagsPerClient} per connection`,
      });
      return;
    }
    for (const t of fresh) this.index(c, t.key);
    for (const id of tags) {
      const t = this.tagsById.get(id);
      if (t) c.explicit.add(t.key);
    }
    c.sendNow({
      type: 'subscribed',
      tags: fresh.map((t) => t.id),
      total: c.keys.size,
      ...(unknown.length > 0 ? { unknownTags: unknown } : {}),
      ...(forbidden.length > 0 ? { forbiddenTags: forbidden } : {}),
      ...(unknownAssets.length > 0 ? { unknownAssets } : {}),
    });
    // A snapshot of the latest values, so the page shows every subscribed tag at once.
    if (fresh.length > 0) {
      const latest = await this.feed.latest(fresh.map((t) => t.key));
      const values: LiveValue[] = [];
      for (const l of latest) {
        const t = this.tagsByKey.get(l.tagKey);
        if (t)
          values.push({
            tag: t.id,
            ts: l.ts,
            value: l.value,
            statusCode: l.status >>> 0,
            status: statusName(l.status),
          });
      }
      c.sendNow({ type: 'snapshot', values });
    }
  }

  /** @internal */
  unsubscribe(c: LiveClient, tags: readonly string[] | undefined, assets: readonly string[] | undefined): void {
    let removed: number[] = [];
    if (tags === undefined && assets === undefined) {
      removed.push(...c.keys);
      c.assets.clear();
      c.explicit.clear();
    } else {
      const candidates = new Set<number>();
      for (const id of tags ?? []) {
        const t = this.tagsById.get(id);
        if (t && c.keys.has(t.key)) {
          candidates.add(t.key);
          c.explicit.delete(t.key);
        }
      }
      for (const a of assets ?? []) {
        const prefix = a.replace(/\/+$/, '');
        c.assets.delete(prefix);
        for (const t of this.tagsUnder(prefix)) if (c.keys.has(t.key)) candidates.add(t.key);
      }
      // A tag still wanted by name or under another subscribed asset stays.
      removed = [...candidates].filter((k) => {
        if (c.explicit.has(k)) return false;
        const t = this.tagsByKey.get(k);
        return !t || ![...c.assets].some((p) => t.assetPath === p || t.id.startsWith(`${p}/`));
      });
    }
    for (const k of removed) this.unindex(c, k);
    c.sendNow({
      type: 'unsubscribed',
      tags: removed.map((k) => this.tagsByKey.get(k)?.id ?? String(k)),
      total: c.keys.size,
    });
  }

  /** @internal */
  drop(c: LiveClient): void {
    for (const k of c.keys) this.unindex(c, k);
    this.clients.delete(c);
  }

  private tagsUnder(prefix: string): TagRecord[] {
    const out: TagRecord[] = [];
    for (const t of this.tagsByKey.values()) {
      if (t.assetPath === prefix || t.assetPath.startsWith(`${prefix}/`) || t.id.startsWith(`${prefix}/`)) out.push(t);
    }
    return out;
  }

  private index(c: LiveClient, key: number): void {
    c.keys.add(key);
    let s = this.byKey.get(key);
    if (!s) {
      s = new Set();
      this.byKey.set(key, s);
    }
    s.add(c);
  }

  private unindex(c: LiveClient, key: number): void {
    c.keys.delete(key);
    const s = this.byKey.get(key);
    if (!s) return;
    s.delete(c);
    if (s.size === 0) this.byKey.delete(key);
  }
}

/** One connected client: its subscriptions and its bounded queue (a ring buffer). */
export class LiveClient {
  readonly keys = new Set<number>();
  /** Keys subscribed by tag id (as opposed to through an asset). */
  readonly explicit = new Set<number>();
  readonly assets = new Set<string>();
  private readonly ring: (LiveValue | undefined)[];
  private head = 0;
  private size = 0;
  private missed = 0;
  private missedFrom = 0;
  private missedTo = 0;
  private closed = false;

  constructor(
    private readonly hub: LiveHub,
    readonly socket: LiveSocket,
    /** Whether this client may see a tag (its principal's scope). */
    readonly allows: (tagId: string) => boolean,
  ) {
    this.ring = new Array(hub.maxQueue);
  }

  /** Values waiting to be sent. */
  get queued(): number {
    return this.size;
  }

  /** Handles one text message from the client; answers errors on the socket, never throws. */
  async receive(raw: string): Promise<void> {
    let msg: LiveRequest;
    try {
      const parsed = LiveRequest.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'message';
        this.sendNow({
          type: 'error',
          code: 'GT_BAD_REQUEST',
          message: `${where}: ${issue?.message ?? 'invalid'}; send {"type":"subscribe","tags":[…]} or {"type":"subscribe","assets":[…]}`,
        });
        return;
      }
      msg = parsed.data;
    } catch {
      this.sendNow({ type: 'error', code: 'GT_BAD_REQUEST', message: 'message is not JSON' });
      return;
    }
    if (msg.type === 'ping') this.sendNow({ type: 'pong', ts: Date.now() });
    else if (msg.type === 'subscribe') await this.hub.subscribe(this, msg.tags ?? [], msg.assets ?? []);
    else this.hub.unsubscribe(this, msg.tags, msg.assets);
  }

  /** @internal Called by the hub for each value of a subscribed tag. O(1), never blocks. */
  enqueue(v: LiveValue): void {
    const cap = this.ring.length;
    if (this.size === cap) {
      const oldest = this.ring[this.head] as LiveValue;
      if (this.missed === 0) this.missedFrom = oldest.ts;
      this.missed++;
      this.missedTo = Math.max(this.missedTo, oldest.ts);
      this.ring[this.head] = v;
      this.head = (this.head + 1) % cap;
      return;
    }
    this.ring[(this.head + this.size) % cap] = v;
    this.size++;
  }

  /** Sends what is queued unless the socket is still behind. */
  flush(): void {
    if (this.closed || this.size === 0) return;
    if (this.socket.bufferedAmount > this.hub.maxBufferedBytes) return;
    if (this.missed > 0) {
      this.sendNow({
        type: 'missed',
        count: this.missed,
        from: this.missedFrom,
        to: this.missedTo,
        message: `${this.missed} value change(s) were dropped because this client read too slowly; reload history for that range`,
      });
      this.missed = 0;
      this.missedTo = 0;
    }
    const values: LiveValue[] = new Array(this.size);
    const cap = this.ring.length;
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) % cap;
      values[i] = this.ring[j] as LiveValue;
      this.ring[j] = undefined;
    }
    this.head = 0;
    this.size = 0;
    this.sendNow({ type: 'values', values });
  }

  /** @internal */
  sendNow(msg: object): void {
    if (this.closed) return;
    try {
      this.socket.send(JSON.stringify(msg));
    } catch {
      this.close();
    }
  }

  /** Forgets the client (call on socket close). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.drop(this);
  }
}
