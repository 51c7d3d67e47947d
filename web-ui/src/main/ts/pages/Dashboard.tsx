import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ApiError, query, request, type Page } from '../api';
import { Empty, LiveBadge, ProblemBanner, StatusBadge, useLoad } from '../components';
import { throttle, useLiveEvents } from '../live';
import { ago, duration, shortId } from '../format';
import type { DeadLetter, Run } from '../model';
import { outcomesOverTime, topFailing, type Series } from '../outcomes';
import { Link } from '../router';
import { statsSeries, successRate, type Stats } from '../stats';
import TriggerHealthBoard from './TriggerHealthBoard';

const WINDOWS: { label: string; param: string; ms: number }[] = [
  { label: '15 min', param: '15m', ms: 15 * 60_000 },
  { label: '1 h', param: '1h', ms: 3_600_000 },
  { label: '6 h', param: '6h', ms: 6 * 3_600_000 },
  { label: '24 h', param: '24h', ms: 86_400_000 },
];

interface Data {
  /** null where the server has no stats API: the tiles then count the newest 500 runs of the window */
  stats: Stats | null;
  runs: Run[];
  openDeadLetters: string;
  active: number;
}

async function load(window: (typeof WINDOWS)[number], signal: AbortSignal): Promise<Data> {
  const from = new Date(Date.now() - window.ms).toISOString();
  const statsAnswer = request<Stats>(`/api/v1/stats${query({ window: window.param })}`, { signal }).catch((e) => {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  });
  const [stats, runs] = await Promise.all([statsAnswer, request<Page<Run>>(`/api/v1/runs${query({ from, limit: 500 })}`, { signal })]);
  if (stats) {
    return { stats, runs: runs.items, openDeadLetters: String(stats.deadLetters.open), active: stats.queue.running + stats.queue.queued };
  }
  const [dls, running, queued] = await Promise.all([
    request<Page<DeadLetter>>('/api/v1/dead-letters?status=open&limit=500', { signal }),
    request<Page<Run>>('/api/v1/runs?status=running&limit=500', { signal }),
    request<Page<Run>>('/api/v1/runs?status=queued&limit=500', { signal }),
  ]);
  return { stats: null, runs: runs.items, openDeadLetters: `${dls.items.length}${dls.nextCursor ? '+' : ''}`, active: running.items.length + queued.items.length };
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : duration(value);
}

