import { describe, expect, it } from 'vitest';
import { depth, timeline } from '../../main/ts/timeline';
import type { Run, Step } from '../../main/ts/model';

const step = (path: string, status: string, start: number | null, end: number | null, attempts = 1): Step => ({
  path, status, attempts, input: null, output: null, error: null,
  startedAt: start === null ? null : new Date(start).toISOString(),
  finishedAt: end === null ? null : new Date(end).toISOString(),
});

const run = (steps: Step[], finished: number | null): Run => ({
  id: 'r', recipe: 'x', recipeVersion: 1, status: finished ? 'failed' : 'running', origin: 'trigger', replayOf: null, eventId: null,
  attempt: 1, createdAt: new Date(0).toISOString(), startedAt: new Date(100).toISOString(),
  finishedAt: finished === null ? null : new Date(finished).toISOString(), nextAttemptAt: null, output: null, error: null,
  deadLetterId: null, waitReason: null, parentRunId: null, steps,
});

describe('timeline', () => {
  it('places each step on the run span, waits showing as gaps', () => {
    const t = timeline(run([step('a', 'succeeded', 100, 300), step('b', 'failed', 800, 1000, 3)], 1000));
    expect(t.spanMs).toBe(1000);
    expect(t.queuedMs).toBe(100);
    expect(t.bars.map((b) => [b.left, b.width, b.durationMs])).toEqual([[10, 20, 200], [80, 20, 200]]);
    expect(t.bars[1].step.attempts).toBe(3);
  });

  it('lets a running step grow to now', () => {
    const t = timeline(run([step('a', 'running', 0, null)], null), 2000);
    expect(t.bars[0].running).toBe(true);
    expect(t.bars[0].durationMs).toBe(2000);
    expect(t.bars[0].width).toBe(100);
  });

  it('gives a step that has not started no bar', () => {
    const t = timeline(run([step('a', 'pending', null, null)], null), 50);
    expect(t.bars[0].width).toBe(0);
    expect(t.bars[0].durationMs).toBeNull();
  });

  it('indents nested paths', () => {
    expect(depth('publish')).toBe(0);
    expect(depth('big.alert')).toBe(1);
    expect(depth('lines[2].reserve')).toBe(1);
  });

  it('handles a run of 10,000 steps', () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => step(`lines[${i}].reserve`, 'succeeded', i, i + 1));
    const t = timeline(run(steps, 10_000));
    expect(t.bars).toHaveLength(10_000);
    expect(t.bars[9_999].left).toBeCloseTo(99.99, 2);
  });
});
