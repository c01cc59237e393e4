import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { GotthardError } from '../../errors.js';
import { type Credential, type Principal, ROLES, type Role } from '../types.js';
import type { SecurityConfig } from './config.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { AuthStore, type TokenRow, type UserRow } from './store.js';

export interface AuthServiceOptions {
  /** `security.db` is created here. */
  dataDir: string;
  config: SecurityConfig;
  logger: Logger;
  /** Read for `GOTTHARD_ADMIN_PASSWORD` (and `GOTTHARD_ADMIN_USER`) on first start. */
  env?: Record<string, string | undefined>;
  now?: () => number;
}

/** A signed-in browser session: the cookie value is shown once, only its hash is stored. */
export interface NewSession {
  cookie: string;
  csrf: string;
  principal: Principal;
}

export interface SessionAuth {
  principal: Principal;
  csrf: string;
}

/** What the API shows of a user (never the hash). */
export interface UserView {
  name: string;
  role: Role;
  scope: string[];
  disabled: boolean;
  locked: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What the API shows of a token (never its secret or hash). */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  scope: string[];
  source: 'store' | 'config';
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export type LoginOutcome =
  | { ok: true; session: NewSession }
  | { ok: false; reason: 'bad-credentials' | 'locked' | 'throttled' | 'disabled'; lockedNow: boolean };

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const TOKEN = /^gt_([0-9a-f]{20})_([A-Za-z0-9_-]{43})$/;
const SESSION_TOUCH_MS = 60_000;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new GotthardError('GT_BAD_REQUEST', `name "${name}" is not valid: use 1-64 letters, digits and _ . @ -`);
  }
}

function checkScope(scope: readonly string[]): void {
  for (const s of scope) {
    if (s === '' || s.startsWith('/') || s.endsWith('/') || s.includes('//')) {
      throw new GotthardError(
        'GT_BAD_REQUEST',
        `scope entry "${s}" is not an asset path; write e.g. acme/zurich/machining/line1`,
      );
    }
  }
}

/**
 * Authentication: local users (scrypt), browser sessions with a CSRF token, API tokens for machines
 * (hashed at rest, scoped, expiring, revocable) and the first-start bootstrap (an admin from
 * `GOTTHARD_ADMIN_PASSWORD`, or a one-time setup token). Authorisation is the API hook's job
 * (src/security/auth/hook.ts); this class only says who a request is.
 */
export class AuthService {
  private readonly store: AuthStore;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly config: SecurityConfig;
  private readonly provisioned: { hash: string; principal: Principal; name: string }[];
  /** Failed sign-ins per client address: throttles guessing across many user names. */
  private readonly failuresByAddress = new Map<string, { count: number; since: number }>();
  private setupToken: string | undefined;
  private dummyHash = '';
  /** Told after anything that may take authority away (logout, revocation, user change or deletion). */
  private readonly authorityListeners = new Set<() => void>();

  private constructor(opts: AuthServiceOptions) {
    this.store = new AuthStore(join(opts.dataDir, 'security.db'));
    this.now = opts.now ?? Date.now;
    this.log = opts.logger;
    this.config = opts.config;
    this.provisioned = opts.config.tokens.map((t) => ({
      hash: sha256(t.secret),
      name: t.name,
      principal: { kind: 'token', name: t.name, role: t.role, scope: [...t.scope] },
    }));
  }

  /** Opens `<dataDir>/security.db` and bootstraps the first admin (see the class comment). */
  static async open(opts: AuthServiceOptions): Promise<AuthService> {
    const s = new AuthService(opts);
    const env = opts.env ?? process.env;
    if (s.store.countUsers() === 0) {
      const password = env.GOTTHARD_ADMIN_PASSWORD;
      if (password !== undefined && password !== '') {
        const problem = passwordProblem(password);
        if (problem) throw new GotthardError('GT_CONFIG_INVALID', `GOTTHARD_ADMIN_PASSWORD: ${problem}`);
        const name = env.GOTTHARD_ADMIN_USER || 'admin';
        checkName(name);
        s.store.insertUser({ name, role: 'admin', scope: [], passwordHash: await hashPassword(password) }, s.now());
        s.store.setMeta('setup', undefined);
        s.log.info({ user: name }, 'first start: created admin user from GOTTHARD_ADMIN_PASSWORD');
      } else {
        s.setupToken = randomBytes(18).toString('base64url');
        s.store.setMeta('setup', sha256(s.setupToken));
      }
    } else {
      s.store.setMeta('setup', undefined);
    }
    return s;
  }

