// Live pages (DESIGN §10): one EventSource per page on GET /api/v1/events, shared by every component of
// the page that listens, resumed with Last-Event-ID after a drop.
import { useEffect, useRef, useState } from 'react';
import type { Run } from './model';

export type LiveEvent =
  | { type: 'run'; run: Run }
  | { type: 'step'; run: Run; steps: { path: string; status: string }[] }
  | { type: 'reload'; reason: string };

export type LiveState = 'connecting' | 'live' | 'down';

type Listener = { recipe?: string; onEvent: (e: LiveEvent) => void; onState: (s: LiveState) => void };

const RETRY_MS = 3000;

/** The page's one stream. Asks the server for one recipe's events when every listener wants the same one. */
class LiveFeed {
  private listeners = new Set<Listener>();
  private source: EventSource | null = null;
  private openedFor: string | undefined | null = null;
  private lastEventId: string | null = null;
  private state: LiveState = 'connecting';
  private retry: number | undefined;

  add(listener: Listener): () => void {
    this.listeners.add(listener);
    listener.onState(this.state);
    this.reconcile();
    return () => {
      this.listeners.delete(listener);
      this.reconcile();
    };
  }

  private wanted(): string | undefined {
    const recipes = new Set([...this.listeners].map((l) => l.recipe ?? ''));
    return recipes.size === 1 && !recipes.has('') ? [...recipes][0] : undefined;
  }

  private reconcile(): void {
    if (!this.listeners.size) {
      this.close();
      return;
    }
    const recipe = this.wanted();
    if (this.source && this.openedFor === (recipe ?? '')) return;
    this.open(recipe);
  }

  private open(recipe: string | undefined): void {
    this.close();
    this.setState('connecting');
    const params = new URLSearchParams();
    if (recipe) params.set('recipe', recipe);
    // A new EventSource cannot set the header; the server reads the same id from the query.
    if (this.lastEventId) params.set('lastEventId', this.lastEventId);
    const text = params.toString();
    const source = new EventSource(`/api/v1/events${text ? `?${text}` : ''}`, { withCredentials: true });
    this.source = source;
    this.openedFor = recipe ?? '';
    source.onopen = () => this.setState('live');
    source.onerror = () => {
      // The browser retries by itself (with Last-Event-ID) while CONNECTING; a CLOSED stream is reopened here.
      this.setState(source.readyState === EventSource.CLOSED ? 'down' : 'connecting');
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        this.source = null;
        this.retry = window.setTimeout(() => this.reconcile(), RETRY_MS);
      }
    };
    const handle = (type: 'run' | 'step' | 'reload') => (e: MessageEvent) => {
      if (e.lastEventId) this.lastEventId = e.lastEventId;
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      const event: LiveEvent =
        type === 'run'
          ? { type, run: data as unknown as Run }
          : type === 'step'
            ? { type, run: data.run as Run, steps: (data.steps as { path: string; status: string }[]) ?? [] }
            : { type, reason: String(data.reason ?? '') };
      this.listeners.forEach((l) => {
        if (!l.recipe || event.type === 'reload' || event.run?.recipe === l.recipe) l.onEvent(event);
      });
    };
    source.addEventListener('run', handle('run'));
    source.addEventListener('step', handle('step'));
    source.addEventListener('reload', handle('reload'));
  }

  private close(): void {
    window.clearTimeout(this.retry);
    this.source?.close();
    this.source = null;
    this.openedFor = null;
  }

  private setState(state: LiveState): void {
    this.state = state;
    this.listeners.forEach((l) => l.onState(state));
  }
}

const feed = new LiveFeed();

/** Calls `onEvent` for each live event (of `recipe` only, when given) while mounted; answers the stream's state. */
export function useLiveEvents(onEvent: (e: LiveEvent) => void, recipe?: string): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => feed.add({ recipe, onEvent: (e) => handler.current(e), onState: setState }), [recipe]);
  return state;
}

/** Whether a run belongs in a run list with these filters (the API's names: recipe, status, from, to, key.<name>). */
export function matchesRunFilter(run: Pick<Run, 'recipe' | 'status' | 'createdAt'> & { keys?: Record<string, string> }, filter: Record<string, string>): boolean {
  if (filter.recipe && run.recipe !== filter.recipe) return false;
  if (filter.status && run.status !== filter.status) return false;
  const created = Date.parse(run.createdAt);
  if (filter.from && created < Date.parse(filter.from)) return false;
  if (filter.to && created >= Date.parse(filter.to)) return false;
  for (const [name, value] of Object.entries(filter)) {
    if (name.startsWith('key.') && run.keys?.[name.slice(4)] !== value) return false;
  }
  return true;
}

/**
 * The first page after a live run event: a run already listed is replaced where it is; a new one that
 * matches goes on top (ids are time-ordered, newest first), the page kept at `size`.
 */
export function mergeRun<T extends { id: string }>(items: T[], run: T, matches: boolean, size: number): T[] {
  const at = items.findIndex((r) => r.id === run.id);
  if (at >= 0) return items.map((r, i) => (i === at ? { ...r, ...run } : r));
  if (!matches) return items;
  if (items.length && run.id < items[items.length - 1].id && items.length >= size) return items;
  return [run, ...items].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, size);
}

/** Calls `fn` at most once per `ms`, the last call of a burst included. */
export function throttle(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  let last = 0;
  return () => {
    if (timer !== undefined) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = window.setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
  };
}
