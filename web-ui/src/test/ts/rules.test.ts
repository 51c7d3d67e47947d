import { describe, expect, it } from 'vitest';
import { allows } from '../../main/ts/permissions';
import { groupByError } from '../../main/ts/groups';
import { outcomesOverTime, topFailing } from '../../main/ts/outcomes';
import { duration } from '../../main/ts/format';
import type { DeadLetter, Run } from '../../main/ts/model';

describe('roles', () => {
  it('gives a viewer no write ability', () => {
    for (const a of ['operate-runs', 'replay-dead-letters', 'switch-recipes', 'edit-recipes', 'start-runs', 'edit-connections', 'manage-users'] as const) {
      expect(allows(['viewer'], a)).toBe(false);
      expect(allows(['admin'], a)).toBe(true);
    }
  });

  it('follows the server: operators run things, builders build things', () => {
    expect(allows(['operator'], 'replay-dead-letters')).toBe(true);
    expect(allows(['operator'], 'edit-connections')).toBe(false);
    expect(allows(['builder'], 'edit-connections')).toBe(true);
    expect(allows(['builder'], 'operate-runs')).toBe(false);
    expect(allows(['builder'], 'switch-recipes')).toBe(true);
  });
});

describe('dead letters by error type', () => {
  it('counts each type, largest first', () => {
    const dl = (type: string | null): DeadLetter => ({ id: type ?? 'n', runId: null, recipe: 'r', step: 's', error: type ? { type, message: `${type}!` } : null,
      payload: null, status: 'open', createdAt: '', replayRunId: null, replays: [] });
    const items = [...Array(7)].map(() => dl('http.status')).concat([...Array(3)].map(() => dl('timeout')), [dl(null)]);
    expect(groupByError(items)).toEqual([
      { type: 'http.status', count: 7, sample: 'http.status!' },
      { type: 'timeout', count: 3, sample: 'timeout!' },
      { type: '(none)', count: 1, sample: '' },
    ]);
  });
});

describe('outcomes', () => {
  const at = (ms: number, status: Run['status'], recipe = 'a') => ({ recipe, status, createdAt: new Date(ms).toISOString() }) as Run;
  it('buckets runs by outcome with empty buckets present', () => {
    const now = 10 * 60_000 + 45_000; // inside the current bucket
    const s = outcomesOverTime([at(now - 30_000, 'succeeded'), at(now - 20_000, 'failed'), at(now - 5 * 60_000, 'running'), at(-1e9, 'failed')], 60_000, now, 10);
    expect(s.x).toHaveLength(10);
    expect(s.succeeded[9] + s.failed[9]).toBe(2);
    expect(s.other[4]).toBe(1);
    expect(s.failed.reduce((a, b) => a + b)).toBe(1);
  });
  it('ranks failing recipes', () => {
    const runs = [at(0, 'failed', 'x'), at(0, 'failed', 'y'), at(0, 'failed', 'y'), at(0, 'succeeded', 'z')];
    expect(topFailing(runs)).toEqual([{ recipe: 'y', failed: 2, total: 2 }, { recipe: 'x', failed: 1, total: 1 }]);
  });
});

describe('durations', () => {
  it('reads naturally', () => {
    expect(duration(850)).toBe('850 ms');
    expect(duration(4200)).toBe('4.2 s');
    expect(duration(200_000)).toBe('3 min 20 s');
    expect(duration(7_500_000)).toBe('2 h 5 min');
    expect(duration(null)).toBe('—');
  });
});

describe('stats for the dashboard', async () => {
  const { statsSeries, successRate } = await import('../../main/ts/stats');
  it('charts the stats buckets as they come', () => {
    const s = statsSeries({
      series: [
        { at: '2026-12-06T22:00:00Z', started: 5, succeeded: 4, failed: 1, cancelled: 0, p95: 12 },
        { at: '2026-12-06T22:01:00Z', started: 0, succeeded: 0, failed: 0, cancelled: 2, p95: null },
      ],
    } as never);
    expect(s.x).toEqual([Date.parse('2026-12-06T22:00:00Z') / 1000, Date.parse('2026-12-06T22:01:00Z') / 1000]);
    expect([s.succeeded, s.failed, s.other]).toEqual([[4, 0], [1, 0], [0, 2]]);
  });
  it('has no success rate before anything ended', () => {
    expect(successRate(0, 0)).toBeNull();
    expect(successRate(3, 1)).toBe(75);
  });
});
