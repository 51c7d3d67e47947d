import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import {
  addStep,
  canMoveInto,
  deleteStep,
  moveStep,
  moveStepInto,
  newStepId,
  treeAdd,
  treeDelete,
  treeMove,
  treeMoveInto,
  updateStep,
  whyNotRemove,
} from '../../../main/ts/studio/edits';
import { toGraph } from '../../../main/ts/studio/graph';
import { containers, findStep, parseRecipe, shape, stepIds, type RecipeTree } from '../../../main/ts/studio/tree';

const GOLDEN = new URL('./golden/', import.meta.url);
const SAMPLES = new URL('../../../../../recipes-samples/src/main/resources/samples/', import.meta.url);
const input = readFileSync(new URL('branching.yaml', GOLDEN), 'utf8');
const EXAMPLE = { id: 'request', action: 'http.request', with: { method: 'POST', url: 'https://api.example.com/orders', headers: { 'content-type': 'application/json' }, body: '{{ trigger.body }}' } };

const comments = (text: string) => text.split('\n').filter((l) => /^\s*#/.test(l) || / #/.test(l)).map((l) => l.trim());

// Each edit's output is a golden file: written once (UPDATE_GOLDEN=1), read and compared from then on.
const edits: [string, (s: string) => string][] = [
  ['add-end', (s) => addStep(s, { parent: null, branch: 'steps' }, 99, EXAMPLE)],
  ['add-first', (s) => addStep(s, { parent: null, branch: 'steps' }, 0, EXAMPLE)],
  ['add-into-then', (s) => addStep(s, { parent: 'big', branch: 'then' }, 1, EXAMPLE)],
  ['delete-only-else', (s) => deleteStep(s, 'note')],
  ['delete-first', (s) => deleteStep(s, 'customer')],
  ['move-up', (s) => moveStep(s, 'lines', -1)],
  ['move-into-foreach', (s) => moveStepInto(s, 'customer', { parent: 'lines', branch: 'steps' })],
  // the foreach gets a second step first: its last one stays (the server refuses an empty body)
  ['move-out-of-foreach', (s) => moveStepInto(moveStepInto(s, 'customer', { parent: 'lines', branch: 'steps' }), 'reserve', { parent: null, branch: 'steps' })],
  ['update-with', (s) => updateStep(s, 'customer', { with: { method: 'GET', url: 'https://crm.example/v2/customers/{{ trigger.body.customerId }}' } })],
];

describe('graph edits keep the author\'s YAML (golden files)', () => {
  test.each(edits)('%s', (name, edit) => {
    const out = edit(input);
    const file = new URL(`branching.${name}.yaml`, GOLDEN);
    if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, out);
    expect(out).toBe(readFileSync(file, 'utf8'));
    expect(parseRecipe(out).syntaxErrors).toEqual([]);
  });

  test('adding and moving keep every comment, the comment above the first step in its place', () => {
    for (const [name, edit] of edits.filter(([n]) => !n.startsWith('delete'))) {
      const out = edit(input);
      expect(comments(out), name).toEqual(expect.arrayContaining(comments(input)));
    }
    const added = addStep(input, { parent: null, branch: 'steps' }, 99, EXAMPLE);
    expect(added).toContain('  # Look the customer up first: every later step uses it.\n  - id: customer\n');
    expect(added).toContain("        with: { method: POST, url: \"{{ secrets.ALERT_URL }}\", body: \"{{ {'order': trigger.body.id} }}\" }");
    // untouched lines are the same text: only lines were added
    const before = input.split('\n');
    const after = added.split('\n');
    expect(after.slice(0, before.length - 3)).toEqual(before.slice(0, before.length - 3));
  });

  test('an update changes the step\'s own lines only', () => {
    const out = updateStep(input, 'customer', { with: { method: 'DELETE', url: 'u' } });
    const diff = out.split('\n').filter((l, i) => l !== input.split('\n')[i]);
    expect(diff).toEqual(['      method: DELETE', '      url: u']);
  });

  test('the last step of a foreach stays: the server refuses an empty body', () => {
    const tree = parseRecipe(input).tree;
    const body = findStep(tree, 'lines')!.step.steps!;
    let text = input;
    for (const s of body.slice(1)) text = deleteStep(text, s.id);
    const last = body[0].id;
    expect(whyNotRemove(parseRecipe(text).tree, last)).toContain('only step of foreach lines');
    expect(deleteStep(text, last)).toBe(text);
    expect(canMoveInto(parseRecipe(text).tree, last, { parent: null, branch: 'steps' })).toBe(false);
  });

  test('new ids are unique', () => {
    expect(newStepId('http.request', ['request', 'request2'])).toBe('request3');
  });
});

// ---- property: random sequences of graph edits, applied to the YAML text and to the tree alike

type Op = { kind: 'add' | 'delete' | 'up' | 'down' | 'into' | 'update'; a: number; b: number };
const op = fc.record({
  kind: fc.constantFrom<Op['kind']>('add', 'delete', 'up', 'down', 'into', 'update'),
  a: fc.nat(1000),
  b: fc.nat(1000),
});

