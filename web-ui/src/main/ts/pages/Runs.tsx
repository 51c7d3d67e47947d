import { useEffect, useState, type FormEvent } from 'react';
import { request, type Page } from '../api';
import { indexKeys, instantToLocal, keyFilters, localToInstant } from '../filters';
import { useUrlFilters } from '../listing';
import { RUN_STATUSES, type Recipe } from '../model';
import { RunsTable } from './RunsTable';

export const RUN_FILTERS = ['recipe', 'status', 'from', 'to', 'key.*'] as const;

export function useRecipes(): Recipe[] {
  const [recipes, setRecipes] = useState<Recipe[]>([]);
  useEffect(() => {
    request<Page<Recipe>>('/api/v1/recipes?limit=500').then((p) => setRecipes(p.items), () => setRecipes([]));
  }, []);
  return recipes;
}

export function useRecipeSlugs(): string[] {
  return useRecipes().map((r) => r.slug);
}

/** The run explorer: filters live in the query string with the API's names, so a view can be shared. */
export function Runs() {
  const { filter, set, replace, clear } = useUrlFilters('/runs', RUN_FILTERS);
  const recipes = useRecipes();
  const slugs = recipes.map((r) => r.slug);
  const known = indexKeys(recipes, filter.recipe);
  const keys = keyFilters(filter);
  const addKey = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const name = String(data.get('keyName') ?? '').trim();
    const value = String(data.get('keyValue') ?? '').trim();
    if (name && value) {
      set(`key.${name}`, value);
      e.currentTarget.reset();
    }
  };
  const removeKey = (name: string) => {
    const next = { ...filter };
    delete next[`key.${name}`];
    replace(next);
  };
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
          <button type="button" className="link" onClick={clear}>
            Clear filters
          </button>
        ) : null}
      </form>
      <form className="filters" onSubmit={addKey} aria-label="Filter runs by business key">
        <label>
          Business key
          <input name="keyName" list="known-keys" placeholder={known.length ? known[0] : 'e.g. orderId'} required pattern="[A-Za-z][A-Za-z0-9_]{0,39}" title="A key name of a recipe's index:, e.g. orderId" />
          <datalist id="known-keys">
            {known.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </label>
        <label>
          equals
          <input name="keyValue" required placeholder="exact value" />
        </label>
        <button type="submit">Add key filter</button>
        {keys.map((k) => (
          <span key={k.name} className="chip" data-testid="key-filter">
            <code>{k.name}</code> = {k.value}{' '}
            <button type="button" className="link" aria-label={`Remove the ${k.name} filter`} onClick={() => removeKey(k.name)}>
              ×
            </button>
          </span>
        ))}
        {!known.length ? <span className="muted">{filter.recipe ? 'This recipe has no index: keys.' : 'No recipe declares index: keys yet.'}</span> : null}
      </form>
      <RunsTable filter={filter} />
    </section>
  );
}
