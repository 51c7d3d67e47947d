// What to offer at the cursor, read from the text around it (the recipe being typed is often not valid
// YAML, so this looks at lines and indentation rather than at a parsed document).
import type { JsonSchema } from '../model';
import type { Catalogue } from './data';

export interface Offer {
  label: string;
  detail?: string;
  info?: string;
  /** text inserted instead of the label */
  apply?: string;
}

export interface Offers {
  /** offset in the line where the replaced word starts */
  from: number;
  options: Offer[];
}

export interface Hints {
  catalogue: Catalogue | null;
  /** the sample trigger (for `trigger.…` paths) */
  trigger: unknown;
  /** step id → its output in the last test run (for `steps.<id>.output.…`) */
  outputs: Record<string, unknown>;
  stepIds: string[];
}

function indent(line: string): number {
  return line.length - line.trimStart().length;
}

// ---- where the cursor is: the keys and list items from the document's root down to it

/** A mapping key, or an item of a list (with the row of its dash, to find a step's action). */
type Segment = { key: string } | { item: number };

const DASH = /^(\s*)-(\s+)/;
const KEY = /^\s*(?:-\s+)?(['"]?)([\w.$-]+)\1\s*:(?:\s|$)/;

/**
 * The path to a node whose content starts at column `col` of line `row`, read from the indentation of the
 * lines above (the text being typed is often not valid YAML, so no parser is asked). A list item is the
 * line with its dash; a key holds what is indented below it.
 */
export function pathAt(lines: string[], row: number, col: number): Segment[] {
  const path: Segment[] = [];
  let limit = col;
  let lastWasItem = false;
  for (let r = row - 1; r >= 0 && (limit > 0 || lastWasItem); r--) {
    const line = lines[r];
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const dash = DASH.exec(line);
    const key = KEY.exec(line);
    if (dash) {
      const dashCol = dash[1].length;
      const keyCol = dashCol + 1 + dash[2].length;
      if (dashCol >= limit) continue;
      // `- with:` with the cursor below it: inside that key of the item
      if (key && keyCol < limit) path.push({ key: key[2] });
      path.push({ item: r });
      limit = dashCol;
      lastWasItem = true;
      continue;
    }
    const ind = indent(line);
    // a list may sit at its key's own indentation (`steps:` then `- id: …` below it)
    if (key && (ind < limit || (lastWasItem && ind === limit))) {
      path.push({ key: key[2] });
      limit = ind;
      lastWasItem = false;
    }
  }
  return path.reverse();
}

// ---- the recipe's JSON Schema (GET /api/v1/schema/recipe.json), walked along such a path

type Schema = JsonSchema & { $ref?: string; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; if?: Schema; then?: Schema; const?: unknown; additionalProperties?: boolean | Schema };

function deref(root: Schema, s: Schema): Schema {
  let out = s;
  for (let hops = 0; out.$ref && hops < 16; hops++) {
    const target = out.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], root);
    if (!target) break;
    out = target as Schema;
  }
  return out;
}

/** Every schema a value may match: through $ref, anyOf/oneOf, allOf, and `if: {action: X}` rules of the step's action. */
function alternatives(root: Schema, s: Schema, action: string | null, depth = 0): Schema[] {
  if (depth > 8) return [];
  const at = deref(root, s);
  const out = [at];
  for (const a of [...(at.anyOf ?? []), ...(at.oneOf ?? []), ...(at.allOf ?? [])]) out.push(...alternatives(root, a, action, depth + 1));
  const when = (at.if?.properties?.action as Schema | undefined)?.const;
  if (at.then && when !== undefined && when === action) out.push(...alternatives(root, at.then, action, depth + 1));
  return out;
}

/** The schemas at the end of `path`; a list item's `action:` chooses its action's `with` schema. */
export function schemasAt(root: Schema, lines: string[], path: Segment[]): { schemas: Schema[]; action: string | null } {
  let current: Schema[] = [root];
  let action: string | null = null;
  for (const seg of path) {
    const next: Schema[] = [];
    for (const s of current.flatMap((c) => alternatives(root, c, action))) {
      if ('item' in seg) {
        if (s.items) next.push(s.items as Schema);
      } else if (s.properties?.[seg.key]) {
        next.push(s.properties[seg.key] as Schema);
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        next.push(s.additionalProperties);
      }
    }
    action = 'item' in seg ? actionOfStep(lines, seg.item) : action;
    current = next;
  }
  return { schemas: current.flatMap((c) => alternatives(root, c, action)), action };
}

function typeText(s: Schema): string {
  return Array.isArray(s.type) ? s.type.join('|') : (s.type ?? (s.enum ? 'enum' : ''));
}

function keyOffers(schemas: Schema[]): Offer[] {
  const offers = new Map<string, Offer>();
  const required = new Set(schemas.flatMap((s) => s.required ?? []));
  for (const s of schemas) {
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if (offers.has(k)) continue;
      const prop = p as Schema;
      const type = typeText(prop);
      offers.set(k, { label: k, detail: `${required.has(k) ? 'required ' : ''}${type}`.trim() || undefined, info: prop.description ?? (s.title === k ? s.description : undefined) });
    }
  }
  return [...offers.values()];
}

function valueOffers(schemas: Schema[]): Offer[] {
  const values = new Set<string>();
  for (const s of schemas) {
    for (const v of s.enum ?? []) values.add(String(v));
    if (s.const !== undefined && typeof s.const !== 'object') values.add(String(s.const));
    if (s.type === 'boolean') ['true', 'false'].forEach((v) => values.add(v));
  }
  return [...values].map((label) => ({ label }));
}

