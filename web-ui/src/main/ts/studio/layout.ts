// ELK's layered layout of the graph, top to bottom; a foreach is a compound node around its body.
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Graph } from './graph';

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 64;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

let elk: Promise<ELK> | null = null;

function engine(): Promise<ELK> {
  // ELK is large: it loads when the first graph is laid out, after the editor is there
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

/** Boxes by node id; a child's box is relative to its foreach group (as React Flow wants it). */
export async function layout(graph: Graph): Promise<Map<string, Box>> {
  const byId = new Map<string, ElkNode>();
  const root: ElkNode = {
    id: '__root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: [],
    edges: [],
  };
  for (const n of graph.nodes) {
    const group = n.kind === 'foreach';
    byId.set(n.id, {
      id: n.id,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      children: group ? [] : undefined,
      layoutOptions: group
        ? { 'elk.padding': '[top=56,left=14,bottom=14,right=14]', 'elk.nodeSize.constraints': 'MINIMUM_SIZE', 'elk.nodeSize.minimum': `(${NODE_WIDTH + 28},${NODE_HEIGHT + 70})` }
        : undefined,
    });
  }
  for (const n of graph.nodes) {
    const parent = n.parent ? byId.get(n.parent) : root;
    (parent ?? root).children!.push(byId.get(n.id)!);
  }
  root.edges = graph.edges.map(
    (e): ElkExtendedEdge => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      labels: e.label ? [{ text: e.label, width: 30, height: 14 }] : undefined,
    }),
  );
  const laid = await (await engine()).layout(root);
  const boxes = new Map<string, Box>();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      boxes.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? NODE_WIDTH, height: child.height ?? NODE_HEIGHT });
      visit(child);
    }
  };
  visit(laid);
  return boxes;
}
