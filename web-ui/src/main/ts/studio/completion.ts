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

export const TRIGGER_TYPES: Offer[] = [
  { label: 'webhook', detail: 'HTTP POST to /hooks/{slug}' },
  { label: 'kafka', detail: 'records of a topic' },
  { label: 'cdc', detail: 'database change data capture' },
  { label: 'schedule', detail: 'cron' },
  { label: 'poll', detail: 'cursor polling' },
  { label: 'manual', detail: 'API, call: or onError.notify' },
];

const ROOT_KEYS = ['slug', 'name', 'description', 'enabled', 'trigger', 'concurrency', 'sla', 'timeout', 'retry', 'steps', 'onError'];
const STEP_KINDS: Offer[] = [
  { label: 'action', detail: 'call a connector action (with: …)' },
  { label: 'if', detail: 'branch: then / else' },
  { label: 'foreach', detail: 'loop: as / steps (chunk, parallel)' },
  { label: 'call', detail: 'run another recipe and wait for its output' },
  { label: 'stop', detail: 'end successfully (output)' },
  { label: 'fail', detail: 'end with an error' },
];
const STEP_KEYS = ['id', 'connection', 'with', 'then', 'else', 'as', 'steps', 'chunk', 'parallel', 'retry', 'onError', 'timeout', 'output', 'message'];

function indent(line: string): number {
  return line.length - line.trimStart().length;
}

/** The key a line at this indentation belongs to: `trigger`, `with`, `steps`, or '' at the root. */
function parentKey(lines: string[], row: number, column: number): { key: string; row: number } {
  for (let r = row - 1; r >= 0; r--) {
    const l = lines[r];
    if (!l.trim() || l.trimStart().startsWith('#')) continue;
    const ind = indent(l.replace(/^(\s*)- /, '$1  '));
    if (ind < column) {
      const m = /^\s*(?:-\s+)?([\w.-]+):\s*(#.*)?$/.exec(l);
      if (m) return { key: m[1], row: r };
      if (/^\s*-\s/.test(l) && indent(l) < column) return { key: '-', row: r };
      const k = /^\s*(?:-\s+)?([\w.-]+):/.exec(l);
      return { key: k ? k[1] : '', row: r };
    }
  }
  return { key: '', row: -1 };
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

function schemaAt(schema: JsonSchema | null | undefined, path: string[]): JsonSchema | null {
  let s: JsonSchema | null | undefined = schema;
  for (const key of path) s = s?.properties?.[key];
  return s ?? null;
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

/** The offers at column `column` of line `row`, or null when there is nothing to offer. */
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
  // a value: `key: part`
  const value = /^(\s*)(?:-\s+)?([\w.-]+):\s+["']?([\w.-]*)$/.exec(before);
  if (value) {
    const [, , key, word] = value;
    const from = column - word.length;
    const pick = (list: Offer[]) => ({ from, options: list.filter((o) => o.label.startsWith(word)) });
    if (key === 'action') {
      return pick([...(cat?.actions.values() ?? [])].map((a) => ({ label: a.name, detail: a.description })));
    }
    if (key === 'connection') return pick((cat?.connections ?? []).map((c) => ({ label: c.name, detail: c.connector })));
    if (key === 'call' || key === 'recipe') return pick((cat?.recipes ?? []).map((r) => ({ label: r, detail: 'recipe' })));
    if (key === 'onError') return pick([{ label: 'continue' }, { label: 'fail' }]);
    // an enum value of the action's with key
    const parent = parentKey(lines, row, indent(line.replace(/^(\s*)- /, '$1  ')));
    const chain = withChain(lines, row, indent(line));
    if (chain) {
      const action = cat?.actions.get(chain.action);
      const schema = schemaAt(action?.inputSchema, [...chain.path, key]);
      if (schema?.enum) return pick(schema.enum.map((v) => ({ label: String(v) })));
      if (schema?.type === 'boolean') return pick([{ label: 'true' }, { label: 'false' }]);
    }
    void parent;
    return null;
  }
  // a key
  const keyMatch = /^(\s*)(-\s+)?([\w-]*)$/.exec(before);
  if (!keyMatch) return null;
  const word = keyMatch[3];
  const from = column - word.length;
  const col = indent(before.replace(/^(\s*)- /, '$1  '));
  const filter = (list: Offer[]) => ({ from, options: list.filter((o) => o.label.startsWith(word)).map((o) => ({ ...o, apply: o.apply ?? `${o.label}: ` })) });
  if (col === 0) return filter(ROOT_KEYS.map((k) => ({ label: k })));
  const parent = parentKey(lines, row, col);
  if (parent.key === 'trigger') return filter(TRIGGER_TYPES);
  if (parent.key === 'steps' || parent.key === 'then' || parent.key === 'else' || parent.key === '-') {
    const ids = keyMatch[2] || parent.key === '-' ? [...STEP_KINDS, ...STEP_KEYS.map((k) => ({ label: k }))] : [];
    return ids.length ? filter(ids) : null;
  }
  const chain = withChain(lines, row, col);
  if (chain) {
    const action = cat?.actions.get(chain.action);
    const schema = schemaAt(action?.inputSchema, chain.path);
    const required = new Set(schema?.required ?? []);
    return filter(
      Object.entries(schema?.properties ?? {}).map(([k, s]) => ({
        label: k,
        detail: `${required.has(k) ? 'required ' : ''}${Array.isArray(s.type) ? s.type.join('|') : (s.type ?? '')}`,
        info: s.description,
      })),
    );
  }
  return null;
}

/** When line `row` (at `col`) is inside a step's `with:`, the step's action and the keys from `with` down. */
export function withChain(lines: string[], row: number, col: number): { action: string; path: string[] } | null {
  const path: string[] = [];
  let c = col;
  let r = row;
  for (;;) {
    const parent = parentKey(lines, r, c);
    if (parent.row < 0 || parent.key === '-' || parent.key === '') return null;
    if (parent.key === 'with') {
      const action = actionOfStep(lines, parent.row);
      return action ? { action, path: path.reverse() } : null;
    }
    path.push(parent.key);
    r = parent.row;
    c = indent(lines[r].replace(/^(\s*)- /, '$1  '));
    if (/^\s*-\s/.test(lines[r])) return null;
  }
}
