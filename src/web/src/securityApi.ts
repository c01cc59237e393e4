/** Typed access to the governance, audit and trust routes (docs/governance.md, docs/audit.md). */
import { API, ApiError, call, client, csrfToken, type paths, query, type Reply } from './api';

export type CatalogTag = Reply<'/api/v1/catalog'>['tags'][number];
export type CatalogSink = CatalogTag['sinks'][number];
export type CatalogQuality = CatalogTag['quality'];
export type AuditEntry = Reply<'/api/v1/audit'>['entries'][number];
export type AuditVerification = Reply<'/api/v1/audit/verify'>;
export type PkiState = Reply<'/api/v1/pki'>;
export type PkiCert = PkiState['certificates'][number];

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

type AuditFilter = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;

export const securityApi = {
  catalog: (window: string, signal?: AbortSignal) =>
    call(client.GET('/api/v1/catalog', { params: { query: { window } }, signal })),
  audit: (f: Omit<AuditFilter, 'limit'> & { limit?: number }, signal?: AbortSignal) =>
    call(client.GET('/api/v1/audit', { params: { query: { limit: 500, ...f } }, signal })),
  verify: (signal?: AbortSignal) => call(client.GET('/api/v1/audit/verify', { signal })),
  exportUrl: (format: 'jsonl' | 'csv', f: { actor?: string; action?: string; outcome?: string }) =>
    `${API}/audit/export${query({ format, ...f })}`,
  pki: (signal?: AbortSignal) => call(client.GET('/api/v1/pki', { signal })),
  trust: (thumbprint: string) =>
    call(client.POST('/api/v1/pki/certificates/{thumbprint}/trust', { params: { path: { thumbprint } } })),
  reject: (thumbprint: string) =>
    call(client.POST('/api/v1/pki/certificates/{thumbprint}/reject', { params: { path: { thumbprint } } })),
  remove: (thumbprint: string) =>
    call(client.DELETE('/api/v1/pki/certificates/{thumbprint}', { params: { path: { thumbprint } } })),
  upload: (pem: string) => call(client.POST('/api/v1/pki/certificates', { body: { pem } })),
  addIssuer: (pem: string, trust: boolean) => call(client.POST('/api/v1/pki/issuers', { body: { pem, trust } })),
  addCrl: (pem: string, target: 'issuers' | 'trusted') =>
    call(client.POST('/api/v1/pki/crls', { body: { pem, target } })),
  renew: (validityDays: number) => call(client.POST('/api/v1/pki/own/renew', { body: { validityDays } })),
};
