import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { GotthardError } from '../../errors.js';
import { csvCell } from '../../model/csv.js';
import type { AuditRecord, AuditTrail } from '../types.js';

/**
 * One line of the audit log (JSON Lines): the record plus its place in the hash chain.
 * `hash` = SHA-256 (hex) of the canonical JSON of every other field, `prev` included, so each
 * entry carries the hash of the one before it and an edit, a removal or a reordering anywhere
 * breaks the chain from there on (see verify.ts).
 */
export interface AuditEntry extends AuditRecord {
  /** 1-based position in the log; never reused. */
  seq: number;
  /** Epoch ms when the entry was appended. */
  ts: number;
  /** `hash` of the entry before; 64 zeros for the first entry. */
  prev: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The head file beside the log (`<file>.head`): entry count and last hash, rewritten after each
 * append. A hash chain alone cannot tell a log whose last entries were cut off from a shorter log;
 * the head can.
 */
export interface AuditHead {
  entries: number;
  head: string;
}

export function headFileOf(file: string): string {
  return `${file}.head`;
}

export function readHead(file: string): AuditHead | undefined {
  const f = headFileOf(file);
  if (!existsSync(f)) return undefined;
  try {
    const h = JSON.parse(readFileSync(f, 'utf8')) as Partial<AuditHead>;
    return typeof h.entries === 'number' && typeof h.head === 'string'
      ? { entries: h.entries, head: h.head }
      : undefined;
  } catch {
    return undefined;
  }
}

/** JSON with object keys sorted at every level, so the hash does not depend on key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** The hash an entry must carry: SHA-256 over everything except `hash` itself. */
export function entryHash(e: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = e;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export interface AuditLogOptions {
  /** The log file (JSON Lines); its folder is created when missing. */
  file: string;
  logger: Logger;
  /** Clock, for tests. */
  now?: () => number;
}

/** Reads the last complete line of a file without reading all of it. */
function lastLine(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  let chunk = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString('utf8').replace(/\n+$/, '');
    const nl = text.lastIndexOf('\n');
    if (nl >= 0 || start === 0) return text.slice(nl + 1);
    chunk *= 4;
  }
}

/**
 * The tamper-evident audit trail: an append-only JSON Lines file whose entries are chained by
 * SHA-256. `append` is synchronous and fsyncs before it returns, so an entry that was appended
 * survives a crash. The file is opened in append mode; nothing here ever rewrites it.
 *
 * What it protects against: an entry edited, removed or moved by hand, or a truncated tail
 * (`gotthard audit verify` names which). What it cannot: someone who rewrites the whole chain
 * from the edit onwards; export the head hash (`gotthard audit verify --json`) to a place they
 * cannot reach to catch that too.
 */
export class AuditLog implements AuditTrail {
  readonly file: string;
  private fd: number | undefined;
  private seq = 0;
  private head = GENESIS_HASH;
  /** File size after our last append; another writer (the `gotthard pki` CLI) changes it. */
  private size = 0;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(opts: AuditLogOptions) {
    this.file = path.resolve(opts.file);
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
  }

  /** Opens (or creates) the log and picks up the chain where the last entry left it. */
  open(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const fd = openSync(this.file, 'a+', 0o600);
    try {
      const line = lastLine(fd);
      if (line !== undefined) {
        const last = JSON.parse(line) as Partial<AuditEntry>;
        if (typeof last.seq !== 'number' || typeof last.hash !== 'string') throw new Error('no seq/hash');
        this.seq = last.seq;
        this.head = last.hash;
      }
    } catch (err) {
      closeSync(fd);
      throw new GotthardError(
        'GT_CONFIG_FILE',
        `audit log ${this.file}: its last line is not an audit entry (${(err as Error).message}); ` +
          'run `gotthard audit verify` on it, move it aside and start a new log',
      );
    }
    this.fd = fd;
    this.size = fstatSync(fd).size;
    this.log.info({ file: this.file, entries: this.seq }, 'audit log open');
    const known = readHead(this.file);
    if (known && (known.entries > this.seq || (known.entries === this.seq && known.head !== this.head))) {
      // Keep the evidence in the chain itself before the head file moves on.
      this.log.error(
        { file: this.file, head: known, found: this.headInfo() },
        'audit log was cut or altered at its end',
      );
      this.append({
        actor: 'system',
        action: 'audit.tampered',
        outcome: 'failed',
        reason: `the head file recorded ${known.entries} entries ending in ${known.head}; the log has ${this.seq} ending in ${this.head}`,
        details: { recorded: known, found: { entries: this.seq, head: this.head } },
      });
    } else if (!known && this.seq > 0) {
      this.writeHead();
    }
  }

  /** Appends one record; durable (fsynced) when it returns. */
  append(r: AuditRecord): void {
    if (this.fd === undefined) throw new GotthardError('GT_INTERNAL', `audit log ${this.file} is not open`);
    if (fstatSync(this.fd).size !== this.size) this.catchUp(this.fd);
    const body: Omit<AuditEntry, 'hash'> = {
      seq: this.seq + 1,
      ts: this.now(),
      prev: this.head,
      actor: r.actor,
      action: r.action,
      outcome: r.outcome,
      ...(r.target !== undefined ? { target: r.target } : {}),
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      ...(r.details !== undefined ? { details: r.details } : {}),
      ...(r.ip !== undefined ? { ip: r.ip } : {}),
    };
    const entry: AuditEntry = { ...body, hash: entryHash(body) };
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    this.size = fstatSync(this.fd).size;
    this.seq = entry.seq;
    this.head = entry.hash;
    this.writeHead();
  }

  /** Another process appended (the CLI while the hub runs): chain on from its last entry. */
  private catchUp(fd: number): void {
    const line = lastLine(fd);
    if (line === undefined) return;
    try {
      const last = JSON.parse(line) as Partial<AuditEntry>;
      if (typeof last.seq === 'number' && typeof last.hash === 'string' && last.seq > this.seq) {
        this.seq = last.seq;
        this.head = last.hash;
      }
    } catch (err) {
      this.log.error(
        { file: this.file, err: (err as Error).message },
        'audit log: last line written by another process does not parse',
      );
    }
  }

  private writeHead(): void {
    const f = headFileOf(this.file);
    writeFileSync(`${f}.tmp`, JSON.stringify(this.headInfo()), { mode: 0o600 });
    renameSync(`${f}.tmp`, f);
  }

  /** Number of entries and the hash of the last one (the value to keep elsewhere). */
  headInfo(): AuditHead {
    return { entries: this.seq, head: this.head };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads all entries of a log file (for the API and export); lines that do not parse are skipped. */
export function readEntries(file: string): AuditEntry[] {
  if (!existsSync(file)) return [];
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    const out: AuditEntry[] = [];
    for (const line of buf.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as AuditEntry);
      } catch {
        // a damaged line is `verify`'s business; listing shows what can be read
      }
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

const CSV_COLUMNS = [
  'seq',
  'ts',
  'actor',
  'action',
  'target',
  'outcome',
  'reason',
  'ip',
  'details',
  'prev',
  'hash',
] as const;

/** Through the shared writer (formula cells neutralised); objects (`details`) as JSON. */
function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return csvCell(v);
  return csvCell(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** CSV (RFC 4180) of audit entries, `ts` as ISO 8601, `details` as JSON. */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) =>
    CSV_COLUMNS.map((c) => cell(c === 'ts' ? new Date(e.ts).toISOString() : e[c])).join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