// What the palette inserts: each action's example from GET /api/v1/connectors (copied from the connectors),
// and what the step form writes back: the example with one value changed.
const EXAMPLES: Record<string, { with: Record<string, unknown>; change: (n: number) => Record<string, unknown> }> = {
  'http.request': {
    with: { method: 'POST', url: '/customers/{{ trigger.body.customerId }}/notes', headers: { Accept: 'application/json' }, body: { text: '{{ trigger.body.note }}' }, timeout: '10s' },
    change: (n) => ({ timeout: `${(n % 59) + 1}s` }),
  },
  'core.log': {
    with: { message: 'Order {{ trigger.body.id }} received', level: 'info' },
    change: (n) => ({ message: `step ${n}: {{ trigger.body.id }}`, level: ['debug', 'info', 'warn', 'error'][n % 4] }),
  },
  'core.transform': {
    with: { value: { id: '{{ trigger.body.id }}', total: '{{ $sum(trigger.body.items.(qty * price)) }}' } },
    change: (n) => ({ value: { id: '{{ trigger.body.id }}', n } }),
  },
  'sql.query': {
    with: { sql: 'select id, total from orders where customer_id = :customer and created_at >= :since', params: { customer: '{{ trigger.body.customerId }}', since: '2024-01-01T00:00:00Z' } },
    change: (n) => ({ params: { customer: n, since: '2024-01-01T00:00:00Z' } }),
  },
};
const ACTIONS = Object.keys(EXAMPLES);

function apply(text: string, tree: RecipeTree, o: Op, counter: { n: number }): [string, RecipeTree] {
  const ids = stepIds(tree);
  const pick = <T>(list: T[], n: number) => list[n % list.length];
  switch (o.kind) {
    case 'add': {
      const target = pick(containers(tree), o.a);
      const action = pick(ACTIONS, o.b);
      const id = newStepId(action, ids) + (counter.n++ ? '' : '');
      const index = o.b % 4;
      const step = { id, action, with: EXAMPLES[action].with };
      return [addStep(text, target, index, step), treeAdd(tree, target, index, { id, kind: 'action', line: 0, action })];
    }
    case 'delete':
      if (!ids.length) return [text, tree];
      return [deleteStep(text, pick(ids, o.a)), treeDelete(tree, pick(ids, o.a))];
    case 'up':
    case 'down':
      if (!ids.length) return [text, tree];
      return [moveStep(text, pick(ids, o.a), o.kind === 'up' ? -1 : 1), treeMove(tree, pick(ids, o.a), o.kind === 'up' ? -1 : 1)];
    case 'into': {
      if (!ids.length) return [text, tree];
      const id = pick(ids, o.a);
      const target = pick(containers(tree), o.b);
      if (!canMoveInto(tree, id, target)) return [text, tree];
      return [moveStepInto(text, id, target), treeMoveInto(tree, id, target)];
    }
    case 'update': {
      // the step form edits action steps only, and only those whose inputs it knows here
      const editable = ids.filter((id) => EXAMPLES[findStep(tree, id)?.step.action ?? '']);
      if (!editable.length) return [text, tree];
      const id = pick(editable, o.a);
      const example = EXAMPLES[findStep(tree, id)!.step.action!];
      return [updateStep(text, id, { with: { ...example.with, ...example.change(o.b) } }), tree];
    }
  }
}

const starts: [string, string][] = [
  ['branching.yaml', input],
  ...readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f, readFileSync(new URL(f, SAMPLES), 'utf8')] as [string, string]),
];

// Every edited YAML with the graph the studio drew from its edits, for the server's parser: web-ui's
// StudioEditsParseTest (Maven runs it after Vitest) reads each with the engine's RecipeParser and checks
// it is valid and that the server's graph of it is this one — the parser stays the one authority.
const CORPUS = new URL('../../../../target/studio-edits/corpus.json', import.meta.url);
const corpus: { start: string; ops: Op[]; yaml: string; graph: ReturnType<typeof toGraph> }[] = [];

describe('random sequences of graph edits', () => {
  afterAll(() => {
    mkdirSync(new URL('.', CORPUS), { recursive: true });
    writeFileSync(CORPUS, JSON.stringify(corpus));
  });

  test.each(starts)('%s: the YAML re-read gives the edited graph', (name, start) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 14 }), (ops) => {
        let text = start;
        let tree = parseRecipe(start).tree;
        const counter = { n: 0 };
        for (const o of ops) {
          [text, tree] = apply(text, tree, o, counter);
          const again = parseRecipe(text);
          expect(again.syntaxErrors, `${JSON.stringify(o)}\n${text}`).toEqual([]);
          expect(shape(again.tree.steps), `${JSON.stringify(o)}\n${text}`).toEqual(shape(tree.steps));
          tree = again.tree;
        }
        corpus.push({ start: name, ops, yaml: text, graph: toGraph(tree) });
      }),
      { numRuns: 40, seed: 17 },
    );
  }, 60_000); // 40 sequences re-parse the YAML after every edit: seconds on a busy 2-core machine
});
