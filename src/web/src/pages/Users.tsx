import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, call, client, csrfToken, type Reply } from '../api';
import { ROLES, type Role } from '../session';

type User = Reply<'/api/v1/users'>['users'][number];
type Token = Reply<'/api/v1/tokens'>['tokens'][number];

async function send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      accept: 'application/json',
      'x-csrf-token': csrfToken(),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) {
    const b = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    throw new ApiError(res.status, b?.error?.code ?? `HTTP_${res.status}`, b?.error?.message ?? res.statusText);
  }
  return (await res.json()) as T;
}

const scopeList = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim().replace(/\/+$/, ''))
    .filter(Boolean);

/**
 * Users and API tokens (admin): create users with a role and an optional asset scope, disable,
 * unlock by setting a new password, delete; make API tokens for machines (the secret is shown once)
 * and revoke them. Every change is audited on the hub.
 */
export function UsersPage() {
  const [users, setUsers] = useState<User[]>([]);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<{ name: string; token: string }>();

  const load = useCallback(async () => {
    try {
      setUsers((await call(client.GET('/api/v1/users'))).users);
      setTokens((await call(client.GET('/api/v1/tokens'))).tokens);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError((e as Error).message);
    }
    await load();
  };

  const [u, setU] = useState({ name: '', role: 'viewer' as Role, scope: '', password: '' });
  const addUser = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await send('POST', '/users', { name: u.name, role: u.role, scope: scopeList(u.scope), password: u.password });
      setU({ name: '', role: 'viewer', scope: '', password: '' });
    });
  };
  const [t, setT] = useState({ name: '', role: 'viewer' as Role, scope: '', expiresIn: '90d' });
  const addToken = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const r = await send<{ token: string; info: Token }>('POST', '/tokens', {
        name: t.name,
        role: t.role,
        scope: scopeList(t.scope),
        ...(t.expiresIn.trim() ? { expiresIn: t.expiresIn.trim() } : {}),
      });
      setSecret({ name: r.info.name, token: r.token });
      setT({ name: '', role: 'viewer', scope: '', expiresIn: '90d' });
    });
  };

  return (
    <section className="page" data-testid="users-page">
      <div className="page-head">
        <h1>Users and API tokens</h1>
      </div>
      {error && (
        <div className="banner banner-alarm" role="alert">
          {error}
        </div>
      )}
      <div className="card">
        <div className="card-head">
          <h2>Users</h2>
        </div>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Scope</th>
                <th>State</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((x) => (
                <tr key={x.name}>
                  <td>{x.name}</td>
                  <td>
                    <select
                      aria-label={`Role of ${x.name}`}
                      value={x.role}
                      onChange={(e) =>
                        void act(() => send('PATCH', `/users/${encodeURIComponent(x.name)}`, { role: e.target.value }))
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </td>
                  <td className="small">{x.scope.length ? x.scope.join(', ') : 'whole enterprise'}</td>
                  <td>{x.disabled ? 'disabled' : x.locked ? 'locked out' : 'active'}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() =>
                        void act(() => send('PATCH', `/users/${encodeURIComponent(x.name)}`, { disabled: !x.disabled }))
                      }
                    >
                      {x.disabled ? 'Enable' : 'Disable'}
                    </button>{' '}
                    <button
                      type="button"
                      onClick={() => {
                        const pw = prompt(`New password for ${x.name} (at least 12 characters)`);
                        if (pw) void act(() => send('PATCH', `/users/${encodeURIComponent(x.name)}`, { password: pw }));
                      }}
                    >
                      Set password
                    </button>{' '}
                    <button
                      type="button"
                      onClick={() => {
                        if (confirm(`Delete user ${x.name}?`))
                          void act(() => send('DELETE', `/users/${encodeURIComponent(x.name)}`));
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form className="inline-form" onSubmit={addUser} data-testid="add-user">
          <input
            placeholder="name"
            aria-label="New user name"
            value={u.name}
            onChange={(e) => setU({ ...u, name: e.target.value })}
            required
          />
          <select
            aria-label="New user role"
            value={u.role}
            onChange={(e) => setU({ ...u, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <input
            placeholder="scope, e.g. acme/zurich/machining/line1 (empty = all)"
            aria-label="New user scope"
            value={u.scope}
            onChange={(e) => setU({ ...u, scope: e.target.value })}
          />
          <input
            type="password"
            placeholder="password (12+ characters)"
            aria-label="New user password"
            autoComplete="new-password"
            value={u.password}
            onChange={(e) => setU({ ...u, password: e.target.value })}
            required
          />
          <button type="submit" className="button">
            Add user
          </button>
        </form>
      </div>

      <div className="card">
        <div className="card-head">
          <h2>API tokens</h2>
        </div>
        {secret && (
          <div className="banner" role="status" data-testid="token-secret">
            Token <strong>{secret.name}</strong> — copy it now, it is not shown again:{' '}
            <code className="break">{secret.token}</code>{' '}
            <button type="button" onClick={() => setSecret(undefined)}>
              Done
            </button>
          </div>
        )}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Scope</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.map((x) => (
                <tr key={x.id}>
                  <td>
                    {x.name} {x.source === 'config' && <span className="muted small">(config)</span>}
                  </td>
                  <td>{x.role}</td>
                  <td className="small">{x.scope.length ? x.scope.join(', ') : 'whole enterprise'}</td>
                  <td className="small">{x.expiresAt ?? 'never'}</td>
                  <td className="small">{x.lastUsedAt ?? '—'}</td>
                  <td>
                    {x.revokedAt
                      ? 'revoked'
                      : x.expiresAt && Date.parse(x.expiresAt) < Date.now()
                        ? 'expired'
                        : 'active'}
                  </td>
                  <td>
                    {x.source === 'store' && !x.revokedAt && (
                      <button type="button" onClick={() => void act(() => send('DELETE', `/tokens/${x.id}`))}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form className="inline-form" onSubmit={addToken} data-testid="add-token">
          <input
            placeholder="name, e.g. mes-bridge"
            aria-label="New token name"
            value={t.name}
            onChange={(e) => setT({ ...t, name: e.target.value })}
            required
          />
          <select
            aria-label="New token role"
            value={t.role}
            onChange={(e) => setT({ ...t, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <input
            placeholder="scope (empty = all)"
            aria-label="New token scope"
            value={t.scope}
            onChange={(e) => setT({ ...t, scope: e.target.value })}
          />
          <input
            placeholder="lifetime, e.g. 90d (empty = never)"
            aria-label="New token lifetime"
            value={t.expiresIn}
            onChange={(e) => setT({ ...t, expiresIn: e.target.value })}
          />
          <button type="submit" className="button">
            Create token
          </button>
        </form>
      </div>
    </section>
  );
}
