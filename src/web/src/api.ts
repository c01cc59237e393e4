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
  tags: number;
  rejectedTags: number;
  valuesReceived: number;
  lastValueAt?: string;
  /** Last value or keep-alive received. */
  lastContactAt?: string;
  connectedSince?: string;
  reconnects: number;
  lastError?: string;
  /**
   * Per-kind details. opcua: securityMode, securityPolicy, monitoredItems, serverCertificateThumbprint;
   * modbus: unitId, requestsPerPoll, requests, failedReads; mqtt: format, subscriptions, session, tls,
   * authentication, sharedGroup.
   */
  details: Record<string, string | number | boolean>;
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
  if (res.status === 401) window.dispatchEvent(new Event('gotthard:unauthenticated'));
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

/** The session's CSRF token, from the readable `gotthard_csrf` cookie the hub sets at sign-in. */
export function csrfToken(): string {
  const m = /(?:^|;\s*)gotthard_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1] as string) : '';
}

export async function put<T>(path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, {
      method: 'PUT',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'GT_UNREACHABLE', 'the hub is not reachable');
  }
  if (!res.ok) {
    const b = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, b?.error?.code ?? `HTTP_${res.status}`, b?.error?.message ?? res.statusText);
  }
  return (await res.json()) as T;
}

// ---- KPIs (docs/kpi.md) ----

/** Ratios are 0..1; null = not defined (e.g. no planned busy time). */
export interface Kpis {
  availability: number | null;
  effectiveness: number | null;
  quality: number | null;
  oee: number | null;
  oeeUndefinedBecause?: string;
  scrapRatio: number | null;
  setupRatio: number | null;
  technicalEfficiency: number | null;
  mtbfMs: number | null;
  mttrMs: number | null;
  throughputPerHour: number | null;
  pq: number;
  gq: number;
  sq: number;
  kwh: number;
  kwhPerGoodPart: number | null;
  idleKwh: number;
  idleShare: number | null;
  energyCost: number;
  co2eKg: number;
  peakDemandKw: number | null;
  peakDemandAt: string | null;
  unknownShare: number | null;
}

export interface WaterfallStep {
  key: string;
  label: string;
  kind: string;
  ms: number | null;
}

export interface KpiFigure {
  elements: Record<string, number>;
  kpis: Kpis;
  waterfall: WaterfallStep[];
}

export interface KpiSummary extends KpiFigure {
  scope: string;
  from: string;
  to: string;
  shift?: string;
  timezone: string;
  machines: (KpiFigure & { asset: string; role: string })[];
}

export interface KpiRow extends KpiFigure {
  start: string;
  end: string;
  label: string;
  closed: boolean;
}

export interface ParetoRow {
  key: string;
  label: string;
  loss: string;
  lostMs: number;
  count: number;
  cumulativeShare: number;
}

export interface Reason {
  id: string;
  name: string;
  loss: string;
  path: string[];
  leaf: boolean;
}

export interface Stop {
  machine: string;
  start: string;
  end: string;
  ongoing: boolean;
  state: string;
  value: number | null;
  lostMs: number;
  loss: string;
  reason?: string;
}

export interface KpiTimeline {
  machine: string;
  from: string;
  to: string;
  tags: Record<string, string>;
  states: {
    from: string;
    to: string;
    state: string;
    value: number | null;
    since: string;
    unknownCause?: string;
    reason?: string;
  }[];
  calendar: { from: string; to: string; kind: string; shiftId?: string }[];
  parts: { ts: string; good: number; scrap: number; prt: number | null; excluded: boolean; kind?: string }[];
  energy: { start: string; kwh: number; avgKw: number }[];
}

/** A KPI range: `shift` (current, previous, <date>/<name>), `day`, or from/to. */
export interface KpiRange {
  shift?: string;
  day?: string;
  from?: string;
  to?: string;
}

export const kpiApi = {
  summary: (asset: string, r: KpiRange, signal?: AbortSignal) =>
    get<KpiSummary>(`/kpi/summary${query({ asset, ...r })}`, signal),
  series: (asset: string, period: string, from: string, to: string, signal?: AbortSignal) =>
    get<{ scope: string; period: string; rows: KpiRow[] }>(`/kpi/series${query({ asset, period, from, to })}`, signal),
  pareto: (asset: string, r: KpiRange, signal?: AbortSignal) =>
    get<{ rows: ParetoRow[] }>(`/kpi/pareto${query({ asset, ...r })}`, signal),
  stops: (asset: string, r: KpiRange, signal?: AbortSignal) =>
    get<{ stops: Stop[] }>(`/kpi/stops${query({ asset, ...r })}`, signal),
  reasons: (signal?: AbortSignal) => get<{ reasons: Reason[] }>('/kpi/reasons', signal),
  setReason: (machine: string, start: string, reason: string | null) =>
    put<{ ok: boolean }>('/kpi/stops/reason', { machine, start, reason }),
  timeline: (machine: string, r: KpiRange, signal?: AbortSignal) =>
    get<KpiTimeline>(`/kpi/timeline${query({ machine, ...r })}`, signal),
  exportUrl: (asset: string, period: string, from: string, to: string) =>
    `${API}/kpi/export${query({ asset, period, from, to })}`,
};

// ---- Predictive maintenance (docs/pdm.md) ----

export interface MachineHealth {
  machine: string;
  ts: string;
  state: number | null;
  stateName: string | null;
  risk: number;
  healthIndex: number;
  anomalyScore: number | null;
  anomalyOpen: boolean;
  baselineReady: boolean;
  contributors: { signal: string; z: number; value: number; expected: number; expectedStd: number }[];
  rul: { mode: string; hours: number; low: number; high: number; wear: number; ratePerHour: number }[];
  tags: Record<string, string>;
}

export interface PdmEvent {
  ts: string;
  kind: string;
  severity: string;
  message: string;
  details?: Record<string, unknown>;
}

export const pdmApi = {
  machines: (asset = '', signal?: AbortSignal) =>
    get<{ machines: MachineHealth[] }>(`/pdm/machines${query({ asset })}`, signal),
  machine: (path: string, events = 100, signal?: AbortSignal) =>
    get<{ health: MachineHealth; events: PdmEvent[] }>(`/pdm/machine${query({ path, events })}`, signal),
  events: (machine: string | undefined, limit = 500, signal?: AbortSignal) =>
    get<{ events: PdmEvent[] }>(`/pdm/events${query({ machine, limit })}`, signal),
};
