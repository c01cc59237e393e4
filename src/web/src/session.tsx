import { createContext, type FormEvent, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { API, ApiError, csrfToken, type Reply } from './api';

/** Least privilege first, as on the hub (src/security/types.ts). */
export const ROLES = ['viewer', 'operator', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who the session is, as `GET /auth/me` says. */
export type Principal = Reply<'/api/v1/auth/me'>['principal'];

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

interface Session {
  principal: Principal;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionGate');
  return s;
}

/** True when the signed-in user has at least `role`; the hub enforces the same on every route. */
export function useCan(role: Role): boolean {
  return roleAtLeast(useSession().principal.role, role);
}

/** Fired by the API helpers on a 401, so the gate shows the sign-in page again. */
export const UNAUTHENTICATED_EVENT = 'gotthard:unauthenticated';

async function postJson<T>(path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${API}${path}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'GT_UNREACHABLE', 'the hub is not reachable');
  }
  if (!res.ok) {
    const b = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, b?.error?.code ?? `HTTP_${res.status}`, b?.error?.message ?? res.statusText);
  }
  return (await res.json()) as T;
}

type GateState =
  | { kind: 'loading' }
  | { kind: 'signed-out'; setupPending: boolean; reason?: string }
  | { kind: 'signed-in'; principal: Principal }
  | { kind: 'unreachable' };

/**
 * Shows the sign-in page (or, on a hub without users, the first-start setup page) until the hub
 * knows who this is; then renders `children` with the session in context. `onSignedIn` runs once
 * per sign-in (the live link starts there).
 */
export function SessionGate({ children, onSignedIn }: { children: ReactNode; onSignedIn?: () => void }) {
  const [state, setState] = useState<GateState>({ kind: 'loading' });

  const check = useCallback(async (reason?: string) => {
    try {
      const me = await fetch(`${API}/auth/me`, { headers: { accept: 'application/json' } });
      if (me.ok) {
        const body = (await me.json()) as { principal: Principal };
        setState({ kind: 'signed-in', principal: body.principal });
        return;
      }
      const setup = (await (await fetch(`${API}/auth/setup`)).json()) as { pending: boolean };
      setState({ kind: 'signed-out', setupPending: setup.pending, reason });
    } catch {
      setState({ kind: 'unreachable' });
    }
  }, []);

  useEffect(() => {
    void check();
    const onLost = () => void check('Your session ended; sign in again.');
    window.addEventListener(UNAUTHENTICATED_EVENT, onLost);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, onLost);
  }, [check]);

  const signedIn = state.kind === 'signed-in';
  useEffect(() => {
    if (signedIn) onSignedIn?.();
  }, [signedIn, onSignedIn]);

  const signOut = useCallback(async () => {
    await postJson('/auth/logout', {}).catch(() => undefined);
    location.hash = '#/overview';
    location.reload();
  }, []);

  if (state.kind === 'loading') return <p className="gate-loading">Loading…</p>;
  if (state.kind === 'unreachable') {
    return (
      <AuthFrame title="Gotthard">
        <div className="banner banner-alarm" role="alert">
          The hub is not reachable.{' '}
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </div>
      </AuthFrame>
    );
  }
  if (state.kind === 'signed-out') {
    return state.setupPending ? (
      <SetupPage onDone={() => void check()} />
    ) : (
      <LoginPage reason={state.reason} onDone={() => void check()} />
    );
  }
  return <SessionContext.Provider value={{ principal: state.principal, signOut }}>{children}</SessionContext.Provider>;
}

function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page" id="main">
      <section className="card auth-card">
        <h1>
          <svg viewBox="0 0 16 16" width="20" height="20" aria-hidden="true">
            <path d="M1 14h14L8 3z" fill="currentColor" />
          </svg>{' '}
          {title}
        </h1>
        {children}
      </section>
    </main>
  );
}

function LoginPage({ reason, onDone }: { reason?: string; onDone(): void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await postJson('/auth/login', { name, password });
      onDone();
    } catch (err) {
      setError((err as Error).message);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title="Sign in to Gotthard">
      {reason && <p className="banner">{reason}</p>}
      <form onSubmit={submit} className="auth-form" data-testid="login-form">
        <label>
          User name
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" required />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        {error && (
          <p className="banner banner-alarm" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted small">
        Machines use API tokens (Authorization: Bearer …), made by an admin on the Users page.
      </p>
    </AuthFrame>
  );
}

function SetupPage({ onDone }: { onDone(): void }) {
  const [token, setToken] = useState('');
  const [name, setName] = useState('admin');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) {
      setError('the two passwords differ');
      return;
    }
    try {
      await postJson('/auth/setup', { token, name, password });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <AuthFrame title="Set up Gotthard">
      <p>
        No user exists yet. Enter the one-time setup token the hub printed in its log at start-up (
        <code>"setupToken"</code>) and choose the first administrator.
      </p>
      <form onSubmit={submit} className="auth-form" data-testid="setup-form">
        <label>
          Setup token
          <input value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" required />
        </label>
        <label>
          Admin user name
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" required />
        </label>
        <label>
          Password (at least 12 characters)
          <input
            type="password"
            value={password}
            minLength={12}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
        </label>
        <label>
          Repeat password
          <input
            type="password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            autoComplete="new-password"
            required
          />
        </label>
        {error && (
          <p className="banner banner-alarm" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button">
          Create administrator and sign in
        </button>
      </form>
    </AuthFrame>
  );
}

/** The signed-in user in the top bar, with Sign out. */
export function UserMenu() {
  const { principal, signOut } = useSession();
  return (
    <span className="user-menu" data-testid="user-menu">
      <span title={principal.scope.length ? `Limited to ${principal.scope.join(', ')}` : 'Whole enterprise'}>
        {principal.name} <span className="muted">· {principal.role}</span>
      </span>
      <button type="button" onClick={() => void signOut()} data-testid="sign-out">
        Sign out
      </button>
    </span>
  );
}
