// The recipe's steps as a tree read from the `yaml` package's Document (DESIGN §2): what the graph draws and
// what graph edits act on. Read in the browser on every keystroke, so the graph follows the YAML at once;
// the server's parser (POST /api/v1/recipes/validate) stays the authority on what is valid.
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';

export type StepKind = 'action' | 'if' | 'foreach' | 'call' | 'stop' | 'fail' | 'unknown';
/** The lists a step can hold: `then`/`else` of an `if`, `steps` of a `foreach`. */
export type Branch = 'then' | 'else' | 'steps';
export const BRANCHES: Branch[] = ['then', 'else', 'steps'];

export interface StepNode {
  id: string;
  kind: StepKind;
  /** 1-based line of the step's first key */
  line: number;
  action?: string;
  recipe?: string;
  expression?: string;
  chunk?: number;
  parallel?: number;
  then?: StepNode[];
  else?: StepNode[];
  steps?: StepNode[];
}

export interface RecipeTree {
  slug: string | null;
  trigger: { type: string | null; line: number };
  steps: StepNode[];
}

/** Where a list of steps is: the recipe's own `steps` (parent null) or a branch of a step. */
export interface Container {
  parent: string | null;
  branch: Branch;
}

export interface Parsed {
  doc: Document.Parsed;
  tree: RecipeTree;
  /** YAML syntax errors (the server's problems come from validate) */
  syntaxErrors: { line: number; column: number; message: string }[];
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function scalar(map: YAMLMap, key: string): unknown {
  const v = map.get(key, true);
  return isScalar(v) ? v.value : v === undefined ? undefined : v;
}

function text(map: YAMLMap, key: string): string | undefined {
  const v = scalar(map, key);
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function kindOf(map: YAMLMap): StepKind {
  if (map.has('action')) return 'action';
  if (map.has('if')) return 'if';
  if (map.has('foreach')) return 'foreach';
  if (map.has('call')) return 'call';
  if (map.has('stop')) return 'stop';
  if (map.has('fail')) return 'fail';
  return 'unknown';
}

function stepsOf(seq: unknown, source: string, lines: (offset: number) => number, anonymous: { n: number }): StepNode[] {
  if (!isSeq(seq)) return [];
  return (seq as YAMLSeq).items.map((item) => {
    if (!isMap(item)) {
      return { id: `#${++anonymous.n}`, kind: 'unknown' as StepKind, line: lines((item as { range?: number[] })?.range?.[0] ?? 0) };
    }
    const map = item as YAMLMap;
    const kind = kindOf(map);
    const node: StepNode = { id: text(map, 'id') ?? `#${++anonymous.n}`, kind, line: lines(map.range?.[0] ?? 0) };
    if (kind === 'action') node.action = text(map, 'action');
    if (kind === 'call') node.recipe = text(map, 'call');
    if (kind === 'if') node.expression = text(map, 'if');
    if (kind === 'foreach') {
      node.expression = text(map, 'foreach');
      const chunk = Number(text(map, 'chunk'));
      const parallel = Number(text(map, 'parallel'));
      if (chunk > 0) node.chunk = chunk;
      if (parallel > 0) node.parallel = parallel;
    }
    for (const branch of BRANCHES) {
      if (map.has(branch) && (kind === 'if' ? branch !== 'steps' : kind === 'foreach' ? branch === 'steps' : false)) {
        node[branch] = stepsOf(map.get(branch, true), source, lines, anonymous);
      }
    }
    if (kind === 'if' && !node.then) node.then = [];
    if (kind === 'foreach' && !node.steps) node.steps = [];
    return node;
  });
}

export function parseRecipe(source: string): Parsed {
  const doc = parseDocument(source, { keepSourceTokens: true, uniqueKeys: false });
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  const lines = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const root = doc.contents;
  const tree: RecipeTree = { slug: null, trigger: { type: null, line: 1 }, steps: [] };
  if (isMap(root)) {
    tree.slug = text(root, 'slug') ?? null;
    const trigger = root.get('trigger', true);
    if (isMap(trigger) && trigger.items.length) {
      const key = trigger.items[0].key;
      tree.trigger = { type: isScalar(key) ? String(key.value) : null, line: lines(trigger.range?.[0] ?? 0) };
    } else if (trigger !== undefined) {
      tree.trigger.line = lines((trigger as { range?: number[] }).range?.[0] ?? 0);
    }
    tree.steps = stepsOf(root.get('steps', true), source, lines, { n: 0 });
  }
  const syntaxErrors = doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1, message: e.message.split('\n')[0] }));
  return { doc, tree, syntaxErrors };
}

/** Every step, depth first, with its container and index. */
export function walk(steps: StepNode[], visit: (step: StepNode, container: Container, index: number) => void, container: Container = { parent: null, branch: 'steps' }): void {
  steps.forEach((step, index) => {
    visit(step, container, index);
    for (const branch of BRANCHES) {
      const children = step[branch];
      if (children) walk(children, visit, { parent: step.id, branch });
    }
  });
}

export function findStep(tree: RecipeTree, id: string): { step: StepNode; container: Container; index: number } | null {
  let found: { step: StepNode; container: Container; index: number } | null = null;
  walk(tree.steps, (step, container, index) => {
    if (!found && step.id === id) found = { step, container, index };
  });
  return found;
}

/** The step list a container names, or null when the parent step has no such list. */
export function listOf(tree: RecipeTree, container: Container): StepNode[] | null {
  if (container.parent === null) return tree.steps;
  const parent = findStep(tree, container.parent);
  return parent?.step[container.branch] ?? null;
}

/** The containers steps can be moved into (each branch of each if/foreach, and the recipe's steps). */
export function containers(tree: RecipeTree): Container[] {
  const out: Container[] = [{ parent: null, branch: 'steps' }];
  walk(tree.steps, (step) => {
    if (step.kind === 'if') out.push({ parent: step.id, branch: 'then' }, { parent: step.id, branch: 'else' });
    if (step.kind === 'foreach') out.push({ parent: step.id, branch: 'steps' });
  });
  return out;
}

/** Every step id of the recipe (for unique new ids and `steps.<id>` completions). */
export function stepIds(tree: RecipeTree): string[] {
  const ids: string[] = [];
  walk(tree.steps, (s) => ids.push(s.id));
  return ids;
}

/** The structure alone (ids, kinds, branches), for comparing two trees. */
export function shape(steps: StepNode[]): unknown[] {
  return steps.map((s) => {
    const out: Record<string, unknown> = { id: s.id, kind: s.kind };
    if (s.action) out.action = s.action;
    for (const b of BRANCHES) if (s[b]) out[b] = shape(s[b]!);
    return out;
  });
}
