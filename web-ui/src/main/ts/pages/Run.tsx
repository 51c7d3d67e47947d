import { useMemo, useState } from 'react';
import { request } from '../api';
import { Empty, JsonView, LiveBadge, ProblemBanner, StatusBadge, useLoad } from '../components';
import { throttle, useLiveEvents } from '../live';
import { ago, between, duration, shortId, timestamp } from '../format';
import { FINISHED, type LogLine, type Run, type RunLink, type Step } from '../model';
import { Link, useLocation } from '../router';
import { CompareForm, RunCompare } from './RunCompare';
import { useCan } from '../session';
import { timeline } from '../timeline';

const FALLBACK_MS = 30000;
/** At most one re-read of the run per this many ms, however many steps finish. */
const REFRESH_MS = 300;
const RETRYABLE = ['failed', 'retrying', 'waiting'];

/** One run: what happened, where it failed and why, with the operator's actions beside it. */
export function RunPage({ id }: { id: string }) {
  const compareWith = new URLSearchParams(useLocation().search).get('compare');
  const canOperate = useCan('operate-runs');
  // Live until the run has ended (its run and step events re-read it); a retry makes it live again
  // through the status it answers. A slow poll covers a stream that dropped events.
  const [ended, setEnded] = useState(false);
  const live = !ended;
  const run = useLoad((signal) => request<Run>(`/api/v1/runs/${encodeURIComponent(id)}`, { signal }), id, live ? FALLBACK_MS : null);
  const logs = useLoad((signal) => request<{ items: LogLine[] }>(`/api/v1/runs/${encodeURIComponent(id)}/logs`, { signal }), id, live ? FALLBACK_MS : null);
  const refresh = useMemo(() => throttle(() => {
    run.reload();
    logs.reload();
  }, REFRESH_MS), [run.reload, logs.reload]);
  const stream = useLiveEvents((e) => {
    if (e.type === 'reload' || e.run.id === id || e.run.parentRunId === id || e.run.replayOf === id) refresh();
  }, run.data?.recipe);
  const [actionError, setActionError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const r = run.data;
  const nowEnded = !!r && FINISHED.includes(r.status);
  if (nowEnded !== ended) setEnded(nowEnded);
  if (!r) {
    return run.error ? <ProblemBanner error={run.error} /> : <div className="muted">Loading run…</div>;
  }
  const act = async (verb: 'retry' | 'cancel') => {
    setBusy(true);
    setActionError(undefined);
    try {
      await request(`/api/v1/runs/${r.id}/${verb}`, { method: 'POST' });
      run.reload();
      logs.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };
  const failedStep = r.steps?.find((s) => s.status === 'failed');
  return (
    <section>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link href={`/runs?recipe=${encodeURIComponent(r.recipe)}`}>Runs of {r.recipe}</Link>
          </div>
          <h1>
            Run <span className="mono">{shortId(r.id)}</span> <StatusBadge status={r.status} />{' '}
            {live ? <LiveBadge state={stream} /> : null}
          </h1>
        </div>
        <div className="actions">
          {canOperate && RETRYABLE.includes(r.status) ? (
            <button type="button" className="primary" disabled={busy} onClick={() => act('retry')}>
              Retry now
            </button>
          ) : null}
          {canOperate && !FINISHED.includes(r.status) ? (
            <button type="button" className="danger" disabled={busy} onClick={() => act('cancel')}>
              Cancel run
            </button>
          ) : null}
        </div>
      </div>
      <ProblemBanner error={actionError} onClose={() => setActionError(undefined)} />
      <ProblemBanner error={run.error} />
      {r.error ? (
        <div className="run-error" data-testid="run-error">
          <div className="run-error-title">
            Failed{r.error.step ? ` at step ${r.error.step}` : ''}: <code>{r.error.type}</code>
          </div>
          <div>{r.error.message}</div>
        </div>
      ) : null}
      <dl className="facts">
        <dt>Recipe</dt>
        <dd>
          <Link href={`/recipes/${encodeURIComponent(r.recipe)}`}>{r.recipe}</Link> version {r.recipeVersion}
        </dd>
        <dt>Origin</dt>
        <dd>{r.origin}</dd>
        <dt>Created</dt>
        <dd title={r.createdAt}>
          {timestamp(r.createdAt)} ({ago(r.createdAt)})
        </dd>
        <dt>Duration</dt>
        <dd>{duration(between(r.createdAt, r.finishedAt))}{FINISHED.includes(r.status) ? '' : ' so far'}</dd>
        <dt>Attempt</dt>
        <dd>{r.attempt}</dd>
        {r.nextAttemptAt ? (
          <>
            <dt>Next attempt</dt>
            <dd>{timestamp(r.nextAttemptAt)}</dd>
          </>
        ) : null}
        {r.waitReason ? (
          <>
            <dt>Waiting for</dt>
            <dd>{r.waitReason}</dd>
          </>
        ) : null}
        {r.eventId ? (
          <>
            <dt>Trigger event</dt>
            <dd>
              <a href="#trigger" className="mono" title="The event's payload, below">
                {shortId(r.eventId)}
              </a>
            </dd>
          </>
        ) : null}
        {Object.keys(r.keys ?? {}).length ? (
          <>
            <dt>Business keys</dt>
            <dd>
              {Object.entries(r.keys ?? {}).map(([k, v]) => (
                <Link key={k} href={`/runs?recipe=${encodeURIComponent(r.recipe)}&key.${k}=${encodeURIComponent(v)}`} className="chip" title={`Every run of ${r.recipe} with ${k} = ${v}`}>
                  <code>{k}</code> = {v}
                </Link>
              ))}
            </dd>
          </>
        ) : null}
        {r.replayOf ? (
          <>
            <dt>Replay of</dt>
            <dd>
              <Link href={`/runs/${r.replayOf}`} className="mono">
                {shortId(r.replayOf)}
              </Link>
            </dd>
          </>
        ) : null}
        {r.parentRunId ? (
          <>
            <dt>Called by</dt>
            <dd>
              <Link href={`/runs/${r.parentRunId}`} className="mono">
                {shortId(r.parentRunId)}
              </Link>
            </dd>
          </>
        ) : null}
        {r.deadLetterId ? (
          <>
            <dt>Dead letter</dt>
            <dd>
              <Link href={`/dead-letters?recipe=${encodeURIComponent(r.recipe)}&status=all`}>{shortId(r.deadLetterId)}</Link>
            </dd>
          </>
        ) : null}
        <RunLinks label="Replayed as" runs={r.replays} testId="replays" />
        <RunLinks label="Called" runs={r.children} testId="children" />
      </dl>
      {compareWith ? <RunCompare left={r} rightId={compareWith} /> : null}
      <h2>Timeline</h2>
      <Timeline run={r} initiallyOpen={failedStep?.path} />
      <h2 id="trigger">Trigger</h2>
      <JsonView value={r.trigger ?? null} label="trigger" />
      {r.output !== null && r.output !== undefined ? (
        <>
          <h2>Output</h2>
          <JsonView value={r.output} label="output" />
        </>
      ) : null}
      <h2>Logs</h2>
      <Logs lines={logs.data?.items} error={logs.error} />
      {compareWith ? null : (
        <>
          <h2>Compare</h2>
          <CompareForm run={r} />
        </>
      )}
    </section>
  );
}

/** Runs this one links to (its replays, its call: children), each with its status. */
function RunLinks({ label, runs, testId }: { label: string; runs: RunLink[] | undefined; testId: string }) {
  if (!runs?.length) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {runs.map((l) => (
          <span key={l.id} className="run-link">
            <Link href={`/runs/${l.id}`} className="mono">
              {shortId(l.id)}
            </Link>{' '}
            {l.recipe !== runs[0].recipe || testId === 'children' ? <span className="muted">{l.recipe} </span> : null}
            <StatusBadge status={l.status} />
          </span>
        ))}
        {runs.length >= 100 ? <span className="muted"> (the first 100)</span> : null}
      </dd>
    </>
  );
}

function Timeline({ run, initiallyOpen }: { run: Run; initiallyOpen?: string }) {
  const [open, setOpen] = useState<Set<string>>(() => new Set(initiallyOpen ? [initiallyOpen] : []));
  const t = timeline(run);
  if (!t.bars.length) return <Empty title="No steps have run yet">{run.waitReason ? `The run waits for ${run.waitReason}.` : 'The run is queued.'}</Empty>;
  const toggle = (path: string) => {
    const next = new Set(open);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setOpen(next);
  };
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-scale muted">
        <span>0</span>
        {t.queuedMs !== null && t.queuedMs > 0 ? <span>queued {duration(t.queuedMs)} before the first step</span> : null}
        <span>{duration(t.spanMs)}</span>
      </div>
      {t.bars.map((bar) => (
        <div key={bar.step.path} className={`step step-${bar.step.status}`} data-step={bar.step.path}>
          <button type="button" className="step-row" onClick={() => toggle(bar.step.path)} aria-expanded={open.has(bar.step.path)}>
            <span className="step-name" style={{ paddingLeft: `${bar.depth * 16}px` }}>
              {open.has(bar.step.path) ? '▾' : '▸'} {bar.step.path}
            </span>
            <span className="step-status">
              <StatusBadge status={bar.step.status} />
              {bar.step.attempts > 1 ? <span className="attempts" title="attempts">×{bar.step.attempts}</span> : null}
            </span>
            <span className="step-track">
              <span className="step-bar" style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
            </span>
            <span className="step-duration">{duration(bar.durationMs)}</span>
          </button>
          {open.has(bar.step.path) ? <StepDetail step={bar.step} /> : null}
        </div>
      ))}
    </div>
  );
}

