// What the list pages (runs, dead letters, audit) share: filters in the query string, cursor paging,
// a selection, and the bulk bar that starts a tracked job and shows its progress.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { request } from './api';
import { ProblemBanner } from './components';
import { type ListFilter, readFilter, writeFilter } from './filters';
import { shortId } from './format';
import { itemLinks, jobPercent, jobRequest, jobSummary, jobTitle, type Job, type JobAction, type Selection } from './jobs';
import { Link, navigate, useLocation } from './router';

/** The page's filters as the query string holds them; `set` rewrites the address (replacing, so Back leaves the page). */
export function useUrlFilters(path: string, names: readonly string[]) {
  const { search } = useLocation();
  const filter = readFilter(search, names);
  const write = (next: ListFilter) => navigate(`${path}${writeFilter(next, names)}`, { replace: true });
  return {
    filter,
    set: (name: string, value: string) => write({ ...filter, [name]: value }),
    replace: write,
    clear: () => navigate(path, { replace: true }),
  };
}

/** Cursor paging that starts over when `key` (the filter) changes. */
export function usePaging(key: string) {
  const [cursors, setCursors] = useState<string[]>([]);
  const [lastKey, setLastKey] = useState(key);
  if (lastKey !== key) {
    setLastKey(key);
    setCursors([]);
  }
  return {
    cursor: cursors[cursors.length - 1] as string | undefined,
    first: cursors.length === 0,
    newer: () => setCursors(cursors.slice(0, -1)),
    older: (next: string) => setCursors([...cursors, next]),
  };
}

export function Pager({ paging, nextCursor, children }: { paging: ReturnType<typeof usePaging>; nextCursor: string | null | undefined; children?: ReactNode }) {
  return (
    <div className="toolbar">
      {children}
      <span className="spacer" />
      <button type="button" disabled={paging.first} onClick={paging.newer}>
        ← Newer
      </button>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && paging.older(nextCursor)}>
        Older →
      </button>
    </div>
  );
}

/** Ticked ids, or "everything matching the filter"; cleared when `key` (the filter) changes. */
export function useSelection(key: string) {
  const [ids, setIds] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [lastKey, setLastKey] = useState(key);
  if (lastKey !== key) {
    setLastKey(key);
    setIds(new Set());
    setAllMatching(false);
  }
  return {
    ids,
    allMatching,
    has: (id: string) => allMatching || ids.has(id),
    toggle: (id: string) => {
      const next = new Set(ids);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      setIds(next);
      setAllMatching(false);
    },
    pageTicked: (page: string[]) => page.length > 0 && page.every((id) => allMatching || ids.has(id)),
    setPage: (page: string[], on: boolean) => {
      setIds(on ? new Set(page) : new Set());
      setAllMatching(false);
    },
    setAllMatching,
    clear: () => {
      setIds(new Set());
      setAllMatching(false);
    },
    count: ids.size,
  };
}

export type SelectionState = ReturnType<typeof useSelection>;

/** The header checkbox of a selectable table. */
export function PageCheckbox({ selection, page, label }: { selection: SelectionState; page: string[]; label: string }) {
  const ticked = selection.pageTicked(page);
  return <input type="checkbox" aria-label={label} checked={ticked} onChange={() => selection.setPage(page, !ticked)} />;
}

const POLL_MS = 500;

/** Starts a job and follows it until it has finished. */
export function useBulkJob(onFinished: () => void) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>();
  const finished = useRef(onFinished);
  finished.current = onFinished;
  useEffect(() => {
    if (!job || job.status === 'finished') return;
    const timer = window.setTimeout(async () => {
      try {
        const next = await request<Job>(`/api/v1/jobs/${job.id}`);
        setJob(next);
        if (next.status === 'finished') finished.current();
      } catch (e) {
        setError(e);
      }
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [job]);
  return {
    job,
    error,
    busy: !!job && job.status !== 'finished',
    start: async (action: JobAction, selection: Selection, options?: Record<string, unknown>) => {
      setError(undefined);
      try {
        setJob(await request<Job>('/api/v1/jobs', { method: 'POST', body: jobRequest(action, selection, options) }));
      } catch (e) {
        setError(e);
      }
    },
    dismiss: () => {
      setJob(null);
      setError(undefined);
    },
  };
}

export type BulkJobState = ReturnType<typeof useBulkJob>;

/**
 * The bar over a selectable list: how many are selected (or all matching the filter), the page's own
 * controls and action buttons, and the running or finished job with every failed item and its reason.
 */
export function BulkBar({ selection, pageIds, morePages, bulk, noun, runsHref, children }: {
  selection: SelectionState;
  pageIds: string[];
  morePages: boolean;
  bulk: BulkJobState;
  noun: string;
  /** Where the runs a finished job started can be seen, if elsewhere. */
  runsHref?: string;
  children: ReactNode;
}) {
  const pageTicked = selection.pageTicked(pageIds);
  return (
    <div className="bulk">
      <div className="toolbar" data-testid="bulk-bar">
        <span className="muted" data-testid="selected-count">
          {selection.allMatching ? `every ${noun} matching the filter (up to 100,000)` : `${selection.count} selected`}
        </span>
        {pageTicked && morePages && !selection.allMatching ? (
          <button type="button" className="link" onClick={() => selection.setAllMatching(true)} data-testid="select-all-matching">
            Select every {noun} matching the filter
          </button>
        ) : null}
        {selection.allMatching ? (
          <button type="button" className="link" onClick={selection.clear}>
            Clear selection
          </button>
        ) : null}
        {children}
      </div>
      <ProblemBanner error={bulk.error} onClose={bulk.dismiss} />
      {bulk.job ? <JobProgress job={bulk.job} onClose={bulk.busy ? undefined : bulk.dismiss} runsHref={runsHref} /> : null}
    </div>
  );
}

/** A job's progress bar and, once it has some, its failed items with the reason each was refused. */
export function JobProgress({ job, onClose, runsHref }: { job: Job; onClose?: () => void; runsHref?: string }) {
  const failures = job.failures ?? [];
  const finished = job.status === 'finished';
  return (
    <div className={`outcomes ${!finished ? 'outcomes-running' : job.failed ? 'outcomes-partial' : 'outcomes-ok'}`} role="status" data-testid="job" data-status={job.status}>
      <div className="outcomes-head">
        <strong data-testid="job-summary">
          {jobTitle(job)}: {jobSummary(job)}
        </strong>
        <span>
          {finished && runsHref && job.succeeded && job.action === 'dead-letters.replay' ? (
            <Link href={runsHref} data-testid="job-runs">
              See the runs
            </Link>
          ) : null}{' '}
          {onClose ? (
            <button className="link" onClick={onClose} type="button">
              Close
            </button>
          ) : null}
        </span>
      </div>
      <progress max={100} value={jobPercent(job)} aria-label={`${jobTitle(job)} progress`} />
      {job.selection.capped ? <div className="muted">More than 100,000 matched; this job takes the newest 100,000.</div> : null}
      {failures.length ? (
        <ul data-testid="job-failures">
          {failures.map((f) => {
            const links = itemLinks(job.action, f);
            return (
              <li key={f.seq} className="refused">
                {links.target ? <Link href={links.target}><code>{shortId(f.targetId)}</code></Link> : <code title={f.targetId}>{shortId(f.targetId)}</code>}{' '}
                {f.problem?.detail}
              </li>
            );
          })}
          {job.failed > failures.length ? <li className="muted">… and {job.failed - failures.length} more (GET /api/v1/jobs/{job.id}/items?status=failed)</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
