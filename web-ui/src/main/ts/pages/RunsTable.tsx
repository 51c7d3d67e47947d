import { useState } from 'react';
import { query, request, type Page } from '../api';
import { eachOf, Empty, Outcomes, ProblemBanner, StatusBadge, useLoad, type Outcome } from '../components';
import { ago, between, duration, shortId } from '../format';
import { FINISHED, type Run } from '../model';
import { Link } from '../router';
import { useCan } from '../session';

const LIVE_MS = 5000;

/** A page of runs for a filter: cursor paging, live refresh on the first page, select many → retry/cancel. */
export function RunsTable({ filter, pageSize = 50, emptyHint }: { filter: Record<string, string>; pageSize?: number; emptyHint?: string }) {
  // Inside one recipe's page (or a view filtered to one recipe) the recipe column would repeat itself.
  const showRecipe = !filter.recipe;
  const canOperate = useCan('operate-runs');
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcomes, setOutcomes] = useState<{ title: string; list: Outcome[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const filterKey = JSON.stringify(filter);
  const [lastFilter, setLastFilter] = useState(filterKey);
  if (lastFilter !== filterKey) {
    setLastFilter(filterKey);
    setCursors([]);
    setSelected(new Set());
  }
  const cursor = cursors[cursors.length - 1];
  const runs = useLoad(
    (signal) => request<Page<Run>>(`/api/v1/runs${query({ ...filter, limit: pageSize, cursor })}`, { signal }),
    `${filterKey}|${cursor ?? ''}`,
    cursor ? null : LIVE_MS,
  );
  const items = runs.data?.items ?? [];
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const allSelected = items.length > 0 && items.every((r) => selected.has(r.id));
  const bulk = async (verb: 'retry' | 'cancel') => {
    setBusy(true);
    const list = await eachOf([...selected], async (id) => {
      const run = await request<Run>(`/api/v1/runs/${id}/${verb}`, { method: 'POST' });
      return { id, ok: true, text: `${verb === 'retry' ? 'retried' : 'cancelled'}: now ${run.status}`, href: `/runs/${id}` };
    });
    setOutcomes({ title: verb === 'retry' ? 'Retry' : 'Cancel', list });
    setSelected(new Set());
    setBusy(false);
    runs.reload();
  };

  return (
    <div>
      <ProblemBanner error={runs.error} />
      {outcomes ? <Outcomes title={outcomes.title} outcomes={outcomes.list} onClose={() => setOutcomes(null)} /> : null}
      <div className="toolbar">
        {canOperate ? (
          <>
            <span className="muted">{selected.size} selected</span>
            <button type="button" disabled={!selected.size || busy} onClick={() => bulk('retry')} data-testid="bulk-retry">
              Retry selected
            </button>
            <button type="button" disabled={!selected.size || busy} onClick={() => bulk('cancel')} data-testid="bulk-cancel">
              Cancel selected
            </button>
          </>
        ) : null}
        <span className="spacer" />
        {!cursor ? <span className="live" title="This page refreshes every few seconds">● live</span> : null}
        <button type="button" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <button type="button" disabled={!runs.data?.nextCursor} onClick={() => runs.data?.nextCursor && setCursors([...cursors, runs.data.nextCursor])}>
          Older →
        </button>
      </div>
      {runs.data && items.length === 0 ? (
        <Empty title="No runs match">{emptyHint ?? 'Change the filters, or start a run by posting to a recipe’s webhook.'}</Empty>
      ) : (
        <table className="grid" data-testid="runs">
          <thead>
            <tr>
              {canOperate ? (
                <th className="check">
                  <input
                    type="checkbox"
                    aria-label="Select all runs on this page"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((r) => r.id)))}
                  />
                </th>
              ) : null}
              <th>Run</th>
              {showRecipe ? <th>Recipe</th> : null}
              <th>Status</th>
              <th>Origin</th>
              <th>Created</th>
              <th>Duration</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {items.map((run) => (
              <tr key={run.id} className={run.status === 'failed' ? 'row-failed' : undefined}>
                {canOperate ? (
                  <td className="check">
                    <input type="checkbox" aria-label={`Select run ${shortId(run.id)}`} checked={selected.has(run.id)} onChange={() => toggle(run.id)} />
                  </td>
                ) : null}
                <td>
                  <Link href={`/runs/${run.id}`} className="mono">
                    {shortId(run.id)}
                  </Link>
                </td>
                {showRecipe ? (
                  <td>
                    <Link href={`/recipes/${encodeURIComponent(run.recipe)}`}>{run.recipe}</Link> <span className="muted">v{run.recipeVersion}</span>
                  </td>
                ) : null}
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>{run.origin}</td>
                <td title={run.createdAt}>{ago(run.createdAt)}</td>
                <td>{FINISHED.includes(run.status) ? duration(between(run.createdAt, run.finishedAt)) : '…'}</td>
                <td className="error-cell" title={run.error?.message}>{run.error ? `${run.error.step ? `${run.error.step}: ` : ''}${run.error.message ?? run.error.type}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs.loading && !runs.data ? <div className="muted">Loading runs…</div> : null}
    </div>
  );
}
