import { useState } from 'react';
import { query, request, type Page } from '../api';
import { Empty, ErrorText, JsonView, Outcomes, ProblemBanner, StatusBadge, useLoad, type Outcome } from '../components';
import { instantToLocal, localToInstant } from '../filters';
import { ago, shortId } from '../format';
import type { Selection } from '../jobs';
import { BulkBar, PageCheckbox, Pager, useBulkJob, usePaging, useSelection, useUrlFilters } from '../listing';
import type { DeadLetter } from '../model';
import { Link } from '../router';
import { useCan } from '../session';
import { useRecipeSlugs } from './Runs';
import { groupByError } from '../groups';

const FILTERS = ['recipe', 'status', 'errorType', 'from', 'to'] as const;
const PAGE = 100;

/** Dead letters: find them, see why they failed (grouped by error type), replay or discard them in bulk. */
export function DeadLetters() {
  const { filter, set } = useUrlFilters('/dead-letters', FILTERS);
  // Open ones unless the link asks otherwise; "all" shows every status.
  const status = filter.status ?? 'open';
  const apiFilter = { ...filter, status: status === 'all' ? '' : status };
  const canReplay = useCan('replay-dead-letters');
  const slugs = useRecipeSlugs();
  const key = JSON.stringify(apiFilter);
  const paging = usePaging(key);
  const selection = useSelection(key);
  const cursor = paging.cursor;
  const [from, setFrom] = useState<'failed-step' | 'trigger'>('failed-step');
  const [version, setVersion] = useState('');
  const [redriven, setRedriven] = useState<Outcome | null>(null);
  const [editing, setEditing] = useState<DeadLetter | null>(null);
  const list = useLoad(
    (signal) => request<Page<DeadLetter>>(`/api/v1/dead-letters${query({ ...apiFilter, limit: PAGE, cursor })}`, { signal }),
    `${key}|${cursor ?? ''}`,
    cursor ? null : 10000,
  );
  const bulk = useBulkJob(() => {
    selection.clear();
    list.reload();
  });
  const items = list.data?.items ?? [];
  const pageIds = items.map((d) => d.id);
  const chosen = (): Selection => (selection.allMatching ? { filter: apiFilter } : { ids: [...selection.ids] });
  const replay = () => bulk.start('dead-letters.replay', chosen(), { from, ...(version ? { version: Number(version) } : {}) });
  const discard = () => {
    const n = selection.allMatching ? 'every dead letter matching the filter' : `${selection.count} dead letters`;
    if (window.confirm(`Discard ${n}? They stay listed as discarded and can no longer be replayed.`)) bulk.start('dead-letters.discard', chosen());
  };
  const nothing = !selection.allMatching && !selection.count;
  const groups = groupByError(items);
  // Filtered to one recipe, a recipe column would say the same thing on every row.
  const showRecipe = !filter.recipe;

  return (
    <section>
      <h1>Dead letters{filter.recipe ? <span className="muted"> of {filter.recipe}</span> : null}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter dead letters">
        <label>
          Recipe
          <select name="recipe" value={filter.recipe ?? ''} onChange={(e) => set('recipe', e.target.value)}>
            <option value="">all recipes</option>
            {filter.recipe && !slugs.includes(filter.recipe) ? <option value={filter.recipe}>{filter.recipe}</option> : null}
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
      <ProblemBanner error={list.error} />
      {redriven ? <Outcomes title="Edit and replay" outcomes={[redriven]} onClose={() => setRedriven(null)} /> : null}
      {canReplay ? (
        <BulkBar selection={selection} pageIds={pageIds} morePages={!!list.data?.nextCursor} bulk={bulk} noun="dead letter" runsHref={filter.recipe ? `/runs?recipe=${encodeURIComponent(filter.recipe)}` : '/runs'}>
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
          <button type="button" className="primary" disabled={nothing || bulk.busy} onClick={replay} data-testid="replay-selected">
            Replay selected
          </button>
          <button type="button" className="danger" disabled={nothing || bulk.busy} onClick={discard} data-testid="discard-selected">
            Discard selected
          </button>
        </BulkBar>
      ) : null}
      {editing ? <Redrive deadLetter={editing} onDone={(o) => { setEditing(null); if (o) { setRedriven(o); list.reload(); } }} from={from} /> : null}
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
                  <PageCheckbox selection={selection} page={pageIds} label="Select all on this page" />
                </th>
              ) : null}
              {showRecipe ? <th>Recipe</th> : null}
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
                    <input type="checkbox" aria-label={`Select dead letter ${shortId(d.id)}`} checked={selection.has(d.id)} onChange={() => selection.toggle(d.id)} />
                  </td>
                ) : null}
                {showRecipe ? (
                  <td>
                    <Link href={`/recipes/${encodeURIComponent(d.recipe)}`}>{d.recipe}</Link>
                  </td>
                ) : null}
                <td className="mono">{d.step ?? '—'}</td>
                <td className="error-cell">
                  <ErrorText prefix={<><code>{d.error?.type}</code> </>} text={d.error?.message ?? ''} />
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
      <Pager paging={paging} nextCursor={list.data?.nextCursor} />
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
