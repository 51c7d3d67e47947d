// The trigger health board's rows (GET /api/v1/triggers) and their figures in plain words.

export type TriggerState = 'ok' | 'starting' | 'lagging' | 'failing';

export interface TriggerHealth {
  recipe: string;
  name?: string;
  type: 'kafka' | 'cdc' | 'poll' | 'schedule' | 'webhook' | null;
  state: TriggerState;
  since?: string;
  detail?: string;
  kafka?: { topic: string; lag?: number; partitions?: number; assigned?: number; readers?: string[]; groupState?: string };
  cdc?: { connection: string; slot: string; exists: boolean; active: boolean; streaming: boolean; lagBytes?: number; retainedBytes?: number };
  poll?: { cursor?: unknown; lastPoll?: string; nextPoll?: string; every?: string; cron?: string; lastError?: string; lastErrorAt?: string };
  schedule?: { cron: string; timezone: string; lastFire?: string; nextFire?: string; missed: number };
  webhook?: { refusals: Record<string, number> };
}

/** 1,204 */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** 980 bytes, 4.2 kB, 12 MB, 3.1 GB */
export function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** "in 42 s", "in 3 min", "in 2 h"; "now" when due. */
export function inTime(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (ms <= 1000) return 'now';
  const s = Math.round(ms / 1000);
  if (s < 90) return `in ${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `in ${m} min`;
  return `in ${Math.round(m / 60)} h`;
}

/** 14:05 today, else "Tue 14:05", beyond a week the date. */
export function clock(iso: string, now: number): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return hm;
  if (Math.abs(d.getTime() - now) < 6 * 86_400_000) return `${d.toLocaleDateString('en-GB', { weekday: 'short' })} ${hm}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function cursorText(cursor: unknown): string {
  if (cursor === null || cursor === undefined) return 'none';
  return typeof cursor === 'string' ? cursor : JSON.stringify(cursor);
}

/** What a person reads about the trigger: its main figure first, then the others. */
export function figures(h: TriggerHealth, now: number): string[] {
  if (h.kafka) {
    const k = h.kafka;
    const out = [k.lag === undefined ? `topic ${k.topic}` : `lag ${plural(k.lag, 'message')}`];
    if (k.partitions !== undefined) out.push(`${plural(k.partitions, 'partition')}${k.assigned !== undefined ? `, ${count(k.assigned)} assigned` : ''}`);
    if (k.readers?.length) out.push(`read by ${k.readers.join(', ')}`);
    return out;
  }
  if (h.cdc) {
    const c = h.cdc;
    if (!c.exists) return [`slot ${c.slot} not created yet`];
    const out = [c.lagBytes === undefined ? `slot ${c.slot}` : `slot ${bytes(c.lagBytes)} behind`];
    if (c.retainedBytes !== undefined) out.push(`${bytes(c.retainedBytes)} WAL retained`);
    out.push(c.streaming ? 'streaming' : c.active ? 'reaching its consistent point' : 'no reader attached');
    return out;
  }
  if (h.poll) {
    const p = h.poll;
    const out = [`cursor ${cursorText(p.cursor)}`];
    out.push(p.lastPoll ? `polled ${sinceText(p.lastPoll, now)}` : 'not polled yet');
    if (p.nextPoll) out.push(`next poll ${inTime(p.nextPoll, now)}`);
    if (p.lastError) out.push(`last poll failed: ${p.lastError}`);
    return out;
  }
  if (h.schedule) {
    const s = h.schedule;
    const out = [s.nextFire ? `next fire ${clock(s.nextFire, now)}, ${count(s.missed)} missed` : `no next fire, ${count(s.missed)} missed`];
    out.push(s.lastFire ? `last fire ${clock(s.lastFire, now)}` : 'not fired yet');
    return out;
  }
  if (h.webhook) {
    const r = h.webhook.refusals;
    return [`24 h: ${count(r['401'] ?? 0)}×401, ${count(r['429'] ?? 0)}×429, ${count(r['413'] ?? 0)}×413`];
  }
  return [];
}

/** What the trigger listens to, shown under its type: the topic, the source, the interval or the cron. */
export function source(h: TriggerHealth): string {
  if (h.kafka) return `topic ${h.kafka.topic}`;
  if (h.cdc) return `connection ${h.cdc.connection}`;
  if (h.poll) return h.poll.every ? `every ${h.poll.every}` : `cron ${h.poll.cron ?? ''} (UTC)`;
  if (h.schedule) return `${h.schedule.cron} (${h.schedule.timezone})`;
  if (h.webhook) return `/hooks/${h.recipe}`;
  return '';
}

function sinceText(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (ms < 1500) return 'just now';
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min ago`;
  return `${Math.round(m / 60)} h ago`;
}

const ORDER: Record<TriggerState, number> = { failing: 0, lagging: 1, starting: 2, ok: 3 };

/** The rows that need a look first: failing, lagging, starting, then ok; by recipe within a state. */
export function worstFirst(rows: TriggerHealth[]): TriggerHealth[] {
  return [...rows].sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.recipe.localeCompare(b.recipe));
}
