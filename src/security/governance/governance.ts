import { pathGlob } from '../../model/index.js';
import type { TagCatalog, TagDefinition } from '../../model/tag.js';
import { type Classification, type DataGovernance, type Principal, type Role, roleAtLeast } from '../types.js';
import type { GovernanceConfig } from './config.js';

/** What governance says about one tag. */
export interface TagGovernance {
  classification: Classification;
  owner?: string;
  retentionClass?: string;
  /** Sink patterns an `allow` rule opens for this tag (only meaningful when confidential or restricted). */
  allowedSinks: string[];
}

/** What the API and the catalog read: the DataGovernance answers plus the full picture per tag. */
export interface GovernanceView extends DataGovernance {
  describe(tagId: string): TagGovernance;
  /**
   * May `p` read this tag's values? Always for public and internal tags; for confidential and
   * restricted ones only with a `governance.readers` grant (automation, kind `system`, always).
   */
  mayRead(p: Pick<Principal, 'kind' | 'name' | 'role'> | undefined, tagId: string): boolean;
}

const SENSITIVE: ReadonlySet<Classification> = new Set(['confidential', 'restricted']);

/**
 * Data governance from config: per tag owner, classification and retention class, and the rule
 * that confidential or restricted values never leave the hub unless an `allow` rule names the sink.
 * Answers are cached per tag id (the rules are fixed for the life of the hub), so the publisher can
 * ask on its hot path.
 */
export class ConfigGovernance implements GovernanceView {
  private readonly rules: { re: RegExp; rule: GovernanceConfig['rules'][number] }[];
  private readonly allows: { re: RegExp; sinks: RegExp[] }[];
  private readonly readers: { re: RegExp; names: Set<string>; role?: Role }[];
  private readonly cache = new Map<string, TagGovernance>();

  constructor(private readonly config: GovernanceConfig) {
    this.rules = config.rules.map((rule) => ({ re: pathGlob(rule.tags), rule }));
    this.allows = config.allow.map((a) => ({ re: pathGlob(a.tags), sinks: a.sinks.map(pathGlob) }));
    this.readers = (config.readers ?? []).map((r) => {
      const roles = r.principals.filter((x) => x.startsWith('role:')).map((x) => x.slice(5) as Role);
      // The least role named: `role:operator` and `role:admin` together grant operator and up.
      const least = roles.sort((a, b) => (roleAtLeast(a, b) ? 1 : -1))[0];
      return {
        re: pathGlob(r.tags),
        names: new Set(r.principals.filter((x) => !x.startsWith('role:'))),
        ...(least ? { role: least } : {}),
      };
    });
  }

  describe(tagId: string): TagGovernance {
    let g = this.cache.get(tagId);
    if (g) return g;
    g = {
      classification: this.config.default.classification,
      ...(this.config.default.owner !== undefined ? { owner: this.config.default.owner } : {}),
      allowedSinks: [],
    };
    for (const { re, rule } of this.rules) {
      if (!re.test(tagId)) continue;
      if (rule.classification !== undefined) g.classification = rule.classification;
      if (rule.owner !== undefined) g.owner = rule.owner;
      if (rule.retentionClass !== undefined) g.retentionClass = rule.retentionClass;
    }
    this.config.allow.forEach((a, i) => {
      if ((this.allows[i] as { re: RegExp }).re.test(tagId)) g.allowedSinks.push(...a.sinks);
    });
    this.cache.set(tagId, g);
    return g;
  }

  classificationOf(tagId: string): Classification {
    return this.describe(tagId).classification;
  }

  mayRead(p: Pick<Principal, 'kind' | 'name' | 'role'> | undefined, tagId: string): boolean {
    if (!SENSITIVE.has(this.describe(tagId).classification)) return true;
    if (!p) return false;
    if (p.kind === 'system') return true;
    const who = `${p.kind}:${p.name}`;
    return this.readers.some(
      (r) => r.re.test(tagId) && (r.names.has(who) || (r.role !== undefined && roleAtLeast(p.role, r.role))),
    );
  }

  mayLeave(tagId: string, sink: string): boolean {
    const g = this.describe(tagId);
    if (!SENSITIVE.has(g.classification)) return true;
    return this.allows.some((a) => a.re.test(tagId) && a.sinks.some((s) => s.test(sink)));
  }
}

/**
 * The catalog sources register tags through: a governance rule's retention class is applied to
 * the matching tags (a class set by the source config stays when no rule sets one).
 */
export function governedCatalog(catalog: TagCatalog, governance: ConfigGovernance): TagCatalog {
  return {
    register(defs: readonly TagDefinition[]): Promise<number[]> {
      return catalog.register(
        defs.map((d) => {
          const cls = governance.describe(d.id).retentionClass;
          return cls === undefined ? d : { ...d, retentionClass: cls };
        }),
      );
    },
  };
}
