import { useState, type FormEvent } from 'react';
import { request } from '../api';
import { Empty, ProblemBanner, useLoad } from '../components';
import { ago, timestamp } from '../format';
import { useCan } from '../session';

interface SecretInfo {
  name: string;
  createdAt: string;
  updatedAt: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]{0,63}';

/**
 * Standalone secrets, read in recipes as `secrets.NAME`: their names and when they changed. A value is
 * sent once and never shown again, not even to the person who set it.
 */
export function Secrets() {
  const secrets = useLoad((signal) => request<{ items: SecretInfo[] }>('/api/v1/secrets', { signal }), 'secrets');
  const canEdit = useCan('edit-secrets');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string | null>(null);
  const [replacing, setReplacing] = useState<string | null>(null);
  const items = [...(secrets.data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    try {
      await request('/api/v1/secrets', { method: 'POST', body: { name, value: String(data.get('value') ?? '') } });
      form.reset();
      setReplacing(null);
      setError(undefined);
      setSaved(name);
      secrets.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (s: SecretInfo) => {
    if (!window.confirm(`Delete the secret ${s.name}? Recipes and connections reading secrets.${s.name} will fail until it is set again.`)) return;
    try {
      await request(`/api/v1/secrets/${encodeURIComponent(s.name)}`, { method: 'DELETE' });
      setSaved(null);
      secrets.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      <h1>Secrets</h1>
      <p className="muted">
        Read in recipes as <code>{'{{ secrets.NAME }}'}</code>. Values are write-only: they are stored encrypted and never shown or returned.
      </p>
      {canEdit ? (
        <form className="filters" onSubmit={save} aria-label="Set a secret" key={replacing ?? 'new'}>
          <label>
            Name
            <input name="name" required pattern={NAME} title="1 to 64 letters, digits or _, not starting with a digit" defaultValue={replacing ?? ''} readOnly={!!replacing} autoComplete="off" />
          </label>
          <label>
            Value
            <input name="value" type="password" required autoComplete="new-password" placeholder={replacing ? 'the new value' : ''} autoFocus={!!replacing} />
          </label>
          <button type="submit" className="primary">
            {replacing ? `Replace ${replacing}` : 'Set secret'}
          </button>
          {replacing ? (
            <button type="button" className="link" onClick={() => setReplacing(null)}>
              Cancel
            </button>
          ) : null}
        </form>
      ) : null}
      {saved ? (
        <div className="outcomes outcomes-ok" role="status" data-testid="secret-saved">
          <div className="outcomes-head">
            <span>
              Secret <code>{saved}</code> is set.
            </span>
            <button type="button" className="link" onClick={() => setSaved(null)}>
              Close
            </button>
          </div>
        </div>
      ) : null}
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      <ProblemBanner error={secrets.error} />
      {secrets.data && !items.length ? <Empty title="No secrets yet">A secret keeps a password or key out of recipe definitions, e.g. SHOP_API_KEY.</Empty> : null}
      {items.length ? (
        <table className="grid" data-testid="secrets">
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th>Created</th>
              <th>Last changed</th>
              {canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.name}>
                <td className="mono">{s.name}</td>
                <td className="muted">set (hidden)</td>
                <td>{timestamp(s.createdAt)}</td>
                <td title={s.updatedAt}>{ago(s.updatedAt)}</td>
                {canEdit ? (
                  <td className="nowrap">
                    <button type="button" className="small" onClick={() => setReplacing(s.name)}>
                      Replace
                    </button>{' '}
                    <button type="button" className="small danger" onClick={() => remove(s)}>
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
