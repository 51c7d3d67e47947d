import { useState } from 'react';
import { request } from '../api';
import { ProblemBanner } from '../components';
import { diffLines, type DiffRow } from '../diff';
import type { RecipeVersion } from '../model';

/** Any two versions of a recipe side by side, changed lines marked. */
export function VersionDiff({ slug, versions, current }: { slug: string; versions: RecipeVersion[]; current: number }) {
  const [left, setLeft] = useState(String(Math.max(1, current - 1)));
  const [right, setRight] = useState(String(current));
  const [rows, setRows] = useState<DiffRow[] | null>(null);
  const [error, setError] = useState<unknown>();
  if (versions.length < 2) return null;
  const load = async () => {
    const path = (v: string) => `/api/v1/recipes/${encodeURIComponent(slug)}/versions/${v}`;
    try {
      const [a, b] = await Promise.all([request<string>(path(left), { accept: 'application/yaml' }), request<string>(path(right), { accept: 'application/yaml' })]);
      setRows(diffLines(a, b));
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  };
  const options = versions.map((v) => (
    <option key={v.version} value={v.version}>
      v{v.version}
    </option>
  ));
  const changes = rows?.filter((r) => r.kind !== 'same').length ?? 0;
  return (
    <div className="card">
      <h2>Compare versions</h2>
      <div className="toolbar">
        <select aria-label="Left version" value={left} onChange={(e) => setLeft(e.target.value)}>
          {options}
        </select>
        <span>with</span>
        <select aria-label="Right version" value={right} onChange={(e) => setRight(e.target.value)}>
          {options}
        </select>
        <button type="button" onClick={load} disabled={left === right}>
          Show differences
        </button>
        {rows ? <span className="muted">{changes ? `${changes} lines differ` : 'The two versions are the same'}</span> : null}
      </div>
      <ProblemBanner error={error} />
      {rows && changes ? (
        <table className="diff" data-testid="version-diff">
          <thead>
            <tr>
              <th>v{left}</th>
              <th>v{right}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} className={`diff-${r.kind}`}>
                <td>{r.left ?? ''}</td>
                <td>{r.right ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
