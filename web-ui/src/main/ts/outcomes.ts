import type { Run } from './model';

export interface Series {
  /** bucket starts, unix seconds (uPlot's x axis) */
  x: number[];
  succeeded: number[];
  failed: number[];
  other: number[];
}

/** Runs counted per bucket of `bucketMs` by outcome, oldest bucket first, every bucket present (zeros included). */
export function outcomesOverTime(runs: Run[], bucketMs: number, now = Date.now(), buckets = 30): Series {
  const end = Math.floor(now / bucketMs) * bucketMs;
  const start = end - (buckets - 1) * bucketMs;
  const series: Series = { x: [], succeeded: [], failed: [], other: [] };
  for (let i = 0; i < buckets; i++) {
    series.x.push((start + i * bucketMs) / 1000);
    series.succeeded.push(0);
    series.failed.push(0);
    series.other.push(0);
  }
  for (const run of runs) {
    const i = Math.floor((Date.parse(run.createdAt) - start) / bucketMs);
    if (i < 0 || i >= buckets) continue;
    if (run.status === 'succeeded') series.succeeded[i]++;
    else if (run.status === 'failed') series.failed[i]++;
    else series.other[i]++;
  }
  return series;
}

/** Recipes by failed runs, most first. */
export function topFailing(runs: Run[], n = 5): { recipe: string; failed: number; total: number }[] {
  const by = new Map<string, { recipe: string; failed: number; total: number }>();
  for (const run of runs) {
    const e = by.get(run.recipe) ?? { recipe: run.recipe, failed: 0, total: 0 };
    e.total++;
    if (run.status === 'failed') e.failed++;
    by.set(run.recipe, e);
  }
  return [...by.values()].filter((e) => e.failed > 0).sort((a, b) => b.failed - a.failed || a.recipe.localeCompare(b.recipe)).slice(0, n);
}
