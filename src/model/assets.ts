import type { TagRecord } from './tag.js';

/** ISA-95 levels (IEC 62264-1 equipment hierarchy), by depth of the asset path. */
export const ISA95_LEVELS = ['enterprise', 'site', 'area', 'line', 'machine'] as const;
export type AssetLevel = (typeof ISA95_LEVELS)[number] | 'component';

export interface AssetNode {
  /** The asset path, e.g. `acme/zurich/machining/line1/cnc1`. */
  path: string;
  /** The last path segment. */
  id: string;
  name: string;
  level: AssetLevel;
  description?: string;
  /** Tags directly on this asset. */
  tagCount: number;
  children: AssetNode[];
}

export interface AssetModelInput {
  enterprise: { id: string; name?: string | undefined };
  sites: readonly {
    id: string;
    name?: string | undefined;
    areas: readonly {
      id: string;
      name?: string | undefined;
      lines: readonly {
        id: string;
        name?: string | undefined;
        machines: readonly { id: string; name?: string | undefined; description?: string | undefined }[];
      }[];
    }[];
  }[];
}

/**
 * Builds the asset tree from the configured hierarchy plus every asset path that tags name, so
 * assets found by browse rules appear without being written in config. Children sort by id.
 */
export function buildAssetTree(model: AssetModelInput, tags: readonly Pick<TagRecord, 'assetPath'>[]): AssetNode {
  const root = node(model.enterprise.id, model.enterprise.id, model.enterprise.name, 0);
  const byPath = new Map<string, AssetNode>([[root.path, root]]);

  const ensure = (path: string, name?: string, description?: string): AssetNode => {
    const existing = byPath.get(path);
    if (existing) {
      if (name) existing.name = name;
      if (description) existing.description = description;
      return existing;
    }
    const parts = path.split('/');
    const parentPath = parts.slice(0, -1).join('/');
    const parent = parentPath === '' ? root : ensure(parentPath);
    const created = node(path, parts[parts.length - 1] as string, name, parts.length - 1);
    if (description) created.description = description;
    parent.children.push(created);
    byPath.set(path, created);
    return created;
  };

  const e = model.enterprise.id;
  for (const s of model.sites) {
    ensure(`${e}/${s.id}`, s.name);
    for (const a of s.areas) {
      ensure(`${e}/${s.id}/${a.id}`, a.name);
      for (const l of a.lines) {
        ensure(`${e}/${s.id}/${a.id}/${l.id}`, l.name);
        for (const m of l.machines) ensure(`${e}/${s.id}/${a.id}/${l.id}/${m.id}`, m.name, m.description);
      }
    }
  }
  for (const t of tags) {
    if (t.assetPath !== e && !t.assetPath.startsWith(`${e}/`)) continue;
    ensure(t.assetPath).tagCount++;
  }
  sortTree(root);
  return root;
}

function node(path: string, id: string, name: string | undefined, depth: number): AssetNode {
  return { path, id, name: name ?? id, level: ISA95_LEVELS[depth] ?? 'component', tagCount: 0, children: [] };
}

function sortTree(n: AssetNode): void {
  n.children.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  for (const c of n.children) sortTree(c);
}
