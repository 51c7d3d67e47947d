import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
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
} from '../../../main/ts/studio/edits';
import { containers, parseRecipe, shape, stepIds, type RecipeTree } from '../../../main/ts/studio/tree';

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
  ['move-out-of-foreach', (s) => moveStepInto(s, 'reserve', { parent: null, branch: 'steps' })],
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

const ACTIONS = ['http.request', 'core.log', 'core.transform', 'sql.query'];

function apply(text: string, tree: RecipeTree, o: Op, counter: { n: number }): [string, RecipeTree] {
  const ids = stepIds(tree);
  const pick = <T>(list: T[], n: number) => list[n % list.length];
  switch (o.kind) {
    case 'add': {
      const target = pick(containers(tree), o.a);
      const action = pick(ACTIONS, o.b);
      const id = newStepId(action, ids) + (counter.n++ ? '' : '');
      const index = o.b % 4;
      const step = { id, action, with: { note: `step ${id}`, n: o.b } };
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
      if (!ids.length) return [text, tree];
      return [updateStep(text, pick(ids, o.a), { with: { changed: o.b } }), tree];
    }
  }
}

const starts: [string, string][] = [
  ['branching.yaml', input],
  ...readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f, readFileSync(new URL(f, SAMPLES), 'utf8')] as [string, string]),
];

describe('random sequences of graph edits', () => {
  test.each(starts)('%s: the YAML re-read gives the edited graph', (_, start) => {
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
      }),
      { numRuns: 40, seed: 17 },
    );
  });
});