export default function Dashboard() {
  const [windowParam, setWindowParam] = useState('1h');
  const window = WINDOWS.find((w) => w.param === windowParam)!;
  // Re-read when runs change (live events, at most every 2 s); a slow poll keeps queue lag current when nothing happens.
  const data = useLoad((signal) => load(window, signal), windowParam, 30000);
  const refresh = useMemo(() => throttle(data.reload, 2000), [data.reload]);
  const stream = useLiveEvents(refresh);
  const d = data.data;
  const s = d?.stats;
  const counted = { succeeded: 0, failed: 0 };
  d?.runs.forEach((r) => (r.status === 'succeeded' ? counted.succeeded++ : r.status === 'failed' ? counted.failed++ : null));
  const succeeded = s ? s.totals.succeeded : counted.succeeded;
  const failed = s ? s.totals.failed : counted.failed;
  const rate = successRate(succeeded, failed);
  const started = s ? String(s.totals.started) : d ? `${d.runs.length}${d.runs.length === 500 ? '+' : ''}` : '…';
  const failing = d ? topFailing(d.runs) : [];
  return (
    <section>
      <div className="page-head">
        <h1>
          Dashboard <LiveBadge state={stream} />
        </h1>
        <div className="actions" role="group" aria-label="Window">
          {WINDOWS.map((w) => (
            <button key={w.param} type="button" className={w.param === windowParam ? 'primary' : undefined} onClick={() => setWindowParam(w.param)} aria-pressed={w.param === windowParam}>
              {w.label}
            </button>
          ))}
        </div>
      </div>
      <ProblemBanner error={data.error} />
      <div className="tiles">
        <Tile label={`Runs, last ${window.label}`} value={started} href="/runs" testId="tile-runs" />
        <Tile label="Succeeded" value={d ? String(succeeded) : '…'} href="/runs?status=succeeded" tone="ok" testId="tile-succeeded" />
        <Tile label="Failed" value={d ? String(failed) : '…'} href="/runs?status=failed" tone={failed ? 'bad' : undefined} testId="tile-failed" />
        <Tile label="Success rate" value={rate === null ? '—' : `${rate.toFixed(1)} %`} />
        <Tile label="Running or queued" value={d ? String(d.active) : '…'} href="/runs?status=running" testId="tile-active" />
        <Tile label="Open dead letters" value={d ? d.openDeadLetters : '…'} href="/dead-letters" tone={d && d.openDeadLetters !== '0' ? 'bad' : undefined} testId="tile-dead-letters" />
      </div>
      {s ? (
        <div className="tiles">
          <Tile label="Latency p50 (received → finished)" value={ms(s.latency.p50)} testId="tile-p50" />
          <Tile label="Latency p95" value={ms(s.latency.p95)} testId="tile-p95" />
          <Tile label="Latency p99" value={ms(s.latency.p99)} testId="tile-p99" />
          <Tile label="Queue lag (oldest due run)" value={duration(s.queue.lagSeconds * 1000)} />
          <Tile label="Retrying or waiting" value={String(s.queue.retrying + s.queue.waiting)} href="/runs?status=retrying" />
          <Tile label="SLA breaches" value={String(s.sla.breaches)} tone={s.sla.breaches ? 'bad' : undefined} testId="tile-sla" />
        </div>
      ) : null}
      <div className="two">
        <div className="card">
          <h2>Outcomes over time</h2>
          {d ? <OutcomeChart series={s ? statsSeries(s) : outcomesOverTime(d.runs, window.ms / 30)} /> : <div className="chart-placeholder" />}
        </div>
        <div className="card">
          <h2>Recipes that fail most</h2>
          {d && failing.length === 0 ? <Empty title="No failed runs in this window" /> : null}
          {failing.length ? (
            <table className="grid">
              <tbody>
                {failing.map((f) => (
                  <tr key={f.recipe}>
                    <td>
                      <Link href={`/runs?recipe=${encodeURIComponent(f.recipe)}&status=failed`}>{f.recipe}</Link>
                    </td>
                    <td>
                      {f.failed} failed of {f.total}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      </div>
      <div className="card">
        <h2>Latest failures</h2>
        {d && !d.runs.some((r) => r.status === 'failed') ? <Empty title="Nothing failed in this window" /> : null}
        <table className="grid">
          <tbody>
            {(d?.runs.filter((r) => r.status === 'failed').slice(0, 8) ?? []).map((r) => (
              <tr key={r.id}>
                <td>
                  <Link href={`/runs/${r.id}`} className="mono">
                    {shortId(r.id)}
                  </Link>
                </td>
                <td>{r.recipe}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className="error-cell" title={r.error?.message}>
                  {r.error ? `${r.error.step ? `${r.error.step}: ` : ''}${r.error.message}` : ''}
                </td>
                <td>{ago(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <TriggerHealthBoard />
      {s ? null : <p className="muted small-text">This server has no stats API: the tiles count the newest 500 runs of the window.</p>}
    </section>
  );
}

function Tile({ label, value, href, tone, testId }: { label: string; value: string; href?: string; tone?: 'ok' | 'bad'; testId?: string }) {
  const body = (
    <>
      <div className="tile-value" data-testid={testId}>
        {value}
      </div>
      <div className="tile-label">{label}</div>
    </>
  );
  return <div className={`tile ${tone ? `tile-${tone}` : ''}`}>{href ? <Link href={href}>{body}</Link> : body}</div>;
}

function OutcomeChart({ series }: { series: Series }) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const data: uPlot.AlignedData = [series.x, series.succeeded, series.failed, series.other];
    if (plot.current) {
      plot.current.setData(data);
      return;
    }
    plot.current = new uPlot(
      {
        width: el.current.clientWidth || 560,
        height: 220,
        series: [
          {},
          { label: 'succeeded', stroke: '#1f8a4c', fill: 'rgba(31,138,76,0.12)' },
          { label: 'failed', stroke: '#c0392b', fill: 'rgba(192,57,43,0.12)' },
          { label: 'other', stroke: '#7f8c8d' },
        ],
        axes: [{}, { label: 'runs' }],
        legend: { live: false },
      },
      data,
      el.current,
    );
  }, [series]);
  useEffect(
    () => () => {
      plot.current?.destroy();
      plot.current = null;
    },
    [],
  );
  return <div ref={el} className="chart" data-testid="outcome-chart" />;
}
