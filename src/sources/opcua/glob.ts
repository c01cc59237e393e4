import { globSource } from '../../model/glob.js';

/**
 * Glob patterns on browse paths relative to a rule's root: `*` matches within one segment, `**`
 * matches any number of segments (also none), `?` one character. Matching is case-insensitive,
 * because BrowseNames differ in case between vendors more often than in meaning.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(globSource(glob.replace(/^\/+/, '')), 'i');
}

export class PathFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];
  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
  }
  matches(relativePath: string): boolean {
    return this.include.some((r) => r.test(relativePath)) && !this.exclude.some((r) => r.test(relativePath));
  }
}
