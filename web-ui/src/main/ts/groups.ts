import type { DeadLetter } from './model';

export interface ErrorGroup {
  type: string;
  count: number;
  sample: string;
}

/** Dead letters by error type, the largest group first, so one cause is fixed once. */
export function groupByError(items: DeadLetter[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const d of items) {
    const type = d.error?.type || '(none)';
    const g = groups.get(type) ?? { type, count: 0, sample: d.error?.message ?? '' };
    g.count++;
    groups.set(type, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}
