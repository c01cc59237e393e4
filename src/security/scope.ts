import type { HubEvent } from '../pipeline/types.js';
import { inScope, type Principal } from './types.js';

/** Keys of `HubEvent.details` that name a tag id or an asset path (as the emitters write them). */
const PATH_KEYS = ['tagId', 'tag', 'asset', 'assetPath', 'machine'] as const;

/** The tag ids and asset paths an event is about, from its details. */
export function eventPaths(e: Pick<HubEvent, 'details'>): string[] {
  const d = e.details;
  if (!d) return [];
  const out: string[] = [];
  for (const k of PATH_KEYS) {
    const v = d[k];
    if (typeof v === 'string' && v !== '') out.push(v);
  }
  if (Array.isArray(d.tags)) for (const t of d.tags) if (typeof t === 'string') out.push(t);
  return out;
}

/**
 * Whether a scoped principal may see a hub event. An event that names tags or assets is visible
 * when one of them lies in the scope; one that names none but a source is visible when that source
 * delivers at least one tag in the scope (its connection state concerns the principal's assets);
 * an event naming neither (hub start, configuration) is about the hub as a whole and visible.
 * Unscoped principals see everything.
 */
export function eventVisibleTo(
  p: Pick<Principal, 'scope'> | undefined,
  e: Pick<HubEvent, 'details' | 'source'>,
  sourceInScope: (source: string) => boolean,
): boolean {
  if (!p || p.scope.length === 0) return true;
  const paths = eventPaths(e);
  if (paths.length > 0) return paths.some((x) => inScope(p, x));
  if (e.source !== undefined) return sourceInScope(e.source);
  return true;
}

/**
 * Whether a scoped principal may read an audit entry: its own actions, and actions whose target
 * (or the tag, asset or machine in the details) lies inside its scope. The rest of the log (other
 * lines, hub-wide trust, other accounts) is for admins without scope.
 */
export function auditVisibleTo(
  p: Pick<Principal, 'scope' | 'kind' | 'name'> | undefined,
  e: { actor: string; target?: string; details?: Record<string, unknown> },
): boolean {
  if (!p || p.scope.length === 0) return true;
  if (e.actor === `${p.kind}:${p.name}`) return true;
  const paths = eventPaths(e);
  if (e.target !== undefined) paths.push(e.target);
  return paths.some((x) => inScope(p, x));
}
