import { useState } from 'react';
import { query, request, type Page } from '../api';
import { eachOf, Empty, JsonView, Outcomes, ProblemBanner, StatusBadge, useLoad, type Outcome } from '../components';
import { instantToLocal, localToInstant, readFilter, writeFilter } from '../filters';
import { ago, shortId } from '../format';
import type { DeadLetter } from '../model';
import { Link, navigate, useLocation } from '../router';
import { useCan } from '../session';
import { useRecipeSlugs } from './Runs';
import { groupByError } from '../groups';

const FILTERS = ['recipe', 'status', 'errorType', 'from', 'to'] as const;
const PAGE = 100;

interface BulkAnswer {
  replayed: number;
  runs: { deadLetterId: string; runId: string }[];
  skipped: { deadLetterId: string; reason: string }[];
}

/** Dead letters: find them, see why they failed (grouped by error type), replay or discard them in bulk. */
export function DeadLetters() {
  const { search } = useLocation();
  const filter = readFilter(search, FILTERS);
  // Open ones unless the link asks otherwise; "all" shows every status.
  const status = filter.status ?? 'open';
  const apiFilter = { ...filter, status: status === 'all' ? '' : status };
  const canReplay = useCan('replay-dead-letters');
  const slugs = useRecipeSlugs();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const key = JSON.stringify(apiFilter);
  const [lastKey, setLastKey] = useState(key);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [from, setFrom] = useState<'failed-step' | 'trigger'>('failed-step');
  const [version, setVersion] = useState('');
  const [outcomes, setOutcomes] = useState<{ title: string; list: Outcome[] } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [editing, setEditing] = useState<DeadLetter | null>(null);
  if (lastKey !== key) {
    setLastKey(key);
    setCursors([]);
    setSelected(new Set());
  }
  const list = useLoad(
    (signal) => request<Page<DeadLetter>>(`/api/v1/dead-letters${query({ ...apiFilter, limit: PAGE, cursor })}`, { signal }),
    `${key}|${cursor ?? ''}`,
    cursor ? null : 10000,
  );
  const items = list.data?.items ?? [];
  const set = (name: string, value: string) => navigate(`/dead-letters${writeFilter({ ...filter, [name]: value }, FILTERS)}`, { replace: true });
  const replayBody = () => ({ from, ...(version ? { version: Number(version) } : {}) });
  const allSelected = items.length > 0 && items.every((d) => selected.has(d.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const replaySelected = async () => {
    setBusy(`Replaying ${selected.size} dead letters…`);
    const results = await eachOf([...selected], async (id) => {
      const answer = await request<{ runId: string }>(`/api/v1/dead-letters/${id}/replay`, { method: 'POST', body: replayBody() });
      return { id, ok: true, text: `replayed as run ${shortId(answer.runId)}`, href: `/runs/${answer.runId}` };
    });
    finish('Replay', results);
  };
  const replayMatching = async () => {
    setBusy('Replaying every dead letter matching the filter…');
    try {
      const { status: s, ...rest } = apiFilter;
      const answer = await request<BulkAnswer>('/api/v1/dead-letters/replay', {
        method: 'POST',
        body: { filter: { ...rest, status: s || 'open' }, limit: 1000, ...replayBody() },
      });
      finish('Replay of all matching', [
        ...answer.runs.map((r) => ({ id: r.deadLetterId, ok: true, text: `replayed as run ${shortId(r.runId)}`, href: `/runs/${r.runId}` })),
        ...answer.skipped.map((s2) => ({ id: s2.deadLetterId, ok: false, text: s2.reason })),
      ]);
    } catch (e) {
      setError(e);
      setBusy(null);
    }
  };
  const discardSelected = async () => {
    setBusy(`Discarding ${selected.size} dead letters…`);
    const results = await eachOf([...selected], async (id) => {
      await request(`/api/v1/dead-letters/${id}`, { method: 'DELETE' });
      return { id, ok: true, text: 'discarded' };
    });
    finish('Discard', results);
  };
  const finish = (title: string, results: Outcome[]) => {
    setOutcomes({ title, list: results });
    setSelected(new Set());
    setBusy(null);
    list.reload();
  };
  const groups = groupByError(items);

  return (
    <section>
      <h1>Dead letters</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter dead letters">
        <label>
          Recipe
          <select name="recipe" value={filter.recipe ?? ''} onChange={(e) => set('recipe', e.target.value)}>
            <option value="">all recipes</option>
            {slugs.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={status} onChange={(e) => set('status', e.target.value === 'open' ? '' : e.target.value)}>
            <option value="open">open</option>
            <option value="replayed">replayed</option>
            <option value="discarded">discarded</option>
            <option value="all">all</option>
          </select>
        </label>
        <label>
          Error type
          <input name="errorType" defaultValue={filter.errorType ?? ''} key={filter.errorType ?? ''} placeholder="e.g. http.status" onBlur={(e) => set('errorType', e.target.value.trim())} onKeyDown={(e) => e.key === 'Enter' && set('errorType', e.currentTarget.value.trim())} />
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
      {groups.length > 1 || (groups.length === 1 && !filter.errorType) ? (
        <div className="groups" aria-label="Grouped by error type">
          <span className="muted">On this page, by error type:</span>
          {groups.map((g) => (
            <button key={g.type} type="button" className="chip" onClick={() => set('errorType', g.type === '(none)' ? '' : g.type)} title={g.sample}>
              <code>{g.type}</code> <strong>{g.count}</strong>
            </button>
          ))}
        </div>
      ) : null}
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      <ProblemBanner error={list.error} />
      {busy ? <div className="progress" role="status">{busy}</div> : null}
      {outcomes ? <Outcomes title={outcomes.title} outcomes={outcomes.list} onClose={() => setOutcomes(null)} /> : null}
      {canReplay ? (
        <div className="toolbar">
          <span className="muted">{selected.size} selected</span>
          <label className="inline">
            Replay from
            <select value={from} onChange={(e) => setFrom(e.target.value as 'failed-step' | 'trigger')} name="from">
              <option value="failed-step">the failed step</option>
              <option value="trigger">the trigger (all steps again)</option>
            </select>
          </label>
          <label className="inline">
            Version
            <input className="narrow" type="number" min={1} placeholder="current" value={version} onChange={(e) => setVersion(e.target.value)} />
          </label>
          <button type="button" className="primary" disabled={!selected.size || !!busy} onClick={replaySelected} data-testid="replay-selected">
            Replay selected
          </button>
          <button type="button" disabled={!items.length || !!busy || status !== 'open'} onClick={replayMatching} data-testid="replay-matching" title="Up to 1,000 open dead letters matching the filters, including those on later pages">
            Replay all matching
          </button>
          <button type="button" className="danger" disabled={!selected.size || !!busy} onClick={discardSelected}>
            Discard selected
          </button>
        </div>
      ) : null}
      {editing ? <Redrive deadLetter={editing} onDone={(o) => { setEditing(null); if (o) finish('Edit and replay', [o]); }} from={from} /> : null}
      {list.data && items.length === 0 ? (
        <Empty title={status === 'open' ? 'No open dead letters' : 'No dead letters match'}>
          {status === 'open' ? 'Every failed run has been replayed or discarded.' : 'Change the filters.'}
        </Empty>
      ) : (
        <table className="grid" data-testid="dead-letters">
          <thead>
            <tr>
              {canReplay ? (
                <th className="check">
                  <input type="checkbox" aria-label="Select all on this page" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((d) => d.id)))} />
                </th>
              ) : null}
              <th>Recipe</th>
              <th>Step</th>
              <th>Error</th>
              <th>Status</th>
              <th>Created</th>
              <th>Run</th>
              {canReplay ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                {canReplay ? (
                  <td className="check">
                    <input type="checkbox" aria-label={`Select dead letter ${shortId(d.id)}`} checked={selected.has(d.id)} onChange={() => toggle(d.id)} />
                  </td>
                ) : null}
                <td>
                  <Link href={`/recipes/${encodeURIComponent(d.recipe)}`}>{d.recipe}</Link>
                </td>
                <td className="mono">{d.step ?? '—'}</td>
                <td className="error-cell" title={d.error?.message}>
                  <code>{d.error?.type}</code> {d.error?.message}
                </td>
                <td>
                  <StatusBadge status={d.status} />
                  {d.replayRunId ? (
                    <>
                      {' '}
                      <Link href={`/runs/${d.replayRunId}`} className="mono" title="latest replay">
                        → {shortId(d.replayRunId)}
                      </Link>
                    </>
                  ) : null}
                </td>
                <td title={d.createdAt}>{ago(d.createdAt)}</td>
                <td>
                  {d.runId ? (
                    <Link href={`/runs/${d.runId}`} className="mono">
                      {shortId(d.runId)}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                {canReplay ? (
                  <td>
                    {d.status !== 'discarded' ? (
                      <button type="button" className="small" onClick={() => setEditing(d)}>
                        Edit &amp; replay
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="toolbar">
        <span className="spacer" />
        <button type="button" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <button type="button" disabled={!list.data?.nextCursor} onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}>
          Older →
        </button>
      </div>
    </section>
  );
}

/** Edit-and-redrive: the trigger payload in an editor, checked as JSON before anything is sent. */
function Redrive({ deadLetter, from, onDone }: { deadLetter: DeadLetter; from: string; onDone: (o: Outcome | null) => void }) {
  const [text, setText] = useState(() => JSON.stringify(deadLetter.payload, null, 2));
  const [error, setError] = useState<unknown>();
  let parseError: string | null = null;
  try {
    JSON.parse(text);
  } catch (e) {
    parseError = (e as Error).message;
  }
  const send = async () => {
    try {
      const answer = await request<{ runId: string }>(`/api/v1/dead-letters/${deadLetter.id}/replay`, {
        method: 'POST',
        body: { from, payload: JSON.parse(text) },
      });
      onDone({ id: deadLetter.id, ok: true, text: `replayed with the edited payload as run ${shortId(answer.runId)}`, href: `/runs/${answer.runId}` });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="card redrive" role="dialog" aria-label="Edit and replay">
      <h2>
        Edit and replay <span className="mono">{shortId(deadLetter.id)}</span>
      </h2>
      <div className="two">
        <div>
          <label>
            Payload (JSON)
            <textarea className="code" rows={14} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          </label>
          {parseError ? <div className="field-error">Not valid JSON: {parseError}</div> : null}
        </div>
        <JsonView value={deadLetter.error} label="error" />
      </div>
      <ProblemBanner error={error} />
      <div className="toolbar">
        <button type="button" className="primary" disabled={!!parseError} onClick={send}>
          Replay with this payload
        </button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
