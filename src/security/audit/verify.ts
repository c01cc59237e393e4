import { existsSync, readFileSync } from 'node:fs';
import { type AuditEntry, entryHash, GENESIS_HASH, readHead } from './log.js';

/** What is wrong with one place in the log. */
export interface AuditProblem {
  /** The entry number (`seq`) concerned; for a damaged line, the line number. */
  entry: number;
  kind: 'edited' | 'removed' | 'reordered' | 'unreadable' | 'relinked' | 'truncated' | 'tamper-recorded';
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  file: string;
  /** Lines that parsed as entries. */
  entries: number;
  /** Hash of the last entry, the value to keep elsewhere to catch a rewritten chain. */
  head: string;
  problems: AuditProblem[];
}

/**
 * Walks the hash chain of an audit log and names every place where it is broken:
 *
 * - `edited`: an entry's content no longer matches its own hash;
 * - `relinked`: an entry's `prev` is not the hash of the entry before it (the entry before was
 *   changed and its hash recomputed, or the chain was spliced);
 * - `removed`: entry numbers are missing (in the middle, or at the end when the head file says so);
 * - `reordered`: entries appear out of their number order;
 * - `unreadable`: a line is not JSON;
 * - `tamper-recorded`: the hub itself found the end of the log cut or altered when it opened it.
 */
export function verifyAuditLog(file: string): AuditVerification {
  const problems: AuditProblem[] = [];
  if (!existsSync(file)) {
    return {
      ok: false,
      file,
      entries: 0,
      head: GENESIS_HASH,
      problems: [{ entry: 0, kind: 'unreadable', message: `no audit log at ${file}` }],
    };
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: AuditEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const e = JSON.parse(line) as AuditEntry;
      if (typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prev !== 'string') {
        throw new Error('missing seq, prev or hash');
      }
      entries.push(e);
    } catch (err) {
      problems.push({
        entry: i + 1,
        kind: 'unreadable',
        message: `line ${i + 1} is not an audit entry (${(err as Error).message})`,
      });
    }
  });

  // 1. Each entry against its own hash.
  const intact = new Map<number, AuditEntry>();
  for (const e of entries) {
    if (entryHash(e) !== e.hash) {
      problems.push({
        entry: e.seq,
        kind: 'edited',
        message: `entry ${e.seq} was edited: its content does not match its hash`,
      });
    }
    intact.set(e.seq, e);
  }

  // 2. Order of appearance.
  for (let i = 1; i < entries.length; i++) {
    const before = entries[i - 1] as AuditEntry;
    const e = entries[i] as AuditEntry;
    if (e.seq < before.seq) {
      problems.push({
        entry: e.seq,
        kind: 'reordered',
        message: `entry ${e.seq} appears after entry ${before.seq} (line ${i + 1}); entries were moved`,
      });
    }
  }

  // 3. Missing numbers (removed entries) and links, taken in number order.
  const seqs = [...intact.keys()].sort((a, b) => a - b);
  let expected = 1;
  for (const s of seqs) {
    if (s > expected) {
      problems.push({
        entry: expected,
        kind: 'removed',
        message:
          s - expected === 1
            ? `entry ${expected} was removed`
            : `entries ${expected}..${s - 1} were removed (${s - expected} entries)`,
      });
    }
    const e = intact.get(s) as AuditEntry;
    const before = intact.get(s - 1);
    const wantPrev = s === 1 ? GENESIS_HASH : before?.hash;
    if (wantPrev !== undefined && e.prev !== wantPrev) {
      problems.push({
        entry: s,
        kind: 'relinked',
        message: `entry ${s} does not chain to entry ${s - 1}: entry ${s - 1} was changed (and its hash recomputed) or replaced`,
      });
    }
    if (e.action === 'audit.tampered') {
      problems.push({
        entry: s,
        kind: 'tamper-recorded',
        message: `entry ${s}: ${e.reason ?? 'the hub found the log altered'}`,
      });
    }
    expected = s + 1;
  }

  // 4. The end, against the head file.
  const last = intact.get(seqs[seqs.length - 1] ?? 0);
  const known = readHead(file);
  if (known && known.entries > (last?.seq ?? 0)) {
    const from = (last?.seq ?? 0) + 1;
    problems.push({
      entry: from,
      kind: 'truncated',
      message:
        from === known.entries
          ? `entry ${from} (the last one) was removed from the end`
          : `entries ${from}..${known.entries} were removed from the end`,
    });
  } else if (known && last && known.entries === last.seq && known.head !== last.hash) {
    problems.push({
      entry: last.seq,
      kind: 'edited',
      message: `entry ${last.seq} (the last one) is not the entry the hub wrote: its hash differs from the head file`,
    });
  }

  problems.sort((a, b) => a.entry - b.entry);
  return { ok: problems.length === 0, file, entries: entries.length, head: last?.hash ?? GENESIS_HASH, problems };
}
