import { describe, expect, it } from 'vitest';
import { itemLinks, jobPercent, jobRequest, jobSummary } from '../../main/ts/jobs';
import { tail } from '../../main/ts/format';

describe('bulk jobs', () => {
  it('sends the ticked ids, or the filter without its empty members, with a replay’s options', () => {
    expect(jobRequest('dead-letters.replay', { ids: ['a', 'b'] }, { from: 'trigger', version: 3 })).toEqual({
      action: 'dead-letters.replay',
      from: 'trigger',
      version: 3,
      ids: ['a', 'b'],
    });
    expect(jobRequest('runs.retry', { filter: { recipe: 'orders', status: '', 'key.orderId': '42' } })).toEqual({
      action: 'runs.retry',
      filter: { recipe: 'orders', 'key.orderId': '42' },
    });
  });

  it('reads progress while running and counts when finished', () => {
    const running = { action: 'dead-letters.replay' as const, status: 'running' as const, total: 20, done: 12, succeeded: 10, failed: 2 };
    expect(jobSummary(running)).toBe('12 of 20 done: 10 replayed, 2 failed');
    expect(jobPercent(running)).toBe(60);
    expect(jobSummary({ ...running, status: 'finished', done: 20, succeeded: 20, failed: 0 })).toBe('20 replayed');
    expect(jobSummary({ action: 'runs.cancel', status: 'finished', total: 3, done: 3, succeeded: 1, failed: 2 })).toBe('1 cancelled, 2 failed');
    expect(jobPercent({ total: 0, done: 0 })).toBe(100);
  });

  it('links a run item to its run and a replay to the run it started', () => {
    expect(itemLinks('runs.retry', { targetId: 'r1', resultId: 'r1' })).toEqual({ target: '/runs/r1', result: '/runs/r1' });
    expect(itemLinks('dead-letters.discard', { targetId: 'd1', resultId: null })).toEqual({ target: null, result: null });
  });
});

describe('long errors', () => {
  it('keep their end, starting at a word', () => {
    const text = `${'x'.repeat(300)} Caused by: connection refused to orders-db:5432`;
    const end = tail(text, 40);
    expect(text.endsWith(end)).toBe(true);
    expect(end.length).toBeLessThanOrEqual(40);
    expect(end.startsWith(' ')).toBe(false);
    expect(tail('short', 40)).toBe('short');
  });
});
