import { useMemo, useState, type FormEvent } from 'react';
import { request } from '../api';
import { Empty, ProblemBanner, useLoad } from '../components';
import { timestamp } from '../format';
import type { Connection, Connector } from '../model';
import { fields as schemaFields, settingsFrom, textsFrom, type Field } from '../schemaForm';
import { useCan } from '../session';

/** Connections, edited through forms generated from each connector's connection schema; secrets write-only. */
export function Connections() {
  const connections = useLoad((signal) => request<{ items: Connection[] }>('/api/v1/connections', { signal }), 'connections');
  const connectors = useLoad((signal) => request<{ items: Connector[] }>('/api/v1/connectors', { signal }), 'connectors');
  const canEdit = useCan('edit-connections');
  const [editing, setEditing] = useState<Connection | 'new' | null>(null);
  const [error, setError] = useState<unknown>();
  const [rowTest, setRowTest] = useState<{ name: string; answer: TestAnswer } | null>(null);
  const [rowTesting, setRowTesting] = useState<string | null>(null);
  const remove = async (c: Connection) => {
    if (!window.confirm(`Delete the connection ${c.name}? Recipes that use it will fail.`)) return;
    try {
      await request(`/api/v1/connections/${encodeURIComponent(c.name)}`, { method: 'DELETE' });
      connections.reload();
    } catch (e) {
      setError(e);
    }
  };
  const items = connections.data?.items ?? [];
  return (
    <section>
      <div className="page-head">
        <h1>Connections</h1>
        {canEdit ? (
          <div className="actions">
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              New connection
            </button>
          </div>
        ) : null}
      </div>
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      <ProblemBanner error={connections.error ?? connectors.error} />
      {rowTest ? <TestOutcome answer={rowTest.answer} name={rowTest.name} onClose={() => setRowTest(null)} /> : null}
      {editing && connectors.data ? (
        <ConnectionForm
          connectors={connectors.data.items}
          existing={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) connections.reload();
          }}
        />
      ) : null}
      {connections.data && !items.length ? <Empty title="No connections yet">A connection holds the settings and secrets a recipe's steps use, e.g. a database URL and password.</Empty> : null}
      {items.length ? (
        <table className="grid" data-testid="connections">
          <thead>
            <tr>
              <th>Name</th>
              <th>Connector</th>
              <th>Settings</th>
              <th>Secrets</th>
              <th>Updated</th>
              {canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.name}>
                <td>
                  <strong>{c.name}</strong>
                </td>
                <td>{c.connector}</td>
                <td className="mono small-text">
                  {Object.entries(c.settings ?? {})
                    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                    .join(', ')}
                </td>
                <td>{c.secretFields.length ? c.secretFields.map((s) => `${s}: set`).join(', ') : <span className="muted">none</span>}</td>
                <td>{timestamp(c.updatedAt)}</td>
                {canEdit ? (
                  <td className="nowrap">
                    <button type="button" className="small" onClick={() => setEditing(c)}>
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="small"
                      disabled={rowTesting === c.name}
                      onClick={async () => {
                        setRowTesting(c.name);
                        setRowTest(null);
                        setRowTest({ name: c.name, answer: await testConnection(c.name) });
                        setRowTesting(null);
                      }}
                    >
                      {rowTesting === c.name ? 'Testing…' : 'Test'}
                    </button>{' '}
                    <button type="button" className="small danger" onClick={() => remove(c)}>
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

function ConnectionForm({ connectors, existing, onDone }: { connectors: Connector[]; existing: Connection | null; onDone: (saved: boolean) => void }) {
  const withSchema = connectors.filter((c) => c.connectionSchema?.properties);
  const [connector, setConnector] = useState(existing?.connector ?? withSchema[0]?.name ?? '');
  const schema = connectors.find((c) => c.name === connector)?.connectionSchema;
  const fieldList = useMemo(() => schemaFields(schema), [schema]);
  const [texts, setTexts] = useState<Record<string, string>>(() => textsFrom(fieldList, existing?.settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<unknown>();
  const setText = (path: string, value: string) => setTexts((t) => ({ ...t, [path]: value }));

  const [saved, setSaved] = useState<string | null>(existing?.name ?? null);
  const [tested, setTested] = useState<TestAnswer | null>(null);
  const [testing, setTesting] = useState(false);
  const save = async (form: HTMLFormElement): Promise<string | null> => {
    const data = new FormData(form);
    const name = saved ?? String(data.get('name') ?? '').trim();
    const { settings, errors: found } = settingsFrom(fieldList, texts);
    setErrors(found);
    if (Object.keys(found).length) return null;
    try {
      if (saved) {
        await request(`/api/v1/connections/${encodeURIComponent(name)}`, { method: 'PUT', body: { connector, settings } });
      } else {
        await request('/api/v1/connections', { method: 'POST', body: { name, connector, settings } });
      }
      setProblem(undefined);
      return name;
    } catch (err) {
      setProblem(err);
      return null;
    }
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (await save(e.currentTarget)) {
      // secrets typed into the form leave page memory with the form
      setTexts({});
      onDone(true);
    }
  };
  const saveAndTest = async (form: HTMLFormElement | null) => {
    if (!form || !form.reportValidity()) return;
    setTested(null);
    const name = await save(form);
    if (!name) return;
    setSaved(name);
    setTesting(true);
    setTested(await testConnection(name));
    setTesting(false);
  };

  return (
    <form className="card connection-form" onSubmit={submit} aria-label="Connection">
      <h2>{existing ? `Edit ${existing.name}` : 'New connection'}</h2>
      <div className="form-grid">
        <label>
          Name
          {saved ? <input value={saved} disabled /> : <input name="name" required pattern="[A-Za-z0-9_.-]+" placeholder="e.g. shop-db" />}
        </label>
        <label>
          Connector
          <select
            name="connector"
            value={connector}
            disabled={!!saved}
            onChange={(e) => {
              setConnector(e.target.value);
              setTexts({});
              setErrors({});
            }}
          >
            {withSchema.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <SchemaFields list={fieldList} texts={texts} errors={errors} setText={setText} secretsSet={existing?.secretFields ?? []} />
      </div>
      <ProblemBanner error={problem} />
      {tested ? <TestOutcome answer={tested} /> : null}
      <div className="toolbar">
        <button type="submit" className="primary">
          {saved ? 'Save' : 'Create'}
        </button>
        <button type="button" disabled={testing} onClick={(e) => saveAndTest(e.currentTarget.form)} data-testid="save-and-test" title="Saves the settings, then the connector tries them: an HTTP GET of baseUrl, select 1, describe the Kafka cluster, an SMTP login">
          {testing ? 'Testing…' : saved ? 'Save and test' : 'Create and test'}
        </button>
        <button type="button" onClick={() => onDone(saved !== (existing?.name ?? null))}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SchemaFields({ list, texts, errors, setText, secretsSet }: {
  list: Field[];
  texts: Record<string, string>;
  errors: Record<string, string>;
  setText: (path: string, value: string) => void;
  secretsSet: string[];
}) {
  return (
    <>
      {list.map((f) => {
        if (f.kind === 'object') {
          return (
            <fieldset key={f.path} className="wide">
              <legend>{f.label}</legend>
              {f.description ? <div className="hint">{f.description}</div> : null}
              <div className="form-grid">
                <SchemaFields list={f.children ?? []} texts={texts} errors={errors} setText={setText} secretsSet={secretsSet} />
              </div>
            </fieldset>
          );
        }
        const value = texts[f.path] ?? '';
        const isSet = secretsSet.includes(f.path) || secretsSet.includes(f.path.split('.')[0]);
        let input;
        if (f.kind === 'enum' || f.kind === 'boolean') {
          const options = f.kind === 'boolean' ? ['true', 'false'] : (f.options ?? []);
          input = (
            <select name={f.path} value={value} onChange={(e) => setText(f.path, e.target.value)}>
              <option value="">{f.defaultValue !== undefined ? `default (${String(f.defaultValue)})` : '—'}</option>
              {options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          );
        } else if (f.kind === 'json') {
          input = <textarea name={f.path} className="code" rows={3} value={value} onChange={(e) => setText(f.path, e.target.value)} placeholder="JSON" />;
        } else {
          input = (
            <input
              name={f.path}
              type={f.kind === 'secret' ? 'password' : f.kind === 'text' ? 'text' : 'number'}
              autoComplete={f.kind === 'secret' ? 'new-password' : 'off'}
              value={value}
              required={f.required && f.kind !== 'secret'}
              onChange={(e) => setText(f.path, e.target.value)}
              placeholder={f.kind === 'secret' ? (isSet ? 'set — leave blank to keep' : 'not set') : f.defaultValue !== undefined ? `default ${String(f.defaultValue)}` : ''}
            />
          );
        }
        return (
          <label key={f.path} className={f.kind === 'json' ? 'wide' : undefined}>
            <span>
              {f.label}
              {f.required ? <span className="required"> *</span> : null}
              {f.kind === 'secret' ? <span className={`secret-state ${isSet ? 'set' : ''}`}>{isSet ? ' secret · set' : ' secret · not set'}</span> : null}
            </span>
            {input}
            {f.description ? <span className="hint">{f.description}</span> : null}
            {errors[f.path] ? <span className="field-error">{errors[f.path]}</span> : null}
          </label>
        );
      })}
    </>
  );
}

interface TestAnswer {
  ok: boolean;
  detail: string;
  durationMs?: number;
}

/** POST /api/v1/connections/{name}/test; a refusal (a connector that cannot test) reads as a failed test with its reason. */
async function testConnection(name: string): Promise<TestAnswer> {
  try {
    return await request<TestAnswer>(`/api/v1/connections/${encodeURIComponent(name)}/test`, { method: 'POST' });
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}

function TestOutcome({ answer, name, onClose }: { answer: TestAnswer; name?: string; onClose?: () => void }) {
  return (
    <div className={`outcomes ${answer.ok ? 'outcomes-ok' : 'outcomes-partial'}`} role="status" data-testid="connection-test">
      <div className="outcomes-head">
        <strong>
          {name ? `${name}: ` : ''}
          {answer.ok ? 'works' : 'does not work'}
          {answer.durationMs !== undefined ? <span className="muted"> ({answer.durationMs} ms)</span> : null}
        </strong>
        {onClose ? (
          <button type="button" className="link" onClick={onClose}>
            Close
          </button>
        ) : null}
      </div>
      <div>{answer.detail}</div>
    </div>
  );
}