  close(): void {
    this.store.close();
  }

  /** True until the first admin exists. */
  setupPending(): boolean {
    return this.store.getMeta('setup') !== undefined && this.store.countUsers() === 0;
  }

  /** The one-time setup token of this start, handed out once (the hub prints it); then gone from memory. */
  takeSetupToken(): string | undefined {
    const t = this.setupToken;
    this.setupToken = undefined;
    return t;
  }

  /** Creates the first admin with the one-time setup token and signs them in. */
  async setup(token: string, name: string, password: string): Promise<NewSession> {
    const stored = this.store.getMeta('setup');
    if (stored === undefined || this.store.countUsers() > 0) {
      throw new GotthardError('GT_CONFLICT', 'setup is already done; sign in instead');
    }
    if (!equalHex(sha256(token), stored)) {
      throw new GotthardError(
        'GT_FORBIDDEN',
        'the setup token is wrong; use the one the hub printed in its log at start-up (restart for a new one)',
      );
    }
    checkName(name);
    const problem = passwordProblem(password);
    if (problem) throw new GotthardError('GT_BAD_REQUEST', `password: ${problem}`);
    const passwordHash = await hashPassword(password);
    this.store.transaction(() => {
      this.store.insertUser({ name, role: 'admin', scope: [], passwordHash }, this.now());
      this.store.setMeta('setup', undefined);
    });
    return this.newSession(name, { kind: 'user', name, role: 'admin', scope: [] });
  }

  /** Password sign-in with per-user lock-out and per-address throttling. */
  async login(name: string, password: string, address: string): Promise<LoginOutcome> {
    const now = this.now();
    const lock = this.config.lockout;
    const byAddr = this.failuresByAddress.get(address);
    if (byAddr && now - byAddr.since > lock.lockFor) this.failuresByAddress.delete(address);
    else if (byAddr && byAddr.count >= lock.perAddress) return { ok: false, reason: 'throttled', lockedNow: false };

    const u = this.store.getUser(name);
    if (u && u.lockedUntil > now) return { ok: false, reason: 'locked', lockedNow: false };
    // Hash even for an unknown user, so the reply time does not tell which names exist.
    if (!u && this.dummyHash === '') this.dummyHash = await hashPassword(randomBytes(16).toString('hex'));
    const good = await verifyPassword(password, u?.passwordHash ?? this.dummyHash);
    if (u && good && !u.disabled) {
      this.store.clearFailures(u.name);
      this.failuresByAddress.delete(address);
      return { ok: true, session: this.newSession(u.name, this.principalOf(u)) };
    }
    const a = this.failuresByAddress.get(address) ?? { count: 0, since: now };
    a.count++;
    this.failuresByAddress.set(address, a);
    // Guessing from many addresses must not grow memory without bound: forget stale entries.
    if (this.failuresByAddress.size > 10_000) {
      for (const [k, v] of this.failuresByAddress) if (now - v.since > lock.lockFor) this.failuresByAddress.delete(k);
    }
    if (u && good && u.disabled) return { ok: false, reason: 'disabled', lockedNow: false };
    if (!u) return { ok: false, reason: 'bad-credentials', lockedNow: false };
    const r = this.store.recordFailure(u.name, lock.maxFailures, now + lock.lockFor);
    return { ok: false, reason: 'bad-credentials', lockedNow: r.locked };
  }

  logout(cookie: string): void {
    this.store.deleteSession(sha256(cookie));
    this.authorityChanged();
  }

  /**
   * Calls `fn` (synchronously) after every change that may take authority away: a logout, a token
   * revoked, a user changed, disabled or deleted. Long-lived channels re-check their credential then.
   */
  onAuthorityChange(fn: () => void): () => void {
    this.authorityListeners.add(fn);
    return () => this.authorityListeners.delete(fn);
  }

