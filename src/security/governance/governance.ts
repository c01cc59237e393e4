import { pathGlob } from '../../model/index.js';
import type { TagCatalog, TagDefinition } from '../../model/tag.js';
import type { Classification, DataGovernance } from '../types.js';
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
  private readonly cache = new Map<string, TagGovernance>();

  constructor(private readonly config: GovernanceConfig) {
    this.rules = config.rules.map((rule) => ({ re: pathGlob(rule.tags), rule }));
    this.allows = config.allow.map((a) => ({ re: pathGlob(a.tags), sinks: a.sinks.map(pathGlob) }));
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
