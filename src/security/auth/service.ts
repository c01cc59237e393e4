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
  | {
      ok: false;
      reason: 'bad-credentials' | 'throttled' | 'disabled';
      /** This failure started the delays for the (name, address) pair (audited once). */
      throttledNow: boolean;
      /** With `throttled`: how long to wait before the next attempt is looked at. */
      retryAfterMs?: number;
    };

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
  /** Failed sign-ins per client address (guessing across many names) and per (name, address). */
  private readonly failuresByAddress = new Map<string, { count: number; last: number }>();
  private readonly failuresByPair = new Map<string, { count: number; last: number }>();
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
        const name = env.GOTTHARD_ADMIN_USER || 'admin';
        const problem = passwordProblem(password, name);
        if (problem) throw new GotthardError('GT_CONFIG_INVALID', `GOTTHARD_ADMIN_PASSWORD: ${problem}`);
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
    checkName(name);
    const problem = passwordProblem(password, name);
    if (problem) throw new GotthardError('GT_BAD_REQUEST', `password: ${problem}`);
    // The token is consumed in one synchronous transaction before anything is awaited: of two
    // concurrent requests with it, one claims it and the other finds it gone (issue 17: two
    // concurrent setup requests created two admins while both awaited the password hash).
    const claimed = this.store.transaction(() => {
      const stored = this.store.getMeta('setup');
      if (stored === undefined || this.store.countUsers() > 0) return 'done' as const;
      if (!equalHex(sha256(token), stored)) return 'wrong' as const;
      this.store.setMeta('setup', undefined);
      return stored;
    });
    if (claimed === 'done') throw new GotthardError('GT_CONFLICT', 'setup is already done; sign in instead');
    if (claimed === 'wrong') {
      throw new GotthardError(
        'GT_FORBIDDEN',
        'the setup token is wrong; use the one the hub printed in its log at start-up (restart for a new one)',
      );
    }
    let passwordHash: string;
    try {
      passwordHash = await hashPassword(password);
    } catch (err) {
      this.store.setMeta('setup', claimed); // not used up: the admin was not created
      throw err;
    }
    this.store.insertUser({ name, role: 'admin', scope: [], passwordHash }, this.now());
    return this.newSession(name, { kind: 'user', name, role: 'admin', scope: [] });
  }

  /**
   * Password sign-in with progressive delays instead of a lock-out. After `lockout.maxFailures`
   * failures of one name from one client address, each further attempt of that pair must wait
   * 1 s, 2 s, 4 s … (at most `lockFor`); after `perAddress` failures from one address across
   * names, the same for the address. Nobody can lock an account from elsewhere: the owner's
   * address is not slowed by an attacker's failures. Known and unknown names are treated the same
   * way, with the same password hash work and the same answers, so replies do not tell which names
   * exist (OWASP Authentication Cheat Sheet, "Login throttling"; NIST SP 800-63B 5.2.2).
   */
  async login(name: string, password: string, address: string): Promise<LoginOutcome> {
    const now = this.now();
    const lock = this.config.lockout;
    const pairKey = `${address}\n${name.toLowerCase()}`;
    const pair = this.fresh(this.failuresByPair, pairKey, now);
    const byAddr = this.fresh(this.failuresByAddress, address, now);
    const waitMs = Math.max(this.remaining(pair, lock.maxFailures, now), this.remaining(byAddr, lock.perAddress, now));
    if (waitMs > 0) return { ok: false, reason: 'throttled', throttledNow: false, retryAfterMs: waitMs };

    const u = this.store.getUser(name);
    // Hash even for an unknown user, so the reply time does not tell which names exist.
    if (this.dummyHash === '') this.dummyHash = await hashPassword(randomBytes(16).toString('hex'));
    const good = await verifyPassword(password, u?.passwordHash ?? this.dummyHash);
    if (u && good && !u.disabled) {
      this.failuresByPair.delete(pairKey);
      return { ok: true, session: this.newSession(u.name, this.principalOf(u)) };
    }
    const p = pair ?? { count: 0, last: now };
    p.count++;
    p.last = now;
    this.failuresByPair.set(pairKey, p);
    const a = byAddr ?? { count: 0, last: now };
    a.count++;
    a.last = now;
    this.failuresByAddress.set(address, a);
    // Guessing from many addresses must not grow memory without bound: forget stale entries.
    for (const m of [this.failuresByPair, this.failuresByAddress]) {
      if (m.size > 10_000) for (const [k, v] of m) if (now - v.last > lock.lockFor) m.delete(k);
    }
    if (u && good && u.disabled) return { ok: false, reason: 'disabled', throttledNow: false };
    return { ok: false, reason: 'bad-credentials', throttledNow: p.count === lock.maxFailures };
  }

  /** The entry, or undefined when there is none or its last failure is older than `lockFor` (forgotten). */
  private fresh(
    m: Map<string, { count: number; last: number }>,
    key: string,
    now: number,
  ): { count: number; last: number } | undefined {
    const e = m.get(key);
    if (e && now - e.last > this.config.lockout.lockFor) {
      m.delete(key);
      return undefined;
    }
    return e;
  }

  /** How long an attempt must still wait: 2^(failures − threshold) s after the last failure, at most `lockFor`. */
  private remaining(e: { count: number; last: number } | undefined, threshold: number, now: number): number {
    if (!e || e.count < threshold) return 0;
    const delay = Math.min(this.config.lockout.lockFor, 1000 * 2 ** Math.min(30, e.count - threshold));
    return Math.max(0, e.last + delay - now);
  }

  /** Client addresses (IPs or CIDRs) of reverse proxies whose X-Forwarded-For is believed. */
  get trustedProxies(): readonly string[] {
    return this.config.trustedProxies;
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
    const problem = passwordProblem(u.password, u.name);
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
      const problem = passwordProblem(patch.password, name);
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
