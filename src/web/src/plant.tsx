import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type AssetNode, api, type Health, type Site, type Tag } from './api';

/** What every page shares: the asset tree, the tag catalog, hub health and the display time zone. */
export interface Plant {
  tree?: AssetNode;
  tags: Tag[];
  tagsById: Map<string, Tag>;
  /** Tags per asset path (the machine that owns them). */
  tagsByAsset: Map<string, Tag[]>;
  health?: Health;
  /** The hub answered the last health poll. */
  reachable: boolean;
  sites: Site[];
  /** Time zone used for display: the first site's, unless the user picked another. */
  tz: string;
  setTz(tz: string): void;
  /** Error while loading the catalog, shown on pages that need it. */
  error?: string;
}

const PlantContext = createContext<Plant | undefined>(undefined);

export function usePlant(): Plant {
  const p = useContext(PlantContext);
  if (!p) throw new Error('usePlant outside PlantProvider');
  return p;
}

const TZ_KEY = 'gotthard.tz';

export function PlantProvider({ children }: { children: ReactNode }) {
  const [tree, setTree] = useState<AssetNode>();
  const [tags, setTags] = useState<Tag[]>([]);
  const [health, setHealth] = useState<Health>();
  const [reachable, setReachable] = useState(true);
  const [sites, setSites] = useState<Site[]>([]);
  const [tzOverride, setTzOverride] = useState<string | null>(() => localStorage.getItem(TZ_KEY));
  const [error, setError] = useState<string>();

  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const [t, c, s] = await Promise.all([api.assets(), api.tags(), api.sites()]);
        if (!alive) return;
        setTree(t);
        setTags(c.tags);
        setSites(s.sites);
        setError(undefined);
      } catch (e) {
        if (alive) setError((e as Error).message);
      }
    };
    void load();
    // Tags discovered later (a new machine, a reconnect after a server change) appear without reload.
    const every = setInterval(load, 30_000);
    return () => {
      alive = false;
      clearInterval(every);
    };
  }, []);

  useEffect(() => {
    let alive = true;
    const poll = async () => {
      try {
        const h = await api.health();
        if (!alive) return;
        setHealth(h);
        setReachable(true);
      } catch {
        if (alive) setReachable(false);
      }
    };
    void poll();
    const every = setInterval(poll, 2000);
    return () => {
      alive = false;
      clearInterval(every);
    };
  }, []);

  const value = useMemo<Plant>(() => {
    const tagsById = new Map(tags.map((t) => [t.id, t]));
    const tagsByAsset = new Map<string, Tag[]>();
    for (const t of tags) {
      const list = tagsByAsset.get(t.assetPath);
      if (list) list.push(t);
      else tagsByAsset.set(t.assetPath, [t]);
    }
    const named = tree ? withBrowseNames(tree, tags) : undefined;
    const siteTz = sites[0]?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    return {
      tree: named,
      tags,
      tagsById,
      tagsByAsset,
      health,
      reachable,
      sites,
      tz: tzOverride ?? siteTz,
      setTz: (tz: string) => {
        if (tz === siteTz) {
          localStorage.removeItem(TZ_KEY);
          setTzOverride(null);
        } else {
          localStorage.setItem(TZ_KEY, tz);
          setTzOverride(tz);
        }
      },
      error,
    };
  }, [tree, tags, health, reachable, sites, tzOverride, error]);

  return <PlantContext.Provider value={value}>{children}</PlantContext.Provider>;
}

/** Every machine node of the tree (level `machine`), depth first. */
export function machinesOf(node: AssetNode | undefined): AssetNode[] {
  if (!node) return [];
  if (node.level === 'machine') return [node];
  return node.children.flatMap(machinesOf);
}

export function findNode(node: AssetNode | undefined, path: string): AssetNode | undefined {
  if (!node) return undefined;
  if (node.path === path) return node;
  if (!path.startsWith(`${node.path}/`)) return undefined;
  for (const c of node.children) {
    const f = findNode(c, path);
    if (f) return f;
  }
  return undefined;
}

/** The ancestors of a path in the tree, root first, with their display names. */
export function breadcrumb(tree: AssetNode | undefined, path: string): AssetNode[] {
  const out: AssetNode[] = [];
  let n = tree;
  while (n) {
    out.push(n);
    if (n.path === path) break;
    n = n.children.find((c) => path === c.path || path.startsWith(`${c.path}/`));
  }
  return out;
}

/**
 * Assets found by browse rules have only their path segment as a name (`cnc1`). The OPC UA browse
 * path of their tags holds the server's BrowseNames (`…/Line1/CNC1/Bearing/Temperature`): the last
 * segments of a tag id and of its browse path name the same nodes, so the asset gets `CNC1`.
 */
export function withBrowseNames(tree: AssetNode, tags: readonly Tag[]): AssetNode {
  const names = new Map<string, string>();
  for (const t of tags) {
    const browse = t.lineage.browsePath?.split('/').filter(Boolean);
    if (!browse) continue;
    const ids = t.id.split('/');
    for (let k = 1; k <= Math.min(ids.length, browse.length); k++) {
      const seg = ids[ids.length - k] as string;
      const name = browse[browse.length - k] as string;
      if (name.toLowerCase().replace(/[^a-z0-9]/g, '') !== seg.replace(/[^a-z0-9]/g, '')) break;
      names.set(ids.slice(0, ids.length - k + 1).join('/'), name);
    }
  }
  const walk = (n: AssetNode): AssetNode => ({
    ...n,
    name: n.name === n.id ? (names.get(n.path) ?? n.name) : n.name,
    children: n.children.map(walk),
  });
  return walk(tree);
}
