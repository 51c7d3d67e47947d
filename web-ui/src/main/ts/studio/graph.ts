// The tree as a graph to draw: trigger → steps in order, `if` branches (then/else edges that join again),
// `foreach` groups holding their body, `call:` nodes, `stop`/`fail` ends (no edge leaves them).
import type { Branch, RecipeTree, StepKind, StepNode } from './tree';

export type NodeKind = StepKind | 'trigger';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** what the step does in a few words: the action, the condition, the called recipe */
  detail: string;
  line: number;
  /** the foreach group this node is drawn inside */
  parent?: string;
  /** then/else/steps of the step that holds it */
  branch?: Branch;
  owner?: string;
  recipe?: string;
  chunk?: number;
  parallel?: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const TRIGGER_ID = '__trigger';

function detailOf(step: StepNode): string {
  switch (step.kind) {
    case 'action':
      return step.action ?? 'action';
    case 'if':
      return `if ${step.expression ?? ''}`;
    case 'foreach':
      return [`foreach ${step.expression ?? ''}`, step.chunk ? `chunk ${step.chunk}` : '', step.parallel ? `parallel ${step.parallel}` : ''].filter(Boolean).join(' · ');
    case 'call':
      return `call ${step.recipe ?? ''}`;
    case 'stop':
      return 'stop: end successfully';
    case 'fail':
      return 'fail: end with an error';
    default:
      return 'unknown step kind';
  }
}

/** An exit of a piece of the flow: where the next step's edge starts, with the label it carries. */
interface Exit {
  from: string;
  label?: string;
}

export function toGraph(tree: RecipeTree): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const edge = (source: string, target: string, label?: string) => {
    const id = `${source}->${target}${label ? `:${label}` : ''}`;
    if (!edges.some((e) => e.id === id)) edges.push(label ? { id, source, target, label } : { id, source, target });
  };
  nodes.push({ id: TRIGGER_ID, kind: 'trigger', label: tree.trigger.type ?? 'trigger', detail: 'trigger', line: tree.trigger.line });

  /** Draws a list of steps entered from `entries`; answers the exits of its last step. */
  const sequence = (steps: StepNode[], entries: Exit[], group: string | undefined, owner?: { id: string; branch: Branch }): Exit[] => {
    let exits = entries;
    for (const step of steps) {
      const node: GraphNode = { id: step.id, kind: step.kind, label: step.id, detail: detailOf(step), line: step.line };
      if (group) node.parent = group;
      if (owner) {
        node.owner = owner.id;
        node.branch = owner.branch;
      }
      if (step.kind === 'call' && step.recipe) node.recipe = step.recipe;
      if (step.chunk) node.chunk = step.chunk;
      if (step.parallel) node.parallel = step.parallel;
      nodes.push(node);
      for (const e of exits) edge(e.from, step.id, e.label);
      exits = [{ from: step.id }];
      if (step.kind === 'if') {
        const thenExits = sequence(step.then ?? [], [{ from: step.id, label: 'then' }], group, { id: step.id, branch: 'then' });
        const elseExits = step.else?.length
          ? sequence(step.else, [{ from: step.id, label: 'else' }], group, { id: step.id, branch: 'else' })
          : [{ from: step.id, label: 'else' }];
        exits = [...thenExits, ...elseExits];
      } else if (step.kind === 'foreach') {
        sequence(step.steps ?? [], [], step.id, { id: step.id, branch: 'steps' });
      } else if (step.kind === 'stop' || step.kind === 'fail') {
        exits = [];
      }
    }
    return exits;
  };
  sequence(tree.steps, [{ from: TRIGGER_ID }], undefined);
  return { nodes, edges };
}
