import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { shortId, tail } from './format';
import { Link } from './router';

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

/** A problem from the server shown as is: its detail, and each error's path and line. */
export function ProblemBanner({ error, onClose }: { error: unknown; onClose?: () => void }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  const text = error instanceof Error ? error.message : String(error);
  return (
    <div className="problem" role="alert">
      <div className="problem-text">
        <strong>{problem?.title && problem.title !== text ? `${problem.title}: ` : ''}</strong>
        {text}
        {problem?.errors?.length ? (
          <ul>
            {problem.errors.map((e, i) => (
              <li key={i}>
                {e.path ? <code>{e.path}</code> : null}
                {e.line ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : ''} {e.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {onClose ? (
        <button className="link" onClick={onClose} aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Changes the data in place (a live event) until the next load. */
  mutate: (change: (data: T) => T) => void;
}

/**
 * Loads with `load` whenever `key` changes; `refreshMs` polls while the page is visible (a fallback
 * beside live events). A failed poll keeps the last data and shows the error.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string, refreshMs?: number | null): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef(key);

  useEffect(() => {
    const controller = new AbortController();
    if (lastKey.current !== key) {
      lastKey.current = key;
      setData(undefined);
    }
    setLoading(true);
    loadRef.current(controller.signal).then(
      (d) => {
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e) => {
        if (controller.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs, key]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const mutate = useCallback((change: (d: T) => T) => setData((d) => (d === undefined ? d : change(d))), []);
  return { data, error, loading, reload, mutate };
}

/** A collapsible JSON tree with a copy button; long values fold beyond the first levels. */
export function JsonView({ value, label }: { value: unknown; label?: string }) {
  const [copied, setCopied] = useState(false);
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="json">
      <div className="json-head">
        {label ? <span className="json-label">{label}</span> : null}
        <button className="small" onClick={copy} type="button">
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <div className="json-body">
        <JsonNode value={value} depth={0} />
      </div>
    </div>
  );
}

function JsonNode({ value, depth, name }: { value: unknown; depth: number; name?: string }) {
  const [open, setOpen] = useState(depth < 2);
  const key = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    const cls = value === null ? 'json-null' : `json-${typeof value}`;
    return (
      <div className="json-line">
        {key}
        <span className={cls}>{typeof value === 'string' ? JSON.stringify(value) : String(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as object);
  const [openBr, closeBr] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="json-line">
        {key}
        {openBr}
        {closeBr}
      </div>
    );
  }
  return (
    <div className="json-line">
      <button type="button" className="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? '▾' : '▸'}
      </button>
      {key}
      {open ? (
        <>
          {openBr}
          <div className="json-children">
            {entries.map(([k, v]) => (
              <JsonNode key={k} name={k} value={v} depth={depth + 1} />
            ))}
          </div>
          {closeBr}
        </>
      ) : (
        <span className="json-folded" onClick={() => setOpen(true)}>
          {openBr} {entries.length} {Array.isArray(value) ? 'items' : 'keys'} {closeBr}
        </span>
      )}
    </div>
  );
}

/** The outcome of a bulk action: every item's result, never a silent partial failure. */
export interface Outcome {
  id: string;
  ok: boolean;
  text: string;
  href?: string;
}

export function Outcomes({ title, outcomes, onClose }: { title: string; outcomes: Outcome[]; onClose: () => void }) {
  const failed = outcomes.filter((o) => !o.ok).length;
  return (
    <div className={`outcomes ${failed ? 'outcomes-partial' : 'outcomes-ok'}`} role="status">
      <div className="outcomes-head">
        <strong>
          {title}: {outcomes.length - failed} done{failed ? `, ${failed} refused` : ''}
        </strong>
        <button className="link" onClick={onClose} type="button">
          Close
        </button>
      </div>
      <ul>
        {outcomes.map((o) => (
          <li key={o.id} className={o.ok ? 'ok' : 'refused'}>
            <code>{shortId(o.id)}</code> {o.href ? <Link href={o.href}>{o.text}</Link> : o.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

const ERROR_SHOWN = 160;

/**
 * A long error's useful end (the cause is usually last), the whole text on hover and on click; short
 * errors as they are.
 */
export function ErrorText({ prefix, text }: { prefix?: ReactNode; text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > ERROR_SHOWN;
  return (
    <span
      className={`error-text${open ? ' open' : ''}${long ? ' long' : ''}`}
      title={long && !open ? text : undefined}
      onClick={long ? () => setOpen(!open) : undefined}
      data-testid="error-text"
    >
      {prefix}
      {long && !open ? `…${tail(text, ERROR_SHOWN)}` : text}
    </span>
  );
}

/** Whether the page's live stream is connected. */
export function LiveBadge({ state }: { state: 'connecting' | 'live' | 'down' }) {
  return state === 'live' ? (
    <span className="live" title="Updates arrive as runs change" data-testid="live">
      ● live
    </span>
  ) : (
    <span className="muted" title="The live stream is reconnecting; the page is refreshed meanwhile" data-testid="live">
      ○ {state === 'down' ? 'offline, retrying' : 'connecting'}
    </span>
  );
}
