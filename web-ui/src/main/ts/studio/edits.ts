// Graph edits as YAML edits. The Document tells where each step's text is; an edit splices whole lines of
// the author's text (re-indented when a step moves to another depth) and stringifies only what is new or
// changed, so comments, key order, blank lines and quoting of every untouched part stay byte for byte.
import { Document, isMap, isScalar, isSeq, YAMLSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { findStep, listOf, parseRecipe, type Container, type RecipeTree, type StepNode } from './tree';

export type NewStep = Record<string, unknown> & { id: string };

// ---- the same edits on the tree: what the graph shows after an edit (the property test compares both)

function cloneTree(tree: RecipeTree): RecipeTree {
  return structuredClone(tree);
}

export function treeAdd(tree: RecipeTree, container: Container, index: number, step: StepNode): RecipeTree {
  const out = cloneTree(tree);
  let list = listOf(out, container);
  if (!list) {
    const parent = findStep(out, container.parent!)!.step;
    list = parent[container.branch] = [];
  }
  list.splice(Math.min(index, list.length), 0, step);
  return out;
}

export function treeDelete(tree: RecipeTree, id: string): RecipeTree {
  const out = cloneTree(tree);
  if (whyNotRemove(tree, id)) return out;
  const at = findStep(out, id);
  if (at) listOf(out, at.container)!.splice(at.index, 1);
  return out;
}

export function treeMove(tree: RecipeTree, id: string, delta: -1 | 1): RecipeTree {
  const out = cloneTree(tree);
  const at = findStep(out, id);
  if (!at) return out;
  const list = listOf(out, at.container)!;
  const to = at.index + delta;
  if (to < 0 || to >= list.length) return out;
  [list[at.index], list[to]] = [list[to], list[at.index]];
  return out;
}

export function treeMoveInto(tree: RecipeTree, id: string, target: Container): RecipeTree {
  if (!canMoveInto(tree, id, target)) return cloneTree(tree);
  const step = findStep(tree, id)!.step;
  const removed = treeDelete(tree, id);
  return treeAdd(removed, target, Number.MAX_SAFE_INTEGER, structuredClone(step));
}

/**
 * Why a step cannot leave its list, or null when it can: the server refuses a recipe without steps and a
 * `foreach` with an empty body, so the last step of either stays (an `if` branch may be empty: `then: []`).
 */
export function whyNotRemove(tree: RecipeTree, id: string): string | null {
  const at = findStep(tree, id);
  if (!at || at.container.branch !== 'steps' || listOf(tree, at.container)!.length > 1) return null;
  return at.container.parent === null
    ? `${id} is the recipe's only step, and a recipe needs one: add another step first`
    : `${id} is the only step of foreach ${at.container.parent}, which needs one: add another step to it first, or delete the foreach`;
}

/** A step moves into a branch that is not its own nor inside it, and does not leave a foreach empty. */
export function canMoveInto(tree: RecipeTree, id: string, target: Container): boolean {
  const at = findStep(tree, id);
  if (!at || whyNotRemove(tree, id)) return false;
  if (target.parent === null) return at.container.parent !== null;
  if (target.parent === id) return false;
  if (at.container.parent === target.parent && at.container.branch === target.branch) return false;
  // not into one of its own descendants
  let inside = false;
  const visit = (steps: StepNode[] | undefined) =>
    steps?.forEach((s) => {
      if (s.id === target.parent) inside = true;
      visit(s.then);
      visit(s.else);
      visit(s.steps);
    });
  visit([at.step]);
  return !inside && findStep(tree, target.parent) !== null;
}

// ---- the text edits

interface Located {
  source: string;
  lines: string[];
  starts: number[];
  doc: Document.Parsed;
}

function locate(source: string): Located {
  const lines = source.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return { source, lines, starts, doc: parseRecipe(source).doc };
}

/** 0-based line of an offset */
function lineOf(loc: Located, offset: number): number {
  let lo = 0;
  let hi = loc.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (loc.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const isComment = (line: string) => /^\s*#/.test(line);
const isBlank = (line: string) => line.trim() === '';
const indentOf = (line: string) => line.length - line.trimStart().length;

/** The YAML seq node of a container and the pair holding it (null for the document's own steps when absent). */
function seqOf(doc: Document.Parsed, container: Container): { seq: YAMLSeq | null; owner: YAMLMap | null; pair: Pair | null } {
  if (container.parent === null) {
    const root = doc.contents;
    if (!isMap(root)) return { seq: null, owner: null, pair: null };
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'steps') ?? null;
    return { seq: pair && isSeq(pair.value) ? (pair.value as YAMLSeq) : null, owner: root, pair };
  }
  const owner = stepMap(doc, container.parent);
  if (!owner) return { seq: null, owner: null, pair: null };
  const pair = owner.items.find((p) => isScalar(p.key) && p.key.value === container.branch) ?? null;
  return { seq: pair && isSeq(pair.value) ? (pair.value as YAMLSeq) : null, owner, pair };
}

function stepMap(doc: Document.Parsed, id: string): YAMLMap | null {
  let found: YAMLMap | null = null;
  const visit = (seq: unknown) => {
    if (!isSeq(seq) || found) return;
    for (const item of seq.items) {
      if (!isMap(item)) continue;
      const idNode = item.get('id', true);
      if (isScalar(idNode) && String(idNode.value) === id) {
        found = item;
        return;
      }
      for (const b of ['then', 'else', 'steps']) visit(item.get(b, true));
    }
  };
  if (isMap(doc.contents)) visit(doc.contents.get('steps', true));
  return found;
}

interface Block {
  /** first line of the comments and blank lines that lead to the item */
  lead: number;
  /** the line of the item's dash */
  dash: number;
  /** one past the item's last line */
  end: number;
  /** column of the dash */
  column: number;
}

function blocks(loc: Located, seq: YAMLSeq): Block[] {
  const out: Block[] = [];
  let previousEnd = -1;
  for (const item of seq.items) {
    const range = (item as Node).range!;
    const dash = lineOf(loc, range[0]);
    const dashText = loc.lines[dash];
    const column = dashText.lastIndexOf('-', range[0] - loc.starts[dash]);
    let last = range[1] - 1;
    while (last > range[0] && /\s/.test(loc.source[last])) last--;
    let end = lineOf(loc, last) + 1;
    // comments written inside the step, deeper than its dash, belong to it
    while (end < loc.lines.length && isComment(loc.lines[end]) && indentOf(loc.lines[end]) > column) end++;
    let lead = dash;
    while (lead - 1 > previousEnd && lead - 1 >= 0 && (isComment(loc.lines[lead - 1]) || isBlank(loc.lines[lead - 1]))) lead--;
    // blank lines right after the previous item stay before this one's comments (they are the separation)
    out.push({ lead, dash, end, column: Math.max(0, column) });
    previousEnd = end - 1;
  }
  return out;
}

function shift(lines: string[], by: number): string[] {
  if (by === 0) return lines;
  return lines.map((l) => (isBlank(l) ? l : by > 0 ? ' '.repeat(by) + l : l.slice(Math.min(-by, indentOf(l)))));
}

/** A new step as YAML lines of a block sequence item at column 0. */
export function stepLines(step: NewStep | YAMLMap): string[] {
  const doc = new Document();
  const seq = new YAMLSeq();
  seq.items.push(isMap(step) ? step : doc.createNode(step));
  doc.contents = seq;
  return doc.toString({ lineWidth: 0 }).replace(/\n$/, '').split('\n');
}

function join(lines: string[]): string {
  return lines.join('\n');
}

/** Inserts lines of a block item (at column 0) into a container at an index. */
function insertLines(loc: Located, container: Container, index: number, item: string[]): string {
  const { seq, owner, pair } = seqOf(loc.doc, container);
  const lines = [...loc.lines];
  if (seq && !seq.flow && seq.items.length) {
    const bs = blocks(loc, seq);
    const column = bs[0].column;
    // where the author separates steps by a blank line, a new step is separated too
    const spaced = bs.slice(1).some((b) => isBlank(lines[b.lead]));
    const shifted = shift(item, column);
    if (index >= bs.length) lines.splice(bs[bs.length - 1].end, 0, ...(spaced ? ['', ...shifted] : shifted));
    else if (index === 0) lines.splice(bs[0].lead, 0, ...(spaced ? [...shifted, ''] : shifted));
    else lines.splice(bs[index].lead, 0, ...(spaced ? ['', ...shifted] : shifted));
    return join(lines);
  }
  if (container.parent === null && !owner) {
    return join([...lines.filter((l, i) => i < lines.length - 1 || !isBlank(l)), 'steps:', ...shift(item, 2), '']);
  }
  if (!owner) throw new Error(`No step '${container.parent}' to add into`);
  const ownerColumn = container.parent === null ? 0 : loc.source.slice(loc.starts[lineOf(loc, owner.range![0])], owner.range![0]).length;
  if (pair) {
    // `then: []`, `then:` (null): the list becomes a block list under its key
    const keyLine = lineOf(loc, (pair.key as Node).range![0]);
    const keyText = lines[keyLine];
    const colon = keyText.indexOf(':', (pair.key as Node).range![1] - loc.starts[keyLine]);
    const rest = keyText.slice(colon + 1).replace(/^\s*(\[\s*\]|null|~)?/, '');
    lines[keyLine] = keyText.slice(0, colon + 1) + (rest.trim() ? ` ${rest.trim()}` : '');
    lines.splice(keyLine + 1, 0, ...shift(item, ownerColumn + 2));
    return join(lines);
  }
  // the owner has no such key yet: added as its last key
  const ownerBlocks = owner.range!;
  let last = ownerBlocks[1] - 1;
  while (last > ownerBlocks[0] && /\s/.test(loc.source[last])) last--;
  let end = lineOf(loc, last) + 1;
  while (end < lines.length && isComment(lines[end]) && indentOf(lines[end]) > ownerColumn) end++;
  lines.splice(end, 0, ' '.repeat(ownerColumn) + `${container.branch}:`, ...shift(item, ownerColumn + 2));
  return join(lines);
}

export function addStep(source: string, container: Container, index: number, step: NewStep): string {
  return insertLines(locate(source), container, index, stepLines(step));
}

function blockOf(loc: Located, id: string): { block: Block; container: Container; index: number; seq: YAMLSeq } {
  const tree = parseRecipe(loc.source).tree;
  const at = findStep(tree, id);
  if (!at) throw new Error(`No step '${id}'`);
  const { seq } = seqOf(loc.doc, at.container);
  if (!seq || seq.flow) throw new Error(`Step '${id}' is in a flow list; edit it in the YAML`);
  return { block: blocks(loc, seq)[at.index], container: at.container, index: at.index, seq };
}

/** Removes a step with its leading comments; a branch left empty becomes `[]`; a foreach keeps its last step. */
export function deleteStep(source: string, id: string): string {
  if (whyNotRemove(parseRecipe(source).tree, id)) return source;
  const loc = locate(source);
  const { block, container, index, seq } = blockOf(loc, id);
  const lines = [...loc.lines];
  let end = block.end;
  // the list's new first step does not start with the blank line that separated it from the deleted one
  if (index === 0 && seq.items.length > 1) while (end < lines.length && isBlank(lines[end])) end++;
  lines.splice(block.lead, end - block.lead);
  if (seq.items.length === 1) {
    const next = join(lines);
    const { pair } = seqOf(locate(next).doc, container);
    if (pair) {
      const l2 = locate(next);
      const key = pair.key as Node;
      const keyLine = lineOf(l2, key.range![0]);
      const keyText = l2.lines[keyLine];
      const colon = keyText.indexOf(':', key.range![1] - l2.starts[keyLine]);
      l2.lines[keyLine] = `${keyText.slice(0, colon + 1)} []${keyText.slice(colon + 1).replace(/^\s*$/, '')}`;
      return join(l2.lines);
    }
  }
  return join(lines);
}

/** Swaps a step with its neighbour above (-1) or below (+1), each with its leading comments. */
export function moveStep(source: string, id: string, delta: -1 | 1): string {
  const loc = locate(source);
  const { container, index, seq } = blockOf(loc, id);
  const to = index + delta;
  if (to < 0 || to >= seq.items.length) return source;
  const bs = blocks(loc, seq);
  const [first, second] = delta < 0 ? [bs[to], bs[index]] : [bs[index], bs[to]];
  void container;
  const lines = loc.lines;
  const a = lines.slice(first.lead, first.end);
  const between = lines.slice(first.end, second.lead);
  const b = lines.slice(second.lead, second.end);
  // the first block's leading blank lines separate it from what is above: they stay in place
  const leadBlank = (x: string[]) => {
    let n = 0;
    while (n < x.length && isBlank(x[n])) n++;
    return n;
  };
  const na = leadBlank(a);
  const nb = leadBlank(b);
  const swapped = [...a.slice(0, na), ...b.slice(nb), ...between, ...b.slice(0, nb), ...a.slice(na)];
  return join([...lines.slice(0, first.lead), ...swapped, ...lines.slice(second.end)]);
}

/** Moves a step (with its comments, re-indented) to the end of another list. */
export function moveStepInto(source: string, id: string, target: Container): string {
  const tree = parseRecipe(source).tree;
  if (!canMoveInto(tree, id, target)) return source;
  const loc = locate(source);
  const { block } = blockOf(loc, id);
  let text = loc.lines.slice(block.lead, block.end);
  while (text.length && isBlank(text[0])) text = text.slice(1);
  const item = shift(text, -block.column);
  const removed = deleteStep(source, id);
  return insertLines(locate(removed), target, Number.MAX_SAFE_INTEGER, item);
}

/**
 * Changes keys of one step through the Document API (undefined removes a key) and writes that step back;
 * comments inside the step are kept by the Document, every other line is untouched.
 */
export function updateStep(source: string, id: string, changes: Record<string, unknown>): string {
  const loc = locate(source);
  const { block } = blockOf(loc, id);
  const map = stepMap(loc.doc, id)!;
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) map.delete(key);
    else if (isMap(map.get(key, true)) && value && typeof value === 'object' && !Array.isArray(value)) {
      // keep the node (and its comments) and replace its entries key by key
      const inner = map.get(key, true) as unknown as YAMLMap;
      const wanted = value as Record<string, unknown>;
      for (const p of [...inner.items]) {
        const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
        if (!(k in wanted)) inner.delete(p.key);
      }
      for (const [k, v] of Object.entries(wanted)) {
        const current = inner.get(k, true);
        if (!(isScalar(current) && current.value === v)) inner.set(k, loc.doc.createNode(v));
      }
    } else {
      const current = map.get(key, true);
      if (!(isScalar(current) && current.value === value)) map.set(key, loc.doc.createNode(value));
    }
  }
  const lines = [...loc.lines];
  const item = shift(stepLines(map), block.column);
  lines.splice(block.dash, block.end - block.dash, ...item);
  return join(lines);
}

/** `http.request` → `request`, `request2`, … unique among the recipe's step ids. */
export function newStepId(action: string, taken: string[]): string {
  const base = (action.split('.').pop() || 'step').replace(/[^A-Za-z0-9_-]/g, '') || 'step';
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}${n}`)) return `${base}${n}`;
}
