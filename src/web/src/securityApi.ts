/** Typed access to the governance, audit and trust routes (docs/governance.md, docs/audit.md). */
import { API, ApiError, csrfToken, get, query } from './api';

export interface CatalogSink {
  sink: string;
  flows: boolean;
  reason?: string;
}

export interface CatalogQuality {
  samples: number;
  badOrUncertain: number;
  badShare: number;
  gaps: number;
  buckets: number;
  lastTs?: string;
  stale: boolean;
  flatline: boolean;
  outOfRange: number;
  min?: number;
  max?: number;
}

export interface CatalogTag {
  id: string;
  name: string;
  assetPath: string;
  dataType: string;
  unit?: string;
  euRange?: { low: number; high: number };
  lineage: { source: string; endpoint: string; nodeId: string; browsePath?: string };
  classification: string;
  owner?: string;
  retentionClass: string;
  sinks: CatalogSink[];
  quality: CatalogQuality;
}

export interface AuditEntry {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target?: string;
  outcome: 'ok' | 'refused' | 'failed';
  reason?: string;
  details?: Record<string, unknown>;
  ip?: string;
  hash: string;
  prev: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  head: string;
  problems: { entry: number; kind: string; message: string }[];
}

export interface PkiCert {
  status: string;
  subject: string;
  thumbprint: string;
  notBefore: string;
  notAfter: string;
  expired: boolean;
  applicationUri?: string;
}

export interface PkiState {
  own: {
    subject: string;
    thumbprint: string;
    notBefore: string;
    notAfter: string;
    daysLeft: number;
    applicationUri: string;
  };
  certificates: PkiCert[];
  issuers: PkiCert[];
  crls: { target: string; file: string; bytes: number; modifiedAt: string }[];
}

/** A state-changing request with the session's CSRF token. */
export async function send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        'x-csrf-token': csrfToken(),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
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

export const securityApi = {
  catalog: (window: string, signal?: AbortSignal) =>
    get<{ window: { from: string; to: string }; sinks: string[]; tags: CatalogTag[] }>(
      `/catalog${query({ window })}`,
      signal,
    ),
  audit: (
    f: { actor?: string; action?: string; outcome?: string; from?: string; to?: string; limit?: number },
    signal?: AbortSignal,
  ) => get<{ entries: AuditEntry[]; total: number; matched: number }>(`/audit${query({ limit: 500, ...f })}`, signal),
  verify: (signal?: AbortSignal) => get<AuditVerification>('/audit/verify', signal),
  exportUrl: (format: 'jsonl' | 'csv', f: { actor?: string; action?: string; outcome?: string }) =>
    `${API}/audit/export${query({ format, ...f })}`,
  pki: (signal?: AbortSignal) => get<PkiState>('/pki', signal),
  trust: (thumbprint: string) => send<PkiCert>('POST', `/pki/certificates/${thumbprint}/trust`),
  reject: (thumbprint: string) => send<PkiCert>('POST', `/pki/certificates/${thumbprint}/reject`),
  remove: (thumbprint: string) => send<PkiCert>('DELETE', `/pki/certificates/${thumbprint}`),
  upload: (pem: string) => send<PkiCert>('POST', '/pki/certificates', { pem }),
  addIssuer: (pem: string, trust: boolean) => send<PkiCert>('POST', '/pki/issuers', { pem, trust }),
  addCrl: (pem: string, target: 'issuers' | 'trusted') =>
    send<{ status: string }>('POST', '/pki/crls', { pem, target }),
  renew: (validityDays: number) => send<{ previous: string }>('POST', '/pki/own/renew', { validityDays }),
};
