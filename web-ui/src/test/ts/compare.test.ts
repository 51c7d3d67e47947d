import { describe, expect, it } from 'vitest';
import { canonical, compareRuns } from '../../main/ts/compare';
import type { Run, Step } from '../../main/ts/model';

const step = (path: string, status: string, input: unknown, output: unknown): Step =>
  ({ path, status, attempts: 1, input, output, error: null, startedAt: null, finishedAt: null });
const run = (steps: Step[]) => ({ steps }) as Run;

describe('comparing two runs', () => {
  it('marks what differs step by step', () => {
    const rows = compareRuns(
      run([step('a', 'succeeded', { x: 1, y: 2 }, { ok: true }), step('b', 'failed', 1, null)]),
      run([step('a', 'succeeded', { y: 2, x: 1 }, { ok: false }), step('b', 'succeeded', 1, 'done'), step('c', 'succeeded', null, null)]),
    );
    expect(rows.map((r) => [r.path, r.sameStatus, r.sameInput, r.sameOutput])).toEqual([
      ['a', true, true, false],
      ['b', false, true, false],
      ['c', false, false, false],
    ]);
    expect(rows[2].left).toBeNull();
  });

  it('ignores key order', () => {
    expect(canonical({ b: [1, { d: 1, c: 2 }], a: null })).toBe(canonical({ a: null, b: [1, { c: 2, d: 1 }] }));
  });
});
