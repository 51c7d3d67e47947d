import { useState } from 'react';
import { request, type Page } from '../api';
import { Empty, ProblemBanner, StatusBadge, useLoad } from '../components';
import { ago } from '../format';
import type { Recipe, Run } from '../model';
import { Link } from '../router';
import { useCan } from '../session';

interface Row {
  recipe: Recipe;
  lastRun: Run | null;
}

async function loadRows(signal: AbortSignal): Promise<Row[]> {
  const recipes = await request<Page<Recipe>>('/api/v1/recipes?limit=500', { signal });
  return Promise.all(
    recipes.items.map(async (recipe) => {
      const runs = await request<Page<Run>>(`/api/v1/runs?recipe=${encodeURIComponent(recipe.slug)}&limit=1`, { signal });
      return { recipe, lastRun: runs.items[0] ?? null };
    }),
  );
}

/** Every recipe with its trigger, whether it is on, and how its last run went. */
export function Recipes() {
  const rows = useLoad(loadRows, 'recipes', 15000);
  const canSwitch = useCan('switch-recipes');
  const canEdit = useCan('edit-recipes');
  const [error, setError] = useState<unknown>();
  const toggle = async (r: Recipe) => {
    try {
      await request(`/api/v1/recipes/${encodeURIComponent(r.slug)}/${r.enabled ? 'disable' : 'enable'}`, { method: 'POST' });
      rows.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <div className="page-head">
        <h1>Recipes</h1>
        {canEdit ? (
          <Link href="/recipes/new" className="button" data-testid="new-recipe">
            New recipe
          </Link>
        ) : null}
      </div>
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      <ProblemBanner error={rows.error} />
      {rows.data && !rows.data.length ? (
        <Empty title="No recipes yet">Post a recipe (YAML) to /api/v1/recipes, or start the server with the samples loaded.</Empty>
      ) : null}
      {rows.data?.length ? (
        <table className="grid" data-testid="recipes">
          <thead>
            <tr>
              <th>Recipe</th>
              <th>Trigger</th>
              <th>Version</th>
              <th>Enabled</th>
              <th>Last run</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map(({ recipe: r, lastRun }) => (
              <tr key={r.slug}>
                <td>
                  <Link href={`/recipes/${encodeURIComponent(r.slug)}`}>
                    <strong>{r.name || r.slug}</strong>
                  </Link>
                  <div className="muted mono">{r.slug}</div>
                </td>
                <td>{r.triggerType}</td>
                <td>v{r.version}</td>
                <td>
                  {canSwitch ? (
                    <label className="switch">
                      <input type="checkbox" checked={r.enabled} onChange={() => toggle(r)} aria-label={`${r.enabled ? 'Disable' : 'Enable'} ${r.slug}`} />
                      {r.enabled ? 'on' : 'off'}
                    </label>
                  ) : r.enabled ? (
                    'on'
                  ) : (
                    'off'
                  )}
                </td>
                <td>
                  {lastRun ? (
                    <Link href={`/runs/${lastRun.id}`}>
                      <StatusBadge status={lastRun.status} /> {ago(lastRun.createdAt)}
                    </Link>
                  ) : (
                    <span className="muted">never ran</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
