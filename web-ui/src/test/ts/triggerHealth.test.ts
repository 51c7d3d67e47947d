import { describe, expect, it } from 'vitest';
import { bytes, figures, inTime, source, worstFirst, type TriggerHealth } from '../../main/ts/triggerHealth';

const now = Date.parse('2026-12-07T14:00:00Z');
const base = { recipe: 'r', state: 'ok' as const };

describe('trigger health figures', () => {
  it('reads a Kafka recipe by its lag, partitions and readers', () => {
    const h: TriggerHealth = { ...base, type: 'kafka', kafka: { topic: 'orders', lag: 1204, partitions: 3, assigned: 3, readers: ['10.0.0.5'] } };
    expect(figures(h, now)).toEqual(['lag 1,204 messages', '3 partitions, 3 assigned', 'read by 10.0.0.5']);
  });

  it('reads a CDC recipe by how far its slot is behind', () => {
    const h: TriggerHealth = {
      ...base,
      type: 'cdc',
      cdc: { connection: 'shop', slot: 'braid_shop', exists: true, active: true, streaming: true, lagBytes: 12 * 1024 * 1024, retainedBytes: 40 * 1024 * 1024 },
    };
    expect(figures(h, now)).toEqual(['slot 12 MB behind', '40 MB WAL retained', 'streaming']);
    expect(figures({ ...h, cdc: { ...h.cdc!, exists: false } }, now)).toEqual(['slot braid_shop not created yet']);
  });

  it('reads a poll by its cursor and when it polls next', () => {
    const h: TriggerHealth = {
      ...base,
      type: 'poll',
      poll: { cursor: 500, lastPoll: '2026-12-07T13:59:18Z', nextPoll: '2026-12-07T14:00:42Z', every: '1m' },
    };
    expect(figures(h, now)).toEqual(['cursor 500', 'polled 42 s ago', 'next poll in 42 s']);
  });

  it('reads a webhook by its refusals of the day', () => {
    const h: TriggerHealth = { ...base, type: 'webhook', webhook: { refusals: { '401': 3, '413': 0, '429': 1200 } } };
    expect(figures(h, now)).toEqual(['24 h: 3×401, 1,200×429, 0×413']);
  });

  it('names a schedule by its next fire and the fires it missed', () => {
    const h: TriggerHealth = { ...base, type: 'schedule', schedule: { cron: '0 */5 * * * *', timezone: 'UTC', nextFire: '2026-12-07T14:05:00Z', missed: 0 } };
    expect(figures(h, now)[0]).toMatch(/^next fire \d\d:05, 0 missed$/);
    expect(figures(h, now)[1]).toBe('not fired yet');
    expect(source(h)).toBe('0 */5 * * * * (UTC)');
  });

  it('writes sizes and waits the way people say them', () => {
    expect(bytes(900)).toBe('900 bytes');
    expect(bytes(1536)).toBe('1.5 kB');
    expect(bytes(3 * 1024 ** 3)).toBe('3.0 GB');
    expect(inTime('2026-12-07T14:30:00Z', now)).toBe('in 30 min');
    expect(inTime('2026-12-07T13:00:00Z', now)).toBe('now');
  });

  it('puts what needs a look first', () => {
    const rows: TriggerHealth[] = [
      { recipe: 'a', type: 'webhook', state: 'ok' },
      { recipe: 'b', type: 'kafka', state: 'lagging' },
      { recipe: 'c', type: 'cdc', state: 'failing' },
      { recipe: 'd', type: 'poll', state: 'starting' },
    ];
    expect(worstFirst(rows).map((r) => r.recipe)).toEqual(['c', 'b', 'd', 'a']);
  });
});
