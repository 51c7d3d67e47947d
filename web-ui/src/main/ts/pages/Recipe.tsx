import { useState } from 'react';
import { request } from '../api';
import { ProblemBanner, useLoad } from '../components';
import { timestamp } from '../format';
import type { Recipe, RecipeVersion } from '../model';
import { Link } from '../router';
import { useCan } from '../session';
import { RunsTable } from './RunsTable';
import { Reprocess } from './Reprocess';
import { VersionDiff } from './VersionDiff';

/** One recipe: on/off, its definition and versions (view, restore), its runs. */
export function RecipePage({ slug }: { slug: string }) {
  const path = `/api/v1/recipes/${encodeURIComponent(slug)}`;
  const recipe = useLoad((signal) => request<Recipe>(path, { signal }), slug);
  const versions = useLoad((signal) => request<{ items: RecipeVersion[] }>(`${path}/versions`, { signal }), slug);
  const canSwitch = useCan('switch-recipes');
  const canEdit = useCan('edit-recipes');
  const canStart = useCan('start-runs');
  const [shown, setShown] = useState<number | null>(null);
  const source = useLoad(
    (signal) => request<string>(shown ? `${path}/versions/${shown}` : path, { signal, accept: 'application/yaml' }),
    `${slug}|${shown ?? 'current'}|${recipe.data?.version ?? ''}`,
  );
  const [error, setError] = useState<unknown>();
  const r = recipe.data;
  const act = async (url: string) => {
    try {
      await request(url, { method: 'POST' });
      setError(undefined);
      setShown(null);
      recipe.reload();
      versions.reload();
    } catch (e) {
      setError(e);
    }
  };
  if (!r) return recipe.error ? <ProblemBanner error={recipe.error} /> : <div className="muted">Loading recipe…</div>;
  return (
    <section>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link href="/recipes">Recipes</Link>
          </div>
          <h1>
            {r.name || r.slug} <span className="muted mono">{r.slug}</span>
          </h1>
          {r.description ? <p className="muted">{r.description}</p> : null}
        </div>
        <div className="actions">
          <span className={`badge ${r.enabled ? 'badge-succeeded' : 'badge-cancelled'}`}>{r.enabled ? 'enabled' : 'disabled'}</span>
          {canSwitch ? (
            <button type="button" onClick={() => act(`${path}/${r.enabled ? 'disable' : 'enable'}`)}>
              {r.enabled ? 'Disable' : 'Enable'}
            </button>
          ) : null}
          {canEdit ? (
            <Link href={`/recipes/${encodeURIComponent(r.slug)}/edit`} className="button" data-testid="edit-recipe">
              Edit in studio
            </Link>
          ) : null}
          <Link href={`/dead-letters?recipe=${encodeURIComponent(r.slug)}`} className="button">
            Dead letters
          </Link>
        </div>
      </div>
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      <dl className="facts">
        <dt>Trigger</dt>
        <dd>{r.triggerType}</dd>
        <dt>Version</dt>
        <dd>v{r.version}</dd>
        <dt>Updated</dt>
        <dd>{timestamp(r.updatedAt)}</dd>
      </dl>
      <h2>Runs</h2>
      <RunsTable filter={{ recipe: r.slug }} pageSize={20} emptyHint="This recipe has not run yet." />
      {canStart ? <Reprocess recipe={r} /> : null}
      <div className="two recipe-source">
        <div>
          <h2>{shown ? `Version ${shown}` : 'Definition'}</h2>
          <ProblemBanner error={source.error} />
          <pre className="code" data-testid="recipe-source">{source.data ?? ''}</pre>
        </div>
        <div>
          <h2>Versions</h2>
          <table className="grid">
            <tbody>
              {(versions.data?.items ?? []).map((v) => (
                <tr key={v.version} className={(shown ?? r.version) === v.version ? 'selected' : undefined}>
                  <td>v{v.version}{v.version === r.version ? ' (current)' : ''}</td>
                  <td>{timestamp(v.createdAt)}</td>
                  <td>{v.createdBy ?? ''}</td>
                  <td className="nowrap">
                    <button type="button" className="small" onClick={() => setShown(v.version === r.version ? null : v.version)}>
                      View
                    </button>{' '}
                    {canEdit && v.version !== r.version ? (
                      <button type="button" className="small" onClick={() => act(`${path}/versions/${v.version}/restore`)}>
                        Restore
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <VersionDiff slug={r.slug} versions={versions.data?.items ?? []} current={r.version} />
    </section>
  );
}
