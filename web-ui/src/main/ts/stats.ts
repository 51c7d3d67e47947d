// GET /api/v1/stats (DESIGN §10): the answer's shape, and the dashboard's reading of it.
import type { Series } from './outcomes';

export interface Stats {
  recipe: string | null;
  window: string;
  bucket: string;
  from: string;
  to: string;
  totals: { started: number; succeeded: number; failed: number; cancelled: number; duplicates: number };
  latency: { p50: number | null; p95: number | null; p99: number | null; avg: number | null; queueWaitAvg: number | null };
  series: { at: string; started: number; succeeded: number; failed: number; cancelled: number; p95: number | null }[];
  queue: { queued: number; retrying: number; waiting: number; running: number; lagSeconds: number };
  deadLetters: { open: number };
  sla: { maxLatency: number | null; breaches: number };
}

/** The outcome chart's series from the stats buckets (ends counted per bucket; "other" is cancelled). */
export function statsSeries(stats: Stats): Series {
  return {
    x: stats.series.map((p) => Date.parse(p.at) / 1000),
    succeeded: stats.series.map((p) => p.succeeded),
    failed: stats.series.map((p) => p.failed),
    other: stats.series.map((p) => p.cancelled),
  };
}

/** Succeeded of the runs that ended succeeded or failed, in percent; null when none ended. */
export function successRate(succeeded: number, failed: number): number | null {
  const ended = succeeded + failed;
  return ended ? (succeeded / ended) * 100 : null;
}
