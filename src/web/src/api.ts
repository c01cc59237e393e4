/** Typed access to the hub's REST API (/api/v1). Same origin: the hub serves this app. */

export const API = '/api/v1';

export interface Lineage {
  source: string;
  endpoint: string;
  nodeId: string;
  browsePath?: string;
}

export interface Tag {
  id: string;
  assetPath: string;
  name: string;
  description?: string;
  dataType: string;
  unit?: string;
  euRange?: { low: number; high: number };
  retentionClass?: string;
  lineage: Lineage;
}

export interface AssetNode {
  path: string;
  id: string;
  name: string;
  level: string;
  description?: string;
  tagCount: number;
  children: AssetNode[];
}

export interface LatestValue {
  tagId: string;
  unit?: string;
  ts: string;
  serverTs: string;
  value: number | string | null;
  statusCode: number;
  status: string;
}

export interface TrendSeries {
  tagId: string;
  name: string;
  unit?: string;
  dataType: string;
  interpolation: 'linear' | 'step';
  t: number[];
  v: (number | null)[];
}

export interface TrendReply {
  from: number;
  to: number;
  bucketMs: number;
  series: TrendSeries[];
}

export interface HubEvent {
  ts: string;
  kind: string;
  severity: string;
  message: string;
  source?: string;
  details?: Record<string, unknown>;
}

export interface Connection {
  name: string;
  kind: string;
  endpoint: string;
  state: string;
  securityMode: string;
  securityPolicy: string;
  serverCertificateThumbprint?: string;
  tags: number;
  rejectedTags: number;
  monitoredItems: number;
  valuesReceived: number;
  lastValueAt?: string;
  connectedSince?: string;
  reconnects: number;
  lastError?: string;
  certificate?: {
    thumbprint: string;
    trust: 'trusted' | 'rejected' | 'unknown';
    subject?: string;
    notAfter?: string;
    expired?: boolean;
  };
  events: HubEvent[];
}

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  startedAt: string;
  uptimeS: number;
  sources: Omit<Connection, 'certificate' | 'events'>[];
  ingest: { valuesPerSecond: number; totalValues: number };
  historian: { accepted: number; persisted: number; backlog: number; diskBytes: number };
}

export interface Site {
  path: string;
  id: string;
  name: string;
  timezone: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, { signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'GT_UNREACHABLE', 'the hub is not reachable');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText);
  }
  return (await res.json()) as T;
}

export function query(params: Record<string, string | number | undefined | readonly string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  assets: (signal?: AbortSignal) => get<AssetNode>('/assets', signal),
  tags: (params: { q?: string; asset?: string; limit?: number } = {}, signal?: AbortSignal) =>
    get<{ total: number; tags: Tag[] }>(`/tags${query({ limit: 10000, ...params })}`, signal),
  latest: (params: { asset?: string; tag?: readonly string[] }, signal?: AbortSignal) =>
    get<{ values: LatestValue[] }>(`/values/latest${query(params)}`, signal),
  trend: (tags: readonly string[], from: number, to: number, maxPoints: number, signal?: AbortSignal) =>
    get<TrendReply>(`/trend${query({ tag: tags, from, to, maxPoints })}`, signal),
  health: (signal?: AbortSignal) => get<Health>('/health', signal),
  connections: (signal?: AbortSignal) => get<{ connections: Connection[] }>('/connections', signal),
  sites: (signal?: AbortSignal) => get<{ sites: Site[] }>('/sites', signal),
  events: (limit = 200, signal?: AbortSignal) => get<{ events: HubEvent[] }>(`/events${query({ limit })}`, signal),
  exportUrl: (tags: readonly string[], from: number | string, to: number | string, tz?: string) =>
    `${API}/history/export${query({ tag: tags, from, to, tz })}`,
};
