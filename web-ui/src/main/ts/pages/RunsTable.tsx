import { query, request, type Page } from '../api';
import { Empty, ErrorText, LiveBadge, ProblemBanner, StatusBadge, useLoad } from '../components';
import { matchesRunFilter, mergeRun, useLiveEvents } from '../live';
import { ago, between, duration, shortId } from '../format';
import { BulkBar, PageCheckbox, Pager, useBulkJob, usePaging, useSelection } from '../listing';
import { FINISHED, type Run } from '../model';
import { Link } from '../router';
import { useCan } from '../session';

// Live events keep the first page current; a slow poll only catches what a dropped stream missed.
const FALLBACK_MS = 60000;

/** A page of runs for a filter: cursor paging, live refresh on the first page, select many → a retry/cancel job. */
export function RunsTable({ filter, pageSize = 50, emptyHint }: { filter: Record<string, string>; pageSize?: number; emptyHint?: string }) {
  // Inside one recipe's page (or a view filtered to one recipe) the recipe column would repeat itself.
  const showRecipe = !filter.recipe;
  const canOperate = useCan('operate-runs');
  const filterKey = JSON.stringify(filter);
  const paging = usePaging(filterKey);
  const selection = useSelection(filterKey);
  const cursor = paging.cursor;
  const runs = useLoad(
    (signal) => request<Page<Run>>(`/api/v1/runs${query({ ...filter, limit: pageSize, cursor })}`, { signal }),
    `${filterKey}|${cursor ?? ''}`,
    cursor ? null : FALLBACK_MS,
  );
  const live = useLiveEvents((e) => {
    if (!paging.first) return;
    if (e.type === 'reload') runs.reload();
    else runs.mutate((page) => ({ ...page, items: mergeRun(page.items, e.run, matchesRunFilter(e.run, filter), pageSize) }));
  }, filter.recipe);
  const bulk = useBulkJob(() => {
    selection.clear();
    runs.reload();
  });
  const items = runs.data?.items ?? [];
  const pageIds = items.map((r) => r.id);
  const start = (action: 'runs.retry' | 'runs.cancel') =>
    bulk.start(action, selection.allMatching ? { filter } : { ids: [...selection.ids] });
  const nothing = !selection.allMatching && !selection.count;

  return (
    <div>
      <ProblemBanner error={runs.error} />
      {canOperate ? (
        <BulkBar selection={selection} pageIds={pageIds} morePages={!!runs.data?.nextCursor} bulk={bulk} noun="run">
          <button type="button" disabled={nothing || bulk.busy} onClick={() => start('runs.retry')} data-testid="bulk-retry">
            Retry selected
          </button>
          <button type="button" disabled={nothing || bulk.busy} onClick={() => start('runs.cancel')} data-testid="bulk-cancel">
            Cancel selected
          </button>
        </BulkBar>
      ) : null}
      {runs.data && items.length === 0 ? (
        <Empty title="No runs match">{emptyHint ?? 'Change the filters, or start a run by posting to a recipe’s webhook.'}</Empty>
      ) : (
        <table className="grid" data-testid="runs">
          <thead>
            <tr>
              {canOperate ? (
                <th className="check">
                  <PageCheckbox selection={selection} page={pageIds} label="Select all runs on this page" />
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
                    <input type="checkbox" aria-label={`Select run ${shortId(run.id)}`} checked={selection.has(run.id)} onChange={() => selection.toggle(run.id)} />
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
                <td className="error-cell">
                  {run.error ? <ErrorText prefix={run.error.step ? <span className="mono">{run.error.step}: </span> : null} text={run.error.message ?? run.error.type ?? ''} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs.loading && !runs.data ? <div className="muted">Loading runs…</div> : null}
      <Pager paging={paging} nextCursor={runs.data?.nextCursor}>
        {paging.first ? <LiveBadge state={live} /> : null}
      </Pager>
    </div>
  );
}
