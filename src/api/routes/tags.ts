import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GotthardError } from '../../errors.js';
import type { AssetNode } from '../../model/assets.js';
import type { TagRecord } from '../../model/tag.js';
import { visibleTo } from '../../security/auth/index.js';
import { inScope, type Principal } from '../../security/types.js';
import { tagOut } from '../format.js';
import { AssetTree, ErrorReply, Tag } from '../schemas.js';
import type { HubView } from '../types.js';

/** Case-insensitive search over id, name, unit, description and NodeId. */
export function matchesTag(t: TagRecord, q: string): boolean {
  const needle = q.toLowerCase();
  return (
    t.id.includes(needle) ||
    t.name.toLowerCase().includes(needle) ||
    (t.unit?.toLowerCase().includes(needle) ?? false) ||
    (t.description?.toLowerCase().includes(needle) ?? false) ||
    t.lineage.nodeId.toLowerCase().includes(needle)
  );
}

/** The asset tree as a scoped principal sees it: its scope and the containers above it. */
function pruneTree(node: AssetNode, p: Principal): AssetNode {
  return { ...node, children: node.children.filter((c) => visibleTo(p, c.path)).map((c) => pruneTree(c, p)) };
}

export const tagRoutes: FastifyPluginAsyncTypebox<{ hub: HubView }> = async (app, { hub }) => {
  app.get(
    '/tags',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'List and search tags with metadata and lineage',
        tags: ['tags'],
        querystring: Type.Object({
          q: Type.Optional(Type.String({ description: 'Search in id, name, unit, description and NodeId.' })),
          asset: Type.Optional(Type.String({ description: 'Only tags at or below this asset path.' })),
          limit: Type.Integer({ minimum: 1, maximum: 10000, default: 1000 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: { 200: Type.Object({ total: Type.Integer(), tags: Type.Array(Tag) }) },
      },
    },
    async (req) => {
      const { q, asset, limit, offset } = req.query;
      let tags = await hub.historian.listTags();
      if (asset) tags = tags.filter((t) => t.assetPath === asset || t.assetPath.startsWith(`${asset}/`));
      if (q) tags = tags.filter((t) => matchesTag(t, q));
      const p = req.principal;
      if (p) tags = tags.filter((t) => inScope(p, t.id));
      tags.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
      return { total: tags.length, tags: tags.slice(offset, offset + limit).map(tagOut) };
    },
  );

  app.get(
    '/tags/*',
    {
      config: { access: { role: 'viewer', asset: { in: 'params', key: '*' } } },
      schema: {
        summary:
          'One tag by id (its unified-namespace path), e.g. /tags/acme/zurich/machining/line1/cnc1/spindle/speed',
        tags: ['tags'],
        params: Type.Object({ '*': Type.String() }),
        response: { 200: Tag, 404: ErrorReply },
      },
    },
    async (req) => {
      const id = req.params['*'];
      const tag = await hub.historian.getTag(id);
      if (!tag)
        throw new GotthardError('GT_TAG_NOT_FOUND', `no tag with id "${id}"; list tags with GET /api/v1/tags?q=…`);
      return tagOut(tag);
    },
  );

  app.get(
    '/assets',
    {
      config: { access: { role: 'viewer' } },
      schema: {
        summary: 'The ISA-95 asset tree (enterprise / site / area / line / machine) with tag counts',
        tags: ['assets'],
        response: { 200: AssetTree },
      },
    },
    async (req) => {
      const tree = await hub.assetTree();
      return req.principal ? pruneTree(tree, req.principal) : tree;
    },
  );
};
