import { describe, expect, it } from 'vitest';
import { matchesRunFilter, mergeRun } from '../../main/ts/live';

const run = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  recipe: 'orders',
  status: 'running' as const,
  createdAt: '2026-03-01T10:00:00Z',
  keys: { orderId: 'A-17' },
  ...over,
});

describe('live run events on the run list', () => {
  it('match the list’s filters, business keys included', () => {
    expect(matchesRunFilter(run('1'), {})).toBe(true);
    expect(matchesRunFilter(run('1'), { recipe: 'orders', status: 'running', 'key.orderId': 'A-17' })).toBe(true);
    expect(matchesRunFilter(run('1'), { recipe: 'refunds' })).toBe(false);
    expect(matchesRunFilter(run('1'), { status: 'failed' })).toBe(false);
    expect(matchesRunFilter(run('1'), { 'key.orderId': 'B-2' })).toBe(false);
    expect(matchesRunFilter(run('1'), { from: '2026-03-01T10:00:00Z', to: '2026-03-01T11:00:00Z' })).toBe(true);
    expect(matchesRunFilter(run('1'), { to: '2026-03-01T10:00:00Z' })).toBe(false);
  });

  it('put a new matching run on top, replace a listed one in place and keep the page size', () => {
    const page = [run('05'), run('03'), run('01')];
    expect(mergeRun(page, run('07'), true, 3).map((r) => r.id)).toEqual(['07', '05', '03']);
    expect(mergeRun(page, run('07'), false, 3).map((r) => r.id)).toEqual(['05', '03', '01']);
    const replaced = mergeRun(page, run('03', { status: 'succeeded' }), false, 3);
    expect(replaced.map((r) => r.id)).toEqual(['05', '03', '01']);
    expect(replaced[1].status).toBe('succeeded');
    // Older than the whole full page: it belongs to a later page.
    expect(mergeRun(page, run('00'), true, 3).map((r) => r.id)).toEqual(['05', '03', '01']);
  });

  it('keep a first page of 50 at 50 through a burst of 500 new runs, newest first', () => {
    let page: ReturnType<typeof run>[] = [];
    for (let i = 0; i < 500; i++) page = mergeRun(page, run(String(i).padStart(4, '0')), true, 50);
    expect(page).toHaveLength(50);
    expect(page[0].id).toBe('0499');
    expect(page[49].id).toBe('0450');
  });
});
