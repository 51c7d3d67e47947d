import { useState } from 'react';
import { request } from '../api';
import { ProblemBanner } from '../components';
import { localToInstant } from '../filters';
import { shortId, timestamp } from '../format';
import type { Recipe } from '../model';
import { Link } from '../router';

interface ReplayAnswer {
  events?: number;
  replayed?: number;
  next: string | null;
  items?: { eventId: string; receivedAt: string; firstRunId: string | null }[];
  runs?: { eventId: string; runId: string }[];
}

interface BackfillAnswer {
  fireTimes: number;
  started: number;
  runs: { scheduledAt: string; action: string; existingRunId: string | null; existingStatus: string | null; runId: string | null }[];
}

/**
 * Replay stored trigger events (or, for a schedule, backfill fire times) in a time range. The preview
 * always comes first and shows what would start; nothing starts until it is confirmed.
 */
export function Reprocess({ recipe }: { recipe: Recipe }) {
  const schedule = recipe.triggerType === 'schedule';
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [version, setVersion] = useState('');
  const [mode, setMode] = useState('missed');
  const [overlap, setOverlap] = useState('skip');
  const [preview, setPreview] = useState<ReplayAnswer | BackfillAnswer | null>(null);
  const [done, setDone] = useState<ReplayAnswer | BackfillAnswer | null>(null);
  const [error, setError] = useState<unknown>();
  const url = `/api/v1/recipes/${encodeURIComponent(recipe.slug)}/${schedule ? 'backfill' : 'replay'}`;
  const body = (isPreview: boolean) => ({
    from: localToInstant(from),
    to: localToInstant(to),
    preview: isPreview,
    ...(schedule ? { mode, overlap } : version ? { version: Number(version) } : {}),
  });
  const send = async (isPreview: boolean) => {
    setError(undefined);
    try {
      const answer = await request<ReplayAnswer | BackfillAnswer>(url, { method: 'POST', body: body(isPreview) });
      if (isPreview) {
        setPreview(answer);
        setDone(null);
      } else {
        setDone(answer);
        setPreview(null);
      }
    } catch (e) {
      setError(e);
    }
  };
  const changed = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    setPreview(null);
  };
  const count = (a: ReplayAnswer | BackfillAnswer) => ('fireTimes' in a ? a.runs.filter((r) => r.action !== 'skip').length : (a.events ?? 0));
  return (
    <div className="card">
      <h2>{schedule ? 'Backfill fire times' : 'Replay stored events'}</h2>
      <div className="toolbar">
        <label>
          From
          <input type="datetime-local" value={from} onChange={changed(setFrom)} />
        </label>
        <label>
          To (not included)
          <input type="datetime-local" value={to} onChange={changed(setTo)} />
        </label>
        {schedule ? (
          <>
            <label>
              Fire times
              <select value={mode} onChange={changed(setMode)}>
                <option value="missed">only the missed ones</option>
                <option value="all">all</option>
              </select>
            </label>
            <label>
              When one already ran
              <select value={overlap} onChange={changed(setOverlap)} disabled={mode === 'missed'}>
                <option value="skip">skip it</option>
                <option value="queue">queue behind it</option>
                <option value="allow">run again at once</option>
              </select>
            </label>
          </>
        ) : (
          <label>
            Version
            <input className="narrow" type="number" min={1} placeholder="current" value={version} onChange={changed(setVersion)} />
          </label>
        )}
        <button type="button" disabled={!from || !to} onClick={() => send(true)}>
          Preview
        </button>
      </div>
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      {preview ? (
        <div data-testid="reprocess-preview">
          <p>
            <strong>{count(preview)}</strong> {schedule ? 'fire times would get a run' : 'stored events would be replayed'}
            {'next' in preview && preview.next ? ` (this request's limit; more follow from ${timestamp(preview.next)})` : ''}.
          </p>
          <ul className="preview-list">
            {'fireTimes' in preview
              ? preview.runs.map((r) => (
                  <li key={r.scheduledAt}>
                    {timestamp(r.scheduledAt)} — {r.action}
                    {r.existingRunId ? <> (ran as <Link href={`/runs/${r.existingRunId}`}>{shortId(r.existingRunId)}</Link>, {r.existingStatus})</> : null}
                  </li>
                ))
              : (preview.items ?? []).map((e) => (
                  <li key={e.eventId}>
                    event received {timestamp(e.receivedAt)}
                    {e.firstRunId ? <> — first run <Link href={`/runs/${e.firstRunId}`}>{shortId(e.firstRunId)}</Link></> : null}
                  </li>
                ))}
          </ul>
          <button type="button" className="primary" disabled={!count(preview)} onClick={() => send(false)}>
            {schedule ? `Start ${count(preview)} runs` : `Replay ${count(preview)} events`}
          </button>
        </div>
      ) : null}
      {done ? (
        <div className="outcomes outcomes-ok" role="status">
          <strong>{'fireTimes' in done ? `${done.started} runs started` : `${done.replayed ?? 0} events replayed`}</strong>{' '}
          <Link href={`/runs?recipe=${encodeURIComponent(recipe.slug)}`}>See the runs</Link>
        </div>
      ) : null}
    </div>
  );
}
