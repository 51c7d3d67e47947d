import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { toGraph, TRIGGER_ID } from '../../../main/ts/studio/graph';
import { parseRecipe } from '../../../main/ts/studio/tree';

const SAMPLES = new URL('../../../../../recipes-samples/src/main/resources/samples/', import.meta.url);
const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.yaml'));

type Plain = Record<string, unknown>;
/** Every step of a plain recipe object with the id of the foreach it sits in: the count the graph must draw. */
function plainSteps(steps: unknown, group?: string): { id: string; group?: string }[] {
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((s: Plain) => [
    { id: String(s.id), group },
    ...plainSteps(s.then, group),
    ...plainSteps(s.else, group),
    ...plainSteps(s.steps, s.foreach !== undefined ? String(s.id) : group),
  ]);
}

describe('YAML → graph for every sample recipe', () => {
  test('the samples are there', () => expect(samples.length).toBeGreaterThanOrEqual(10));

  test.each(samples)('%s', (file) => {
    const text = readFileSync(new URL(file, SAMPLES), 'utf8');
    const plain = parse(text) as Plain;
    const { tree, syntaxErrors } = parseRecipe(text);
    expect(syntaxErrors).toEqual([]);
    expect(tree.slug).toBe(plain.slug);
    expect(tree.trigger.type).toBe(Object.keys(plain.trigger as Plain)[0]);
    const graph = toGraph(tree);
    const expected = plainSteps(plain.steps);
    expect(graph.nodes.map((n) => n.id)).toEqual([TRIGGER_ID, ...expected.map((s) => s.id)]);
    for (const s of expected) expect(graph.nodes.find((n) => n.id === s.id)!.parent).toBe(s.group);
    // each node's line is the line of its `id:` (or its first key)
    const lines = text.split('\n');
    for (const n of graph.nodes.slice(1)) expect(lines[n.line - 1]).toMatch(/^\s*-?\s*\w+:/);
    const ids = new Set(graph.nodes.map((n) => n.id));
    for (const e of graph.edges) {
      expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    }
    // every top-level step is reached from the trigger unless an earlier step ended the run
    const reached = new Set([TRIGGER_ID]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const e of graph.edges) if (reached.has(e.source) && !reached.has(e.target)) reached.add(e.target) && (changed = true);
    }
    const first = (plain.steps as Plain[])[0];
    expect(reached.has(String(first.id))).toBe(true);
  });
});

describe('graph shapes', () => {
  const text = readFileSync(new URL('./golden/branching.yaml', import.meta.url), 'utf8');
  const graph = toGraph(parseRecipe(text).tree);

  test('an if branches into then and else, both join the next step', () => {
    const e = (s: string, t: string) => graph.edges.find((x) => x.source === s && x.target === t);
    expect(e('big', 'alert')?.label).toBe('then');
    expect(e('big', 'note')?.label).toBe('else');
    expect(e('alert', 'lines')).toBeDefined();
    expect(e('note', 'lines')).toBeDefined();
    expect(graph.nodes.find((n) => n.id === 'note')).toMatchObject({ owner: 'big', branch: 'else' });
  });

  test('a foreach is a group holding its body, chunk shown; stop has no way out', () => {
    expect(graph.nodes.find((n) => n.id === 'reserve')?.parent).toBe('lines');
    expect(graph.nodes.find((n) => n.id === 'lines')?.detail).toContain('chunk 50');
    expect(graph.edges.filter((e) => e.source === 'done')).toEqual([]);
    expect(graph.edges.some((e) => e.source === 'lines' && e.target === 'done')).toBe(true);
  });

  test('an if without else goes on to the next step on its else edge; call links to its recipe', () => {
    const g = toGraph(
      parseRecipe(`slug: a
trigger: { manual: {} }
steps:
  - id: check
    if: "trigger.body.x"
    then:
      - id: sub
        call: other-recipe
        with: { x: 1 }
  - id: nope
    fail: { message: no }
`).tree,
    );
    expect(g.edges.map((e) => `${e.source}>${e.target}${e.label ? ':' + e.label : ''}`)).toEqual([
      '__trigger>check',
      'check>sub:then',
      'sub>nope',
      'check>nope:else',
    ]);
    expect(g.nodes.find((n) => n.id === 'sub')?.recipe).toBe('other-recipe');
  });
});
