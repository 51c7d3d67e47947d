import { useEffect, useState } from 'react';
import { request, type Page } from '../api';
import { instantToLocal, localToInstant, readFilter, writeFilter } from '../filters';
import { RUN_STATUSES, type Recipe } from '../model';
import { navigate, useLocation } from '../router';
import { RunsTable } from './RunsTable';

export const RUN_FILTERS = ['recipe', 'status', 'from', 'to'] as const;

export function useRecipeSlugs(): string[] {
  const [slugs, setSlugs] = useState<string[]>([]);
  useEffect(() => {
    request<Page<Recipe>>('/api/v1/recipes?limit=500').then((p) => setSlugs(p.items.map((r) => r.slug)), () => setSlugs([]));
  }, []);
  return slugs;
}

/** The run explorer: filters live in the query string with the API's names, so a view can be shared. */
export function Runs() {
  const { search } = useLocation();
  const filter = readFilter(search, RUN_FILTERS);
  const slugs = useRecipeSlugs();
  const set = (name: string, value: string) => navigate(`/runs${writeFilter({ ...filter, [name]: value }, RUN_FILTERS)}`, { replace: true });
  return (
    <section>
      <h1>Runs</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <label>
          Recipe
          <select name="recipe" value={filter.recipe ?? ''} onChange={(e) => set('recipe', e.target.value)}>
            <option value="">all recipes</option>
            {filter.recipe && !slugs.includes(filter.recipe) ? <option value={filter.recipe}>{filter.recipe}</option> : null}
            {slugs.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={filter.status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">any status</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" name="from" value={instantToLocal(filter.from)} onChange={(e) => set('from', localToInstant(e.target.value))} />
        </label>
        <label>
          To
          <input type="datetime-local" name="to" value={instantToLocal(filter.to)} onChange={(e) => set('to', localToInstant(e.target.value))} />
        </label>
        {Object.keys(filter).length ? (
          <button type="button" className="link" onClick={() => navigate('/runs', { replace: true })}>
            Clear filters
          </button>
        ) : null}
      </form>
      <RunsTable filter={filter} />
    </section>
  );
}
