import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { query, request, type Page } from '../api';
import { Empty, ProblemBanner, StatusBadge, useLoad } from '../components';
import { ago, shortId } from '../format';
import type { DeadLetter, Run } from '../model';
import { outcomesOverTime, topFailing, type Series } from '../outcomes';
import { Link } from '../router';

// Until /api/v1/stats is there, the dashboard reads the newest runs (up to 500) and the open dead letters.
const WINDOWS: { label: string; ms: number }[] = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '6 h', ms: 6 * 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
];

interface Data {
  runs: Run[];
  deadLetters: DeadLetter[];
  deadLettersMore: boolean;
  active: number;
}

async function load(windowMs: number, signal: AbortSignal): Promise<Data> {
  const from = new Date(Date.now() - windowMs).toISOString();
  const [runs, dls, running, queued] = await Promise.all([
    request<Page<Run>>(`/api/v1/runs${query({ from, limit: 500 })}`, { signal }),
    request<Page<DeadLetter>>('/api/v1/dead-letters?status=open&limit=500', { signal }),
    request<Page<Run>>('/api/v1/runs?status=running&limit=500', { signal }),
    request<Page<Run>>('/api/v1/runs?status=queued&limit=500', { signal }),
  ]);
  return { runs: runs.items, deadLetters: dls.items, deadLettersMore: !!dls.nextCursor, active: running.items.length + queued.items.length };
}

export default function Dashboard() {
  const [windowMs, setWindowMs] = useState(WINDOWS[1].ms);
  const data = useLoad((signal) => load(windowMs, signal), String(windowMs), 5000);
  const d = data.data;
  const counts = { succeeded: 0, failed: 0, other: 0 };
  d?.runs.forEach((r) => (r.status === 'succeeded' ? counts.succeeded++ : r.status === 'failed' ? counts.failed++ : counts.other++));
  const finished = counts.succeeded + counts.failed;
  return (
    <section>
      <div className="page-head">
        <h1>Dashboard</h1>
        <div className="actions" role="group" aria-label="Window">
          {WINDOWS.map((w) => (
            <button key={w.ms} type="button" className={w.ms === windowMs ? 'primary' : undefined} onClick={() => setWindowMs(w.ms)} aria-pressed={w.ms === windowMs}>
              {w.label}
            </button>
          ))}
        </div>
      </div>
      <ProblemBanner error={data.error} />
      <div className="tiles">
        <Tile label={`Runs, last ${WINDOWS.find((w) => w.ms === windowMs)?.label}`} value={d ? `${d.runs.length}${d.runs.length === 500 ? '+' : ''}` : '…'} href="/runs" testId="tile-runs" />
        <Tile label="Succeeded" value={d ? String(counts.succeeded) : '…'} href="/runs?status=succeeded" tone="ok" />
        <Tile label="Failed" value={d ? String(counts.failed) : '…'} href="/runs?status=failed" tone={counts.failed ? 'bad' : undefined} testId="tile-failed" />
        <Tile label="Success rate" value={finished ? `${((counts.succeeded / finished) * 100).toFixed(1)} %` : '—'} />
        <Tile label="Running or queued" value={d ? String(d.active) : '…'} href="/runs?status=running" />
        <Tile label="Open dead letters" value={d ? `${d.deadLetters.length}${d.deadLettersMore ? '+' : ''}` : '…'} href="/dead-letters" tone={d?.deadLetters.length ? 'bad' : undefined} testId="tile-dead-letters" />
      </div>
      <div className="two">
        <div className="card">
          <h2>Outcomes over time</h2>
          {d ? <OutcomeChart series={outcomesOverTime(d.runs, windowMs / 30)} /> : <div className="chart-placeholder" />}
        </div>
        <div className="card">
          <h2>Recipes that fail most</h2>
          {d && topFailing(d.runs).length === 0 ? <Empty title="No failed runs in this window" /> : null}
          <table className="grid">
            <tbody>
              {(d ? topFailing(d.runs) : []).map((f) => (
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
                <td className="error-cell">{r.error ? `${r.error.step ? `${r.error.step}: ` : ''}${r.error.message}` : ''}</td>
                <td>{ago(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small-text">Latency percentiles, queue lag, SLA breaches and the trigger health board come with the stats API.</p>
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
  useEffect(() => () => plot.current?.destroy(), []);
  return <div ref={el} className="chart" data-testid="outcome-chart" />;
}
