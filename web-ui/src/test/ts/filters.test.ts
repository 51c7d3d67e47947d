import { describe, expect, it } from 'vitest';
import { indexKeys, keyFilters, readFilter, writeFilter, localToInstant, instantToLocal } from '../../main/ts/filters';

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

describe('business keys', () => {
  const recipes = [
    { slug: 'orders', definition: { index: { orderId: 'trigger.body.id', customer: 'trigger.body.c' } } },
    { slug: 'refunds', definition: { index: { orderId: 'trigger.body.order' } } },
    { slug: 'plain', definition: { steps: [] } },
  ];

  it('names the keys of the chosen recipe, or of all recipes', () => {
    expect(indexKeys(recipes, 'orders')).toEqual(['customer', 'orderId']);
    expect(indexKeys(recipes)).toEqual(['customer', 'orderId']);
    expect(indexKeys(recipes, 'plain')).toEqual([]);
  });

  it('keeps key filters in the query string as key.<name>', () => {
    const names = ['recipe', 'status', 'key.*'];
    const filter = readFilter('?recipe=orders&key.orderId=42&key.customer=ACME&other=x', names);
    expect(filter).toEqual({ recipe: 'orders', 'key.orderId': '42', 'key.customer': 'ACME' });
    expect(keyFilters(filter)).toEqual([
      { name: 'customer', value: 'ACME' },
      { name: 'orderId', value: '42' },
    ]);
    expect(writeFilter(filter, names)).toBe('?recipe=orders&key.customer=ACME&key.orderId=42');
  });
});
