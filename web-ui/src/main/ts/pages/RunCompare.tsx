import { Fragment, useState, type FormEvent } from 'react';
import { request } from '../api';
import { JsonView, ProblemBanner, StatusBadge, useLoad } from '../components';
import { compareRuns } from '../compare';
import { shortId } from '../format';
import type { Run } from '../model';
import { Link, navigate } from '../router';

/** The form that asks which run to compare with; the comparison itself is a link (`?compare=<id>`). */
export function CompareForm({ run }: { run: Run }) {
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const other = String(new FormData(e.currentTarget).get('compare') ?? '').trim();
    if (other) navigate(`/runs/${run.id}?compare=${encodeURIComponent(other)}`);
  };
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Compare with another run">
      <label className="inline">
        Compare with run
        <input name="compare" placeholder="another run's id" size={38} />
      </label>
      <button type="submit">Compare</button>
    </form>
  );
}

export function RunCompare({ left, rightId }: { left: Run; rightId: string }) {
  const right = useLoad((signal) => request<Run>(`/api/v1/runs/${encodeURIComponent(rightId)}`, { signal }), rightId);
  const [open, setOpen] = useState<string | null>(null);
  if (right.error) return <ProblemBanner error={right.error} />;
  if (!right.data) return <div className="muted">Loading the other run…</div>;
  const rows = compareRuns(left, right.data);
  const differing = rows.filter((r) => !(r.sameStatus && r.sameInput && r.sameOutput)).length;
  return (
    <div className="card" data-testid="run-compare">
      <div className="outcomes-head">
        <h2>
          Compared with <Link href={`/runs/${right.data.id}`}>{shortId(right.data.id)}</Link> <StatusBadge status={right.data.status} />
          {right.data.recipe !== left.recipe ? <span className="muted"> (recipe {right.data.recipe})</span> : null}
        </h2>
        <Link href={`/runs/${left.id}`}>Close</Link>
      </div>
      <p className="muted">{differing ? `${differing} of ${rows.length} steps differ` : 'Every step ran alike.'}</p>
      <table className="grid">
        <thead>
          <tr>
            <th>Step</th>
            <th>This run</th>
            <th>Other run</th>
            <th>Input</th>
            <th>Output</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Fragment key={r.path}>
              <tr className={r.sameStatus && r.sameInput && r.sameOutput ? undefined : 'row-differs'} onClick={() => setOpen(open === r.path ? null : r.path)}>
                <td className="mono">{r.path}</td>
                <td>{r.left ? <StatusBadge status={r.left.status} /> : <span className="muted">did not run</span>}</td>
                <td>{r.right ? <StatusBadge status={r.right.status} /> : <span className="muted">did not run</span>}</td>
                <td>{r.left && r.right ? (r.sameInput ? 'same' : <strong>differs</strong>) : '—'}</td>
                <td>{r.left && r.right ? (r.sameOutput ? 'same' : <strong>differs</strong>) : '—'}</td>
              </tr>
              {open === r.path ? (
                <tr>
                  <td colSpan={5}>
                    <div className="two">
                      <JsonView value={{ input: r.left?.input, output: r.left?.output, error: r.left?.error }} label="this run" />
                      <JsonView value={{ input: r.right?.input, output: r.right?.output, error: r.right?.error }} label="other run" />
                    </div>
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
