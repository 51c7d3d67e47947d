// The run timeline (Gantt): each step's bar as offsets of the run's span, so waits and retries show as gaps.
import type { Run, Step } from './model';

export interface Bar {
  step: Step;
  depth: number;
  /** left edge and width, percentages of the span */
  left: number;
  width: number;
  durationMs: number | null;
  running: boolean;
}

export interface Timeline {
  startMs: number;
  spanMs: number;
  bars: Bar[];
  /** queued → first step started */
  queuedMs: number | null;
}

/** Depth of a step path: `a` 0, `big.alert` 1, `lines[2].reserve` 1. */
export function depth(path: string): number {
  return path.split('.').length - 1;
}

export function timeline(run: Run, now = Date.now()): Timeline {
  const steps = run.steps ?? [];
  const created = Date.parse(run.createdAt);
  const times = steps.flatMap((s) => [s.startedAt, s.finishedAt]).filter((t): t is string => !!t).map(Date.parse);
  const startMs = Math.min(created, ...(run.startedAt ? [Date.parse(run.startedAt)] : []), ...times);
  const endMs = run.finishedAt ? Date.parse(run.finishedAt) : Math.max(now, ...times);
  const spanMs = Math.max(endMs - startMs, 1);
  const bars = steps.map((step) => {
    const running = !!step.startedAt && !step.finishedAt && !['succeeded', 'failed', 'skipped', 'cancelled'].includes(step.status);
    if (!step.startedAt) {
      return { step, depth: depth(step.path), left: 0, width: 0, durationMs: null, running };
    }
    const s = Date.parse(step.startedAt);
    const e = step.finishedAt ? Date.parse(step.finishedAt) : running ? endMs : s;
    const left = ((s - startMs) / spanMs) * 100;
    const width = Math.max(((e - s) / spanMs) * 100, 0.5);
    return { step, depth: depth(step.path), left, width: Math.min(width, 100 - left), durationMs: e - s, running };
  });
  const firstStart = times.length ? Math.min(...steps.filter((s) => s.startedAt).map((s) => Date.parse(s.startedAt!))) : null;
  return { startMs, spanMs, bars, queuedMs: firstStart === null ? null : firstStart - created };
}
