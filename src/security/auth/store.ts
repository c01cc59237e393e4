import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Role } from '../types.js';

export interface UserRow {
  name: string;
  role: Role;
  scope: string[];
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
  disabled: boolean;
  failedCount: number;
  lockedUntil: number;
}

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  scope: string[];
  /** sha256 (hex) of the token secret; the secret itself is shown once and never stored. */
  hash: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface SessionRow {
  /** sha256 (hex) of the cookie value. */
  idHash: string;
  user: string;
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

interface RawUser {
  name: string;
  role: string;
  scope: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
  disabled: number;
  failed_count: number;
  locked_until: number;
}

interface RawToken {
  id: string;
  name: string;
  role: string;
  scope: string;
  hash: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

const user = (r: RawUser): UserRow => ({
  name: r.name,
  role: r.role as Role,
  scope: JSON.parse(r.scope) as string[],
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  disabled: r.disabled !== 0,
  failedCount: r.failed_count,
  lockedUntil: r.locked_until,
});

const token = (r: RawToken): TokenRow => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  scope: JSON.parse(r.scope) as string[],
  hash: r.hash,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

/** Users, API tokens, sessions and the one-time setup token in `<dataDir>/security.db` (SQLite, WAL). */
export class AuthStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    // Password hashes and token hashes: readable by the hub's user only.
    chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, scope TEXT NOT NULL, password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
        failed_count INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS tokens (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, scope TEXT NOT NULL, hash TEXT NOT NULL,
        created_by TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER,
        last_used_at INTEGER);
      CREATE TABLE IF NOT EXISTS sessions (
        id_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.db.pragma('foreign_keys = ON');
  }

  close(): void {
    this.db.close();
  }

  // ---- users ----
  countUsers(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }
  getUser(name: string): UserRow | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as RawUser | undefined;
    return r && user(r);
  }
  listUsers(): UserRow[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as RawUser[]).map(user);
  }
  insertUser(u: Pick<UserRow, 'name' | 'role' | 'scope' | 'passwordHash'>, now: number): void {
    this.db
      .prepare('INSERT INTO users (name, role, scope, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(u.name, u.role, JSON.stringify(u.scope), u.passwordHash, now, now);
  }
  updateUser(
    name: string,
    patch: Partial<Pick<UserRow, 'role' | 'scope' | 'passwordHash' | 'disabled'>>,
    now: number,
  ): void {
    const u = this.getUser(name);
    if (!u) return;
    this.db
      .prepare(
        'UPDATE users SET role = ?, scope = ?, password_hash = ?, disabled = ?, updated_at = ?, failed_count = CASE WHEN ? THEN 0 ELSE failed_count END, locked_until = CASE WHEN ? THEN 0 ELSE locked_until END WHERE name = ?',
      )
      .run(
        patch.role ?? u.role,
        JSON.stringify(patch.scope ?? u.scope),
        patch.passwordHash ?? u.passwordHash,
        (patch.disabled ?? u.disabled) ? 1 : 0,
        now,
        patch.passwordHash !== undefined ? 1 : 0,
        patch.passwordHash !== undefined ? 1 : 0,
        name,
      );
  }
  deleteUser(name: string): boolean {
    return this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes > 0;
  }
  recordFailure(name: string, maxFailures: number, lockUntil: number): { failedCount: number; locked: boolean } {
    this.db.prepare('UPDATE users SET failed_count = failed_count + 1 WHERE name = ?').run(name);
    const u = this.getUser(name);
    if (!u) return { failedCount: 0, locked: false };
    if (u.failedCount >= maxFailures) {
      this.db.prepare('UPDATE users SET locked_until = ?, failed_count = 0 WHERE name = ?').run(lockUntil, name);
      return { failedCount: u.failedCount, locked: true };
    }
    return { failedCount: u.failedCount, locked: false };
  }
  clearFailures(name: string): void {
    this.db.prepare('UPDATE users SET failed_count = 0, locked_until = 0 WHERE name = ?').run(name);
  }

  // ---- tokens ----
  getToken(id: string): TokenRow | undefined {
    const r = this.db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as RawToken | undefined;
    return r && token(r);
  }
  listTokens(): TokenRow[] {
    return (this.db.prepare('SELECT * FROM tokens ORDER BY created_at').all() as RawToken[]).map(token);
  }
  insertToken(t: Omit<TokenRow, 'revokedAt' | 'lastUsedAt'>): void {
    this.db
      .prepare(
        'INSERT INTO tokens (id, name, role, scope, hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(t.id, t.name, t.role, JSON.stringify(t.scope), t.hash, t.createdBy, t.createdAt, t.expiresAt);
  }
  revokeToken(id: string, now: number): boolean {
    return (
      this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0
    );
  }
  touchToken(id: string, now: number): void {
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now, id);
  }

  // ---- sessions ----
  getSession(idHash: string): SessionRow | undefined {
    const r = this.db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as
      | { id_hash: string; user: string; csrf: string; created_at: number; last_seen: number }
      | undefined;
    return r && { idHash: r.id_hash, user: r.user, csrf: r.csrf, createdAt: r.created_at, lastSeen: r.last_seen };
  }
  insertSession(s: SessionRow): void {
    this.db
      .prepare('INSERT INTO sessions (id_hash, user, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)')
      .run(s.idHash, s.user, s.csrf, s.createdAt, s.lastSeen);
  }
  touchSession(idHash: string, now: number): void {
    this.db.prepare('UPDATE sessions SET last_seen = ? WHERE id_hash = ?').run(now, idHash);
  }
  deleteSession(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }
  deleteSessionsOf(userName: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user = ?').run(userName);
  }
  deleteExpiredSessions(idleBefore: number, createdBefore: number): void {
    this.db.prepare('DELETE FROM sessions WHERE last_seen < ? OR created_at < ?').run(idleBefore, createdBefore);
  }

  // ---- meta (the one-time setup token) ----
  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }
  setMeta(key: string, value: string | undefined): void {
    if (value === undefined) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Runs `fn` in one transaction (the first admin and the consumed setup token land together). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
