import type { Logger } from 'pino';
import { pathGlob } from '../../model/index.js';
import { SampleBatch } from '../../model/sample.js';
import type { TagCatalog, TagDefinition, TagRecord } from '../../model/tag.js';
import type { EventSink, Sink } from '../../pipeline/types.js';

/**
 * Keys handed to a source for a tag id another source owns. They are above any key a historian
 * gives out (SQLite rowids and PostgreSQL serials of a hub stay far below 2^31), so a row with one
 * can never land in a real tag even if it slipped past the sink filter; the filter drops them.
 */
export const FOREIGN_KEY_BASE = 0xf000_0000;

/** A configured owner: the tags matching `tags` belong to `source`, whoever declares them first. */
export interface OwnerRule {
  tags: string;
  source: string;
}

export interface OwnershipStats {
  /** Declarations refused because another source owns the tag id (one per tag and source). */
  collisions: number;
  /** Values (rows, gap markers included) dropped because their source does not own the tag. */
  refusedValues: number;
  /** Per refusing source. */
  bySource: Record<string, { collisions: number; refusedValues: number }>;
}

export interface TagOwnershipOptions {
  /** The catalog owned declarations are forwarded to (the historian, through governance). */
  catalog: TagCatalog;
  /** Tags already known (the historian's catalog): their lineage names the owner across restarts. */
  existing: () => Promise<readonly TagRecord[]>;
  /**
   * Sources running in this hub. A stored tag whose lineage names one of them stays that source's;
   * a stored tag of a source no longer configured goes to the first source that declares it.
   */
  sources: readonly string[];
  /** Pinned owners (`governance.tagSources`): first matching rule wins. */
  rules?: readonly OwnerRule[];
  events: EventSink;
  log: Logger;
}

/**
 * One owner per tag id. A tag id belongs to the source that declares it first (or the one a
 * `governance.tagSources` rule names, or the one named in the stored lineage); a declaration of
 * the same id by another source is refused with a `tag.collision` event: the other source gets a
 * key that belongs to no tag, its values for that id (and its gap markers) are dropped and counted
 * before they reach the pipeline, so the historian, rules, UNS and writes never see them, and the
 * tag's lineage keeps naming its owner.
 *
 * Sources keep the plain `TagCatalog`/`Sink` contract: the hub hands each source the pair from
 * `forSource(name, sink)`.
 */
export class TagOwnership {
  private readonly owner = new Map<string, string>();
  private readonly rules: { re: RegExp; source: string }[];
  private loaded: Promise<void> | undefined;
  private nextForeign = FOREIGN_KEY_BASE;
  /** Foreign key per (source, tag id), so a source declaring the same id again gets the same key. */
  private readonly foreign = new Map<string, number>();
  private readonly counts = new Map<string, { collisions: number; refusedValues: number }>();

  constructor(private readonly o: TagOwnershipOptions) {
    this.rules = (o.rules ?? []).map((r) => ({ re: pathGlob(r.tags), source: r.source }));
  }

  /** The owning source of a tag id, when one declared it (or a rule or the stored lineage names one). */
  ownerOf(tagId: string): string | undefined {
    // A configured owner wins over the first declaration and over the stored lineage.
    return this.rules.find((r) => r.re.test(tagId))?.source ?? this.owner.get(tagId);
  }

  stats(): OwnershipStats {
    let collisions = 0;
    let refusedValues = 0;
    const bySource: OwnershipStats['bySource'] = {};
    for (const [s, c] of this.counts) {
      collisions += c.collisions;
      refusedValues += c.refusedValues;
      bySource[s] = { ...c };
    }
    return { collisions, refusedValues, bySource };
  }

  /** The catalog and sink source `name` is started with. */
  forSource(name: string, sink: Sink): { catalog: TagCatalog; sink: Sink } {
    const owned = new Set<number>();
    const catalog: TagCatalog = {
      register: async (defs) => {
        await this.load();
        // Decided synchronously (no await between check and claim), so two sources declaring a
        // new id at the same time cannot both win it.
        const mine: TagDefinition[] = [];
        const keys: number[] = new Array(defs.length);
        const at: number[] = [];
        defs.forEach((d, i) => {
          const o = this.ownerOf(d.id);
          if (o === undefined || o === name) {
            this.owner.set(d.id, name);
            mine.push(d);
            at.push(i);
          } else {
            keys[i] = this.refuse(name, d, o);
          }
        });
        if (mine.length > 0) {
          const got = await this.o.catalog.register(mine);
          got.forEach((k, j) => {
            owned.add(k);
            keys[at[j] as number] = k;
          });
        }
        return keys;
      },
    };
    const filtered: Sink = {
      name: sink.name,
      write: (batch) => {
        const kept = this.filter(name, batch, owned);
        if (kept !== undefined) sink.write(kept);
      },
      flush: () => sink.flush(),
      close: () => sink.close(),
    };
    return { catalog, sink: filtered };
  }

  private refuse(source: string, d: TagDefinition, owner: string): number {
    const id = `${source}\u0000${d.id}`;
    let key = this.foreign.get(id);
    if (key !== undefined) return key;
    key = this.nextForeign++;
    this.foreign.set(id, key);
    this.count(source).collisions++;
    this.o.events.emit({
      ts: Date.now(),
      kind: 'tag.collision',
      severity: 'warning',
      source,
      message: `tag ${d.id} belongs to source ${owner}; values from ${source} for it are refused (its node ${d.lineage.nodeId} is not collected). Rename one of them, or pin the owner with governance.tagSources`,
      details: { tagId: d.id, owner, refused: source, nodeId: d.lineage.nodeId },
    });
    return key;
  }

  /** The rows of `batch` whose tag `source` owns; the same batch when all are, undefined when none. */
  private filter(source: string, batch: SampleBatch, owned: ReadonlySet<number>): SampleBatch | undefined {
    let bad = 0;
    for (let i = 0; i < batch.length; i++) if (!owned.has(batch.tagKey[i] as number)) bad++;
    if (bad === 0) return batch;
    this.count(source).refusedValues += bad;
    if (bad === batch.length) return undefined;
    const out = new SampleBatch(batch.length - bad);
    for (let i = 0; i < batch.length; i++) {
      const k = batch.tagKey[i] as number;
      if (!owned.has(k)) continue;
      const t = batch.text?.get(i);
      if (t !== undefined)
        out.pushText(k, batch.sourceTs[i] as number, batch.serverTs[i] as number, t, batch.status[i] as number);
      else
        out.push(
          k,
          batch.sourceTs[i] as number,
          batch.serverTs[i] as number,
          batch.value[i] as number,
          batch.status[i] as number,
        );
    }
    return out;
  }

  private count(source: string): { collisions: number; refusedValues: number } {
    let c = this.counts.get(source);
    if (!c) {
      c = { collisions: 0, refusedValues: 0 };
      this.counts.set(source, c);
    }
    return c;
  }

  private load(): Promise<void> {
    this.loaded ??= this.o.existing().then((tags) => {
      const running = new Set(this.o.sources);
      for (const t of tags) {
        if (running.has(t.lineage.source) && !this.owner.has(t.id)) this.owner.set(t.id, t.lineage.source);
      }
    });
    return this.loaded;
  }
}
