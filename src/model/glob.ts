/**
 * Globs on slash-separated paths (UNS tag ids, asset paths, OPC UA browse paths): `*` matches within
 * one segment, `**` any number of segments (also none), `?` one character. Returns the anchored
 * regular-expression source; callers choose case sensitivity.
 */
export function globSource(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else {
        re += '.*';
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return `^${re}$`;
}

/**
 * A glob on unified-namespace paths (tag ids, asset paths), as governance and write allowlists use
 * them. Case-sensitive, because tag ids are lower case by construction.
 */
export function pathGlob(glob: string): RegExp {
  return new RegExp(globSource(glob));
}
