import { useState, type FormEvent } from 'react';
import { query, request, type Page } from '../api';
import { Empty, ProblemBanner, useLoad } from '../components';
import { instantToLocal, localToInstant } from '../filters';
import { ago, timestamp } from '../format';
import { Pager, usePaging, useUrlFilters } from '../listing';
import { useSession } from '../session';

const ROLES = ['admin', 'builder', 'operator', 'viewer'];

interface User {
  username: string;
  roles: string[];
  createdAt: string;
}

/** Users and their roles (admins only; the server refuses the rest). */
export function Users() {
  const users = useLoad((signal) => request<Page<User>>('/api/v1/users?limit=500', { signal }), 'users');
  const me = useSession().username;
  const [error, setError] = useState<unknown>();
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    try {
      await request('/api/v1/users', {
        method: 'POST',
        body: { username: data.get('username'), password: data.get('password'), roles: data.getAll('roles') },
      });
      form.reset();
      setError(undefined);
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  const setRoles = async (u: User, role: string, on: boolean) => {
    const roles = on ? [...u.roles, role] : u.roles.filter((r) => r !== role);
    try {
      await request(`/api/v1/users/${encodeURIComponent(u.username)}`, { method: 'PUT', body: { roles } });
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (u: User) => {
    if (!window.confirm(`Delete the user ${u.username}? Their API tokens stop working.`)) return;
    try {
      await request(`/api/v1/users/${encodeURIComponent(u.username)}`, { method: 'DELETE' });
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <h1>Users</h1>
      <form className="filters" onSubmit={create} aria-label="New user">
        <label>
          User name
          <input name="username" required autoComplete="off" />
        </label>
        <label>
          Password (12 characters or more)
          <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <fieldset className="roles-field">
          <legend>Roles</legend>
          {ROLES.map((r) => (
            <label key={r} className="inline">
              <input type="checkbox" name="roles" value={r} defaultChecked={r === 'viewer'} /> {r}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary">
          Add user
        </button>
      </form>
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      <ProblemBanner error={users.error} />
      <table className="grid" data-testid="users">
        <thead>
          <tr>
            <th>User</th>
            {ROLES.map((r) => (
              <th key={r}>{r}</th>
            ))}
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(users.data?.items ?? []).map((u) => (
            <tr key={u.username}>
              <td>
                <strong>{u.username}</strong>
                {u.username === me ? <span className="muted"> (you)</span> : null}
              </td>
              {ROLES.map((r) => (
                <td key={r}>
                  <input type="checkbox" aria-label={`${u.username} is ${r}`} checked={u.roles.includes(r)} onChange={(e) => setRoles(u, r, e.target.checked)} />
                </td>
              ))}
              <td>{timestamp(u.createdAt)}</td>
              <td>
                {u.username !== me ? (
                  <button type="button" className="small danger" onClick={() => remove(u)}>
                    Delete
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface Token {
  id: string;
  name: string;
  username: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  token?: string;
}

/** The signed-in user's API tokens: created (the secret shown once), listed, revoked. */
export function Tokens() {
  const tokens = useLoad((signal) => request<Page<Token>>('/api/v1/tokens', { signal }), 'tokens');
  const [issued, setIssued] = useState<Token | null>(null);
  const [error, setError] = useState<unknown>();
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    try {
      const token = await request<Token>('/api/v1/tokens', { method: 'POST', body: { name: new FormData(form).get('name') } });
      setIssued(token);
      form.reset();
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (t: Token) => {
    try {
      await request(`/api/v1/tokens/${t.id}`, { method: 'DELETE' });
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <h1>API tokens</h1>
      <form className="filters" onSubmit={create} aria-label="New token">
        <label>
          What is it for?
          <input name="name" required maxLength={100} placeholder="e.g. ci-deploy" />
        </label>
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      {issued ? (
        <div className="outcomes outcomes-ok" role="status">
          <div className="outcomes-head">
            <strong>Token {issued.name} — copy it now, it is shown only once:</strong>
            <button type="button" className="link" onClick={() => setIssued(null)}>
              Done
            </button>
          </div>
          <code className="secret-once" data-testid="issued-token">
            {issued.token}
          </code>
        </div>
      ) : null}
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      {tokens.data && !tokens.data.items.length ? <Empty title="No tokens yet">A token lets a script call the API as you: Authorization: Bearer …</Empty> : null}
      {tokens.data?.items.length ? (
        <table className="grid" data-testid="tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Last used</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{timestamp(t.createdAt)}</td>
                <td>{t.lastUsedAt ? ago(t.lastUsedAt) : 'never'}</td>
                <td>{t.revokedAt ? `revoked ${timestamp(t.revokedAt)}` : 'active'}</td>
                <td>
                  {!t.revokedAt ? (
                    <button type="button" className="small danger" onClick={() => revoke(t)}>
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

interface AuditEntry {
  id: number;
  at: string;
  user: string;
  action: string;
  target: string;
  status: number;
}

const AUDIT_FILTERS = ['user', 'from', 'to'] as const;

/** Who changed what, when: filters in the query string like the run explorer's. */
export function Audit() {
  const { filter, set } = useUrlFilters('/audit', AUDIT_FILTERS);
  const key = JSON.stringify(filter);
  const paging = usePaging(key);
  const cursor = paging.cursor;
  const entries = useLoad(
    (signal) => request<Page<AuditEntry>>(`/api/v1/audit${query({ ...filter, limit: 100, cursor })}`, { signal }),
    `${key}|${cursor ?? ''}`,
  );
  return (
    <section>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <label>
          User
          <input name="user" defaultValue={filter.user ?? ''} key={filter.user ?? ''} onBlur={(e) => set('user', e.target.value.trim())} onKeyDown={(e) => e.key === 'Enter' && set('user', e.currentTarget.value.trim())} />
        </label>
        <label>
          From
          <input type="datetime-local" value={instantToLocal(filter.from)} onChange={(e) => set('from', localToInstant(e.target.value))} />
        </label>
        <label>
          To
          <input type="datetime-local" value={instantToLocal(filter.to)} onChange={(e) => set('to', localToInstant(e.target.value))} />
        </label>
      </form>
      <ProblemBanner error={entries.error} />
      {entries.data && !entries.data.items.length ? <Empty title="Nothing recorded for these filters" /> : null}
      {entries.data?.items.length ? (
        <table className="grid" data-testid="audit">
          <thead>
            <tr>
              <th>When</th>
              <th>User</th>
              <th>Action</th>
              <th>Target</th>
              <th>Answer</th>
            </tr>
          </thead>
          <tbody>
            {entries.data.items.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">{timestamp(e.at)}</td>
                <td>{e.user}</td>
                <td className="mono">{e.action}</td>
                <td className="mono">{e.target}</td>
                <td>{e.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager paging={paging} nextCursor={entries.data?.nextCursor} />
    </section>
  );
}
