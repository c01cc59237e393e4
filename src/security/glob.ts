import { globSource } from '../model/glob.js';

/**
 * Globs on unified-namespace paths (tag ids, asset paths), syntax as in src/model/glob.ts.
 * Case-sensitive, because tag ids are lower case by construction.
 */
export function pathGlob(glob: string): RegExp {
  return new RegExp(globSource(glob));
}
