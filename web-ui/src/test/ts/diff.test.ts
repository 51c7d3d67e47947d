import { describe, expect, it } from 'vitest';
import { diffLines } from '../../main/ts/diff';

describe('version diff', () => {
  it('pairs a changed line and keeps the rest aligned', () => {
    const a = 'slug: x\nretry: { maxAttempts: 1 }\nsteps:\n  - id: a\n';
    const b = 'slug: x\nretry: { maxAttempts: 5 }\nsteps:\n  - id: a\n  - id: b\n';
    expect(diffLines(a, b)).toEqual([
      { left: 'slug: x', right: 'slug: x', kind: 'same' },
      { left: 'retry: { maxAttempts: 1 }', right: 'retry: { maxAttempts: 5 }', kind: 'changed' },
      { left: 'steps:', right: 'steps:', kind: 'same' },
      { left: '  - id: a', right: '  - id: a', kind: 'same' },
      { left: null, right: '  - id: b', kind: 'added' },
    ]);
  });

  it('shows removed lines on the left only', () => {
    expect(diffLines('a\nb\nc', 'a\nc')).toEqual([
      { left: 'a', right: 'a', kind: 'same' },
      { left: 'b', right: null, kind: 'removed' },
      { left: 'c', right: 'c', kind: 'same' },
    ]);
  });

  it('finds nothing between equal texts of 2,000 lines', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const rows = diffLines(text, text);
    expect(rows).toHaveLength(2000);
    expect(rows.every((r) => r.kind === 'same')).toBe(true);
  });
});
