import { useState } from 'react';
import type { AssetNode } from '../api';
import { href } from '../router';

const LEVEL_LABEL: Record<string, string> = {
  enterprise: 'Enterprise',
  site: 'Site',
  area: 'Area',
  line: 'Line',
  machine: 'Machine',
};

/**
 * The ISA-95 tree (enterprise → site → area → line → machine). Areas and lines filter the overview;
 * a machine opens its page. Every node is a link or a button, so Tab and Enter are enough.
 */
export function AssetTree({ root, selected }: { root: AssetNode; selected: string }) {
  return (
    <ul className="tree" aria-label="ISA-95 asset hierarchy">
      <TreeNode node={root} selected={selected} depth={0} />
    </ul>
  );
}

function TreeNode({ node, selected, depth }: { node: AssetNode; selected: string; depth: number }) {
  const branches = node.level === 'machine' ? [] : node.children.filter((c) => c.level !== 'component');
  const [open, setOpen] = useState(depth < 4 || selected.startsWith(node.path));
  const isSel = selected === node.path;
  const target = node.level === 'machine' ? href('machine', node.path) : href('overview', node.path);
  return (
    <li>
      <div className={`tree-row${isSel ? ' tree-sel' : ''}`} style={{ paddingLeft: `${depth * 12}px` }}>
        {branches.length > 0 ? (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={open}
            aria-label={`${open ? 'Collapse' : 'Expand'} ${node.name}`}
            onClick={() => setOpen(!open)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="tree-toggle" aria-hidden="true" />
        )}
        <a
          href={target}
          aria-current={isSel ? 'true' : undefined}
          title={`${LEVEL_LABEL[node.level] ?? node.level}: ${node.path}`}
        >
          {node.name}
        </a>
        <span className="tree-level">{(LEVEL_LABEL[node.level] ?? node.level).charAt(0)}</span>
      </div>
      {open && branches.length > 0 && (
        <ul>
          {branches.map((c) => (
            <TreeNode key={c.path} node={c} selected={selected} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}