  private authorityChanged(): void {
    for (const fn of this.authorityListeners) {
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'authority-change listener failed');
      }
    }
  }

  /**
   * The principal a credential stands for now, or undefined when it no longer authorises anyone
   * (logged out, expired, revoked, user disabled or deleted). Does not refresh the session's idle
   * time: an open channel is not activity.
   */
  recheck(c: Credential): Principal | undefined {
    try {
      return c.kind === 'session' ? this.session(c.cookie, false)?.principal : this.bearer(c.value, false);
    } catch {
      return undefined;
    }
  }

  /** The session behind a cookie value, or undefined when there is none or it expired. */
  session(cookie: string, touch = true): SessionAuth | undefined {
    const idHash = sha256(cookie);
    const s = this.store.getSession(idHash);
    if (!s) return undefined;
    const now = this.now();
    const { idleTimeout, maxAge } = this.config.sessions;
    if (now - s.lastSeen > idleTimeout || now - s.createdAt > maxAge) {
      this.store.deleteSession(idHash);
      return undefined;
    }
    const u = this.store.getUser(s.user);
    if (!u || u.disabled) return undefined;
    if (touch && now - s.lastSeen > SESSION_TOUCH_MS) this.store.touchSession(idHash, now);
    return { principal: this.principalOf(u), csrf: s.csrf };
  }

  /** The principal behind an `Authorization: Bearer` value; throws GT_UNAUTHENTICATED naming why not. */
  bearer(value: string, touch = true): Principal {
    const m = TOKEN.exec(value);
    if (m) {
      const t = this.store.getToken(m[1] as string);
      if (!t || !equalHex(sha256(m[2] as string), t.hash)) {
        throw new GotthardError('GT_UNAUTHENTICATED', 'unknown API token');
      }
      const now = this.now();
      if (t.revokedAt !== null) throw new GotthardError('GT_UNAUTHENTICATED', `API token "${t.name}" was revoked`);
      if (t.expiresAt !== null && t.expiresAt <= now) {
        throw new GotthardError(
          'GT_UNAUTHENTICATED',
          `API token "${t.name}" expired at ${new Date(t.expiresAt).toISOString()}`,
        );
      }
      if (touch && (t.lastUsedAt === null || now - t.lastUsedAt > SESSION_TOUCH_MS)) this.store.touchToken(t.id, now);
      return { kind: 'token', name: t.name, role: t.role, scope: t.scope };
    }
    const h = sha256(value);
    const p = this.provisioned.find((x) => equalHex(x.hash, h));
    if (p) return p.principal;
    throw new GotthardError('GT_UNAUTHENTICATED', 'unknown API token');
  }

  // ---- users (admin) ----
  listUsers(): UserView[] {
    return this.store.listUsers().map((u) => this.userView(u));
  }

  getUser(name: string): UserView | undefined {
    const u = this.store.getUser(name);
    return u && this.userView(u);
  }

  async createUser(u: { name: string; role: Role; scope: string[]; password: string }): Promise<UserView> {
    checkName(u.name);
    checkScope(u.scope);
    const problem = passwordProblem(u.password);
    if (problem) throw new GotthardError('GT_BAD_REQUEST', `password: ${problem}`);
    if (this.store.getUser(u.name)) throw new GotthardError('GT_CONFLICT', `user "${u.name}" exists already`);
    this.store.insertUser(
      { name: u.name, role: u.role, scope: u.scope, passwordHash: await hashPassword(u.password) },
      this.now(),
    );
    return this.getUser(u.name) as UserView;
  }

  async updateUser(
    name: string,
    patch: { role?: Role; scope?: string[]; password?: string; disabled?: boolean },
  ): Promise<UserView> {
    const u = this.store.getUser(name);
    if (!u) throw new GotthardError('GT_NOT_FOUND', `no user "${name}"`);
    if (patch.scope) checkScope(patch.scope);
    let passwordHash: string | undefined;
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password);
      if (problem) throw new GotthardError('GT_BAD_REQUEST', `password: ${problem}`);
      passwordHash = await hashPassword(patch.password);
    }
    const demotes = (patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true;
    if (u.role === 'admin' && !u.disabled && demotes && this.activeAdmins() <= 1) {
      throw new GotthardError('GT_CONFLICT', `"${name}" is the last active admin; make another admin first`);
    }
    this.store.updateUser(
      name,
      { role: patch.role, scope: patch.scope, passwordHash, disabled: patch.disabled },
      this.now(),
    );
    // A changed role, scope, password or a disabled account takes effect at once: sessions end.
    this.store.deleteSessionsOf(name);
    this.authorityChanged();
    return this.getUser(name) as UserView;
  }

  deleteUser(name: string): void {
    const u = this.store.getUser(name);
    if (!u) throw new GotthardError('GT_NOT_FOUND', `no user "${name}"`);
    if (u.role === 'admin' && !u.disabled && this.activeAdmins() <= 1) {
      throw new GotthardError('GT_CONFLICT', `"${name}" is the last active admin; make another admin first`);
    }
    this.store.deleteSessionsOf(name);
    this.store.deleteUser(name);
    this.authorityChanged();
  }

  // ---- API tokens (admin) ----
  listTokens(): TokenView[] {
    const stored: TokenView[] = this.store.listTokens().map((t) => this.tokenView(t));
    const fromConfig: TokenView[] = this.config.tokens.map((t) => ({
      id: `config:${t.name}`,
      name: t.name,
      role: t.role,
      scope: [...t.scope],
      source: 'config',
      createdBy: 'config',
      createdAt: 0,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    }));
    return [...fromConfig, ...stored];
  }

  /** Makes a token; the secret is in the reply only, never stored. */
  /** `expiresInMs`: lifetime from now; null = no expiry. */
  createToken(t: { name: string; role: Role; scope: string[]; expiresInMs: number | null; createdBy: string }): {
    token: string;
    view: TokenView;
  } {
    checkName(t.name);
    checkScope(t.scope);
    if (!ROLES.includes(t.role))
      throw new GotthardError('GT_BAD_REQUEST', `role "${t.role}" is not one of ${ROLES.join(', ')}`);
    const now = this.now();
    if (t.expiresInMs !== null && !(t.expiresInMs > 0)) {
      throw new GotthardError('GT_BAD_REQUEST', 'a token lifetime must be positive; give e.g. 90d, or none');
    }
    const expiresAt = t.expiresInMs === null ? null : now + t.expiresInMs;
    const id = randomBytes(10).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    this.store.insertToken({
      id,
      name: t.name,
      role: t.role,
      scope: t.scope,
      hash: sha256(secret),
      createdBy: t.createdBy,
      createdAt: now,
      expiresAt,
    });
    return { token: `gt_${id}_${secret}`, view: this.tokenView(this.store.getToken(id) as TokenRow) };
  }

  revokeToken(id: string): TokenView {
    if (id.startsWith('config:')) {
      throw new GotthardError('GT_CONFLICT', `token ${id} comes from the config file; remove it there and restart`);
    }
    const t = this.store.getToken(id);
    if (!t) throw new GotthardError('GT_NOT_FOUND', `no API token with id "${id}"`);
    this.store.revokeToken(id, this.now());
    this.authorityChanged();
    return this.tokenView(this.store.getToken(id) as TokenRow);
  }

  private activeAdmins(): number {
    return this.store.listUsers().filter((u) => u.role === 'admin' && !u.disabled).length;
  }

  private newSession(user: string, principal: Principal): NewSession {
    const cookie = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const now = this.now();
    const { idleTimeout, maxAge } = this.config.sessions;
    this.store.deleteExpiredSessions(now - idleTimeout, now - maxAge);
    this.store.insertSession({ idHash: sha256(cookie), user, csrf, createdAt: now, lastSeen: now });
    return { cookie, csrf, principal };
  }

  private principalOf(u: UserRow): Principal {
    return { kind: 'user', name: u.name, role: u.role, scope: u.scope };
  }

  private userView(u: UserRow): UserView {
    return {
      name: u.name,
      role: u.role,
      scope: u.scope,
      disabled: u.disabled,
      locked: u.lockedUntil > this.now(),
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
    };
  }

  private tokenView(t: TokenRow): TokenView {
    return {
      id: t.id,
      name: t.name,
      role: t.role,
      scope: t.scope,
      source: 'store',
      createdBy: t.createdBy,
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      revokedAt: t.revokedAt,
      lastUsedAt: t.lastUsedAt,
    };
  }
}
