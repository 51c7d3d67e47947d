// Filters kept in the query string with the API's own parameter names (DESIGN §9), so a filtered view
// is a link to share and the same text is what the API is asked.

export interface ListFilter {
  [name: string]: string;
}

/** The known filter parameters present in a query string, trimmed; unknown ones are ignored. */
export function readFilter(search: string, names: readonly string[]): ListFilter {
  const params = new URLSearchParams(search);
  const filter: ListFilter = {};
  for (const name of names) {
    const value = params.get(name)?.trim();
    if (value) filter[name] = value;
  }
  for (const [key, value] of params) {
    // business keys: key.orderId=…
    if (names.includes('key.*') && key.startsWith('key.') && key.length > 4 && value.trim()) filter[key] = value.trim();
  }
  return filter;
}

/** `?recipe=a&status=failed` in a stable order (the order of `names`, then business keys by name). */
export function writeFilter(filter: ListFilter, names: readonly string[]): string {
  const params = new URLSearchParams();
  for (const name of names) {
    if (name !== 'key.*' && filter[name]) params.set(name, filter[name]);
  }
  Object.keys(filter)
    .filter((k) => k.startsWith('key.') && filter[k])
    .sort()
    .forEach((k) => params.set(k, filter[k]));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A datetime-local input's value (local time, no zone) as an ISO instant for the API, or '' when empty/invalid. */
export function localToInstant(local: string): string {
  if (!local) return '';
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** An ISO instant as a datetime-local input's value, in the browser's zone. */
export function instantToLocal(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The business-key names (a recipe's `index:`) of one recipe, or of every recipe when none is chosen; sorted, no repeats. */
export function indexKeys(recipes: { slug: string; definition?: Record<string, unknown> | null }[], slug?: string): string[] {
  const names = new Set<string>();
  for (const r of recipes) {
    if (slug && r.slug !== slug) continue;
    const index = r.definition?.index;
    if (index && typeof index === 'object' && !Array.isArray(index)) Object.keys(index).forEach((k) => names.add(k));
  }
  return [...names].sort();
}

/** The business-key filters present (`key.orderId` → `orderId`), by name. */
export function keyFilters(filter: ListFilter): { name: string; value: string }[] {
  return Object.keys(filter)
    .filter((k) => k.startsWith('key.') && filter[k])
    .sort()
    .map((k) => ({ name: k.slice(4), value: filter[k] }));
}