/** The action named in the step that holds line `row` (looked for upwards and downwards within the step). */
export function actionOfStep(lines: string[], row: number): string | null {
  let dash = row;
  let start = row;
  for (; start >= 0; start--) {
    if (/^\s*-\s/.test(lines[start]) && /^\s*-\s+(id|action|if|foreach|call|stop|fail):/.test(lines[start])) {
      dash = indent(lines[start]);
      break;
    }
  }
  if (start < 0) return null;
  for (let r = start; r < lines.length; r++) {
    if (r > start && lines[r].trim() && indent(lines[r]) <= dash) break;
    const m = /^\s*(?:-\s+)?action:\s*["']?([\w.-]+)/.exec(lines[r]);
    if (m && indent(lines[r].replace(/^(\s*)- /, '$1  ')) === dash + 2) return m[1];
  }
  return null;
}


/** Paths below a value: `body.customer.id`, `body.items` … at most a few levels. */
export function paths(value: unknown, prefix: string, depth = 4): string[] {
  if (depth === 0 || value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  const entries = Array.isArray(value) ? (value.length ? [['[0]', value[0]] as const] : []) : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    const key = k.startsWith('[') ? k : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `.'${k}'`;
    const p = prefix + key;
    out.push(p, ...paths(v, p, depth - 1));
  }
  return out;
}

function expressionOffers(hints: Hints, word: string): Offer[] {
  const all: Offer[] = [
    { label: 'trigger.body', detail: 'the event' },
    { label: 'trigger.headers', detail: 'lower-case names' },
    { label: 'trigger.query' },
    { label: 'item', detail: 'the foreach item' },
    { label: 'run.id' },
    { label: 'run.attempt' },
  ];
  const trigger = hints.trigger as { body?: unknown; headers?: unknown } | null;
  for (const p of paths(trigger?.body, 'trigger.body')) all.push({ label: p, detail: 'sample trigger' });
  for (const p of paths(trigger?.headers, 'trigger.headers')) all.push({ label: p, detail: 'sample trigger' });
  for (const id of hints.stepIds) {
    all.push({ label: `steps.${id}.output`, detail: 'step output' });
    for (const p of paths(hints.outputs[id], `steps.${id}.output`)) all.push({ label: p, detail: 'last test run' });
  }
  for (const s of hints.catalogue?.secrets ?? []) all.push({ label: `secrets.${s}`, detail: 'secret' });
  const seen = new Set<string>();
  return all.filter((o) => o.label.startsWith(word) && o.label !== word && !seen.has(o.label) && seen.add(o.label));
}

/** The path at the start of line `row`'s content: a line starting with a dash is a new item of the list above. */
function linePath(lines: string[], row: number): { path: Segment[]; col: number } {
  const line = lines[row] ?? '';
  const dash = DASH.exec(line);
  if (!dash) return { path: pathAt(lines, row, indent(line)), col: indent(line) };
  return { path: [...pathAt(lines, row, dash[1].length), { item: row }], col: dash[1].length + 1 + dash[2].length };
}

/**
 * The offers at column `column` of line `row`, or null when there is nothing to offer. Keys and enum values
 * come from the recipe's JSON Schema (the server's, with every action's `with` schema in it); names of
 * actions, connections, recipes and secrets and the paths inside `{{ }}` from the catalogue and the test run.
 */
export function offersAt(lines: string[], row: number, column: number, hints: Hints): Offers | null {
  const line = lines[row] ?? '';
  const before = line.slice(0, column);
  // inside {{ }}: context paths
  const open = before.lastIndexOf('{{');
  if (open >= 0 && before.indexOf('}}', open) < 0) {
    const word = /[\w.$'[\]]*$/.exec(before)![0];
    return { from: column - word.length, options: expressionOffers(hints, word) };
  }
  const cat = hints.catalogue;
  const schema = cat?.schema as Schema | null | undefined;
  // a value: `key: part`
  const value = /^(\s*)(?:-\s+)?([\w.-]+):\s+["']?([\w.-]*)$/.exec(before);
  if (value) {
    const [, , key, word] = value;
    const from = column - word.length;
    const pick = (list: Offer[]) => ({ from, options: list.filter((o) => o.label.startsWith(word)) });
    const { path } = linePath(lines, row);
    const inWith = path.some((seg) => 'key' in seg && seg.key === 'with');
    if (!inWith && key === 'action') {
      return pick([...(cat?.actions.values() ?? [])].map((a) => ({ label: a.name, detail: a.description })));
    }
    if (!inWith && key === 'connection') return pick((cat?.connections ?? []).map((c) => ({ label: c.name, detail: c.connector })));
    if (!inWith && key === 'call') return pick((cat?.recipes ?? []).map((r) => ({ label: r, detail: 'recipe' })));
    if (!schema) return null;
    const offers = valueOffers(schemasAt(schema, lines, [...path, { key }]).schemas);
    return offers.length ? pick(offers) : null;
  }
  // a key
  const keyMatch = /^(\s*)(-\s+)?([\w-]*)$/.exec(before);
  if (!keyMatch || !schema) return null;
  const word = keyMatch[3];
  const from = column - word.length;
  const { path } = linePath(lines, row);
  const { schemas } = schemasAt(schema, lines, path);
  const offers = keyOffers(schemas).filter((o) => o.label.startsWith(word));
  return offers.length ? { from, options: offers.map((o) => ({ ...o, apply: `${o.label}: ` })) } : null;
}
