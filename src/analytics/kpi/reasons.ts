import { GotthardError } from '../../errors.js';
import type { ReasonConfig, SixBigLoss } from './config.js';

export interface Reason {
  id: string;
  name: string;
  loss: SixBigLoss;
  /** Ids from the root to this reason. */
  path: string[];
  leaf: boolean;
}

/** Flattens the reason tree; every reason needs a loss (its own or inherited) and a unique id. */
export function flattenReasons(tree: readonly ReasonConfig[]): Map<string, Reason> {
  const out = new Map<string, Reason>();
  const walk = (nodes: readonly ReasonConfig[], parent: Reason | undefined, where: string) => {
    nodes.forEach((n, i) => {
      const at = `${where}[${i}]`;
      const loss = n.loss ?? parent?.loss;
      if (loss === undefined) {
        throw new GotthardError('GT_CONFIG_INVALID', `${at} (reason "${n.id}"): give it a "loss" (or its parent one)`);
      }
      if (out.has(n.id)) throw new GotthardError('GT_CONFIG_INVALID', `${at}: reason id "${n.id}" is used twice`);
      const r: Reason = {
        id: n.id,
        name: n.name ?? n.id,
        loss,
        path: [...(parent?.path ?? []), n.id],
        leaf: !n.children || n.children.length === 0,
      };
      out.set(n.id, r);
      if (n.children) walk(n.children, r, `${at}.children`);
    });
  };
  walk(tree, undefined, 'kpi.reasons');
  return out;
}
