// Two runs of a recipe side by side: which steps ran in one and not the other, and where status,
// input or output differ.
import type { Run, Step } from './model';

export interface StepComparison {
  path: string;
  left: Step | null;
  right: Step | null;
  sameStatus: boolean;
  sameInput: boolean;
  sameOutput: boolean;
}

/** JSON text with object keys sorted, so key order never counts as a difference. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  ) ?? 'undefined';
}

/** Steps in the order of the left run, then those only the right run has. */
export function compareRuns(left: Run, right: Run): StepComparison[] {
  const rightByPath = new Map((right.steps ?? []).map((s) => [s.path, s]));
  const rows: StepComparison[] = [];
  const seen = new Set<string>();
  const row = (path: string, l: Step | null, r: Step | null): StepComparison => ({
    path,
    left: l,
    right: r,
    sameStatus: !!l && !!r && l.status === r.status,
    sameInput: !!l && !!r && canonical(l.input) === canonical(r.input),
    sameOutput: !!l && !!r && canonical(l.output) === canonical(r.output),
  });
  for (const l of left.steps ?? []) {
    seen.add(l.path);
    rows.push(row(l.path, l, rightByPath.get(l.path) ?? null));
  }
  for (const r of right.steps ?? []) {
    if (!seen.has(r.path)) rows.push(row(r.path, null, r));
  }
  return rows;
}
