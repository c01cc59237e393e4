import { useEffect, useState, useSyncExternalStore } from 'react';
import { API } from './api';

/** One live value from the hub (see docs/dashboard.md, "Live API"). */
export interface LiveValue {
  tag: string;
  ts: number;
  value: number | string | null;
  statusCode: number;
  status: string;
}

export type LinkState = 'connecting' | 'open' | 'closed';

export interface LinkStatus {
  state: LinkState;
  /** When the link went down (epoch ms), while it is down. */
  downSince?: number;
  /** Value changes the hub dropped for this page because it read too slowly. */
  missed: number;
  /** Last message from the hub (epoch ms). */
  lastMessageAt?: number;
}

type Listener = (values: readonly LiveValue[]) => void;

/**
 * The page's one WebSocket to /api/v1/live. Components subscribe to tags or assets with reference
 * counts; the link reconnects by itself with backoff (0.5 s doubling to 5 s) and re-subscribes
 * everything, so a hub restart or a network cut heals without a reload.
 */
export class LiveLink {
  private ws: WebSocket | undefined;
  private readonly tagRefs = new Map<string, number>();
  private readonly assetRefs = new Map<string, number>();
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<() => void>();
  readonly latest = new Map<string, LiveValue>();
  private backoff = 500;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  status: LinkStatus = { state: 'connecting', missed: 0 };

  constructor(private readonly url: string) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  private setStatus(patch: Partial<LinkStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const l of this.statusListeners) l();
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.backoff = 500;
      this.setStatus({ state: 'open', downSince: undefined });
      const tags = [...this.tagRefs.keys()];
      const assets = [...this.assetRefs.keys()];
      if (tags.length || assets.length) this.send({ type: 'subscribe', tags, assets });
    };
    ws.onmessage = (ev) => this.onMessage(String(ev.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.setStatus({ state: 'closed', downSince: this.status.downSince ?? Date.now() });
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.setStatus({ state: 'connecting' });
        this.open();
      }, this.backoff);
      this.backoff = Math.min(5000, this.backoff * 2);
    };
  }

  private onMessage(raw: string): void {
    let msg: { type: string; values?: LiveValue[]; count?: number };
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    const now = Date.now();
    if (msg.type === 'values' || msg.type === 'snapshot') {
      const values = msg.values ?? [];
      for (const v of values) {
        const prev = this.latest.get(v.tag);
        if (!prev || prev.ts <= v.ts) this.latest.set(v.tag, v);
      }
      for (const l of this.listeners) l(values);
    } else if (msg.type === 'missed') {
      this.setStatus({ missed: this.status.missed + (msg.count ?? 0) });
    }
    this.status.lastMessageAt = now;
  }

  private send(msg: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Subscribes to tags and/or assets; returns the matching unsubscribe. */
  subscribe(tags: readonly string[], assets: readonly string[] = []): () => void {
    const newTags = tags.filter((t) => inc(this.tagRefs, t) === 1);
    const newAssets = assets.filter((a) => inc(this.assetRefs, a) === 1);
    if (newTags.length || newAssets.length) this.send({ type: 'subscribe', tags: newTags, assets: newAssets });
    return () => {
      const goneTags = tags.filter((t) => dec(this.tagRefs, t) === 0);
      const goneAssets = assets.filter((a) => dec(this.assetRefs, a) === 0);
      if (goneTags.length || goneAssets.length) this.send({ type: 'unsubscribe', tags: goneTags, assets: goneAssets });
    };
  }

  onValues(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn: () => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }
}

function inc(m: Map<string, number>, k: string): number {
  const n = (m.get(k) ?? 0) + 1;
  m.set(k, n);
  return n;
}

function dec(m: Map<string, number>, k: string): number {
  const n = (m.get(k) ?? 0) - 1;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
  return Math.max(0, n);
}

export const link = new LiveLink(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API}/live`);

export function useLinkStatus(): LinkStatus {
  return useSyncExternalStore(
    (fn) => link.onStatus(fn),
    () => link.status,
  );
}

/**
 * Latest live values of the given tags and/or assets, re-rendered at most every `throttleMs`
 * (the hub sends at 4 Hz; the page paints ≥ 1 Hz). Returns the link's map of latest values.
 */
export function useLive(
  tags: readonly string[],
  assets: readonly string[] = [],
  throttleMs = 250,
): Map<string, LiveValue> {
  const [, setTick] = useState(0);
  const key = `${tags.join('|')}#${assets.join('|')}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for tags and assets
  useEffect(() => {
    if (tags.length === 0 && assets.length === 0) return;
    const watched = new Set(tags);
    const prefixes = assets.map((a) => `${a}/`);
    let pending: ReturnType<typeof setTimeout> | undefined;
    const off = link.onValues((values) => {
      if (pending) return;
      if (!values.some((v) => watched.has(v.tag) || prefixes.some((p) => v.tag.startsWith(p)))) return;
      pending = setTimeout(() => {
        pending = undefined;
        setTick((n) => n + 1);
      }, throttleMs);
    });
    const unsub = link.subscribe(tags, assets);
    return () => {
      off();
      unsub();
      clearTimeout(pending);
    };
  }, [key, throttleMs]);
  return link.latest;
}