function StepDetail({ step }: { step: Step }) {
  return (
    <div className="step-detail">
      {step.error ? (
        <div className="step-error" data-testid="step-error">
          <code>{step.error.type}</code> {step.error.message}
          {step.error.retryable !== undefined ? <span className="muted"> ({step.error.retryable ? 'retryable' : 'not retryable'})</span> : null}
        </div>
      ) : null}
      <div className="muted">
        {step.attempts} attempt{step.attempts === 1 ? '' : 's'} · started {timestamp(step.startedAt)} · finished {timestamp(step.finishedAt)}
      </div>
      <div className="two">
        <JsonView value={step.input} label="input" />
        <JsonView value={step.output} label="output" />
      </div>
    </div>
  );
}

function Logs({ lines, error }: { lines: LogLine[] | undefined; error: unknown }) {
  if (error) return <ProblemBanner error={error} />;
  if (!lines) return <div className="muted">Loading logs…</div>;
  if (!lines.length) return <Empty title="No log lines">Steps write here with core.log; connectors and the engine add their messages.</Empty>;
  return (
    <table className="grid logs">
      <tbody>
        {lines.map((l, i) => (
          <tr key={i} className={`log-${l.level.toLowerCase()}`}>
            <td className="mono nowrap">{timestamp(l.at)}</td>
            <td>{l.level}</td>
            <td className="mono">{l.step ?? ''}</td>
            <td className="log-message">{l.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
