// Tracked bulk jobs (POST /api/v1/jobs): the request a bulk bar sends and how a job's progress reads.

export type JobAction = 'dead-letters.replay' | 'dead-letters.discard' | 'runs.retry' | 'runs.cancel';

export interface JobItem {
  seq: number;
  targetId: string;
  status: 'pending' | 'succeeded' | 'failed';
  resultId: string | null;
  problem: { status: number; detail: string } | null;
  doneAt: string | null;
}

export interface Job {
  id: string;
  action: JobAction;
  status: 'running' | 'finished';
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  selection: { ids?: number; filter?: Record<string, string>; capped?: boolean };
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  failures?: JobItem[];
}

/** What the bulk bar acts on: the ticked ids, or everything matching the list's filter. */
export type Selection = { ids: string[] } | { filter: Record<string, string> };

/** The body of POST /api/v1/jobs; `options` are a replay's `from` and `version`. */
export function jobRequest(action: JobAction, selection: Selection, options: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { action, ...options };
  if ('ids' in selection) body.ids = selection.ids;
  else body.filter = Object.fromEntries(Object.entries(selection.filter).filter(([, v]) => v !== '' && v !== undefined));
  return body;
}

const VERBS: Record<JobAction, [string, string]> = {
  'dead-letters.replay': ['Replay', 'replayed'],
  'dead-letters.discard': ['Discard', 'discarded'],
  'runs.retry': ['Retry', 'retried'],
  'runs.cancel': ['Cancel', 'cancelled'],
};

export function jobTitle(job: Pick<Job, 'action'>): string {
  return VERBS[job.action]?.[0] ?? job.action;
}

/** "12 of 20 done: 10 replayed, 2 failed" — or when finished "20 replayed" / "18 replayed, 2 failed". */
export function jobSummary(job: Pick<Job, 'action' | 'status' | 'total' | 'done' | 'succeeded' | 'failed'>): string {
  const verb = VERBS[job.action]?.[1] ?? 'succeeded';
  const counts = `${job.succeeded} ${verb}${job.failed ? `, ${job.failed} failed` : ''}`;
  return job.status === 'finished' ? counts : `${job.done} of ${job.total} done: ${counts}`;
}

/** 0–100, for the progress bar. */
export function jobPercent(job: Pick<Job, 'total' | 'done'>): number {
  return job.total ? Math.min(100, Math.round((job.done * 100) / job.total)) : 100;
}

/** Where an item's target and result can be seen. */
export function itemLinks(action: JobAction, item: Pick<JobItem, 'targetId' | 'resultId'>): { target: string | null; result: string | null } {
  return {
    target: action.startsWith('runs.') ? `/runs/${item.targetId}` : null,
    result: item.resultId ? `/runs/${item.resultId}` : null,
  };
}
