import { useSyncExternalStore } from 'react';

/**
 * Hash routing (`#/machine/acme/zurich/…`): the hub serves one index.html at `/` and needs no
 * server-side fallback; every view has a URL that can be bookmarked and shared.
 */
export interface Route {
  /** First segment: `overview`, `machine`, `tags`, `connections`, … */
  page: string;
  /** The rest of the path, e.g. an asset path. */
  rest: string;
  params: URLSearchParams;
}

function parse(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = h.split('?');
  const [page = '', ...rest] = path.split('/');
  return {
    page: page || 'overview',
    rest: rest.map(decodeURIComponent).join('/'),
    params: new URLSearchParams(search),
  };
}

let current = parse(location.hash);
window.addEventListener('hashchange', () => {
  current = parse(location.hash);
});

export function useRoute(): Route {
  return useSyncExternalStore(
    (fn) => {
      window.addEventListener('hashchange', fn);
      return () => window.removeEventListener('hashchange', fn);
    },
    () => current,
  );
}

export function href(page: string, rest = '', params?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const qs = q.toString();
  return `#/${page}${rest ? `/${rest}` : ''}${qs ? `?${qs}` : ''}`;
}

/** Replaces query parameters of the current route without adding a history entry. */
export function replaceParams(params: Record<string, string | undefined>): void {
  const r = current;
  const next = new URLSearchParams(r.params);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') next.delete(k);
    else next.set(k, v);
  }
  const qs = next.toString();
  history.replaceState(null, '', `#/${r.page}${r.rest ? `/${r.rest}` : ''}${qs ? `?${qs}` : ''}`);
  current = parse(location.hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
