import { describe, expect, it } from 'vitest';
import { readFilter, writeFilter, localToInstant, instantToLocal } from '../../main/ts/filters';

const NAMES = ['recipe', 'status', 'from', 'to', 'key.*'] as const;

describe('filters in the query string', () => {
  it('reads the API names and ignores the rest', () => {
    expect(readFilter('?recipe=order-sync&status=failed&utm=x&from=', NAMES)).toEqual({ recipe: 'order-sync', status: 'failed' });
  });

  it('keeps business keys (key.orderId=…)', () => {
    expect(readFilter('?key.orderId=A-17&key.=x', NAMES)).toEqual({ 'key.orderId': 'A-17' });
  });

  it('writes in a stable order, encoded, leaving blanks out', () => {
    const text = writeFilter({ status: 'failed', recipe: 'a b&c', to: '', 'key.z': '1', 'key.a': 'x/y' }, NAMES);
    expect(text).toBe('?recipe=a+b%26c&status=failed&key.a=x%2Fy&key.z=1');
    expect(readFilter(text, NAMES)).toEqual({ recipe: 'a b&c', status: 'failed', 'key.a': 'x/y', 'key.z': '1' });
  });

  it('is empty without filters', () => {
    expect(writeFilter({}, NAMES)).toBe('');
  });

  it('turns a local date-time into an instant and back', () => {
    const iso = localToInstant('2026-03-01T10:15');
    expect(iso).toMatch(/^2026-03-01T\d\d:15:00\.000Z$/);
    expect(instantToLocal(iso)).toBe('2026-03-01T10:15');
    expect(localToInstant('')).toBe('');
    expect(localToInstant('not a date')).toBe('');
  });
});
