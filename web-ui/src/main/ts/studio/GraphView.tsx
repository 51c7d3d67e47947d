// The recipe drawn with React Flow at ELK's positions: one node per step, painted with the test run.
import { useEffect, useMemo, useState } from 'react';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Graph, GraphNode } from './graph';
import { layout, NODE_HEIGHT, NODE_WIDTH, type Box } from './layout';
import type { NodeRun } from './data';

export type StepData = {
  node: GraphNode;
  run?: NodeRun;
  selected: boolean;
  onOpenRecipe?: (slug: string) => void;
};

const FIT = { padding: 0.15, maxZoom: 1 };

/**
 * Fits the drawing into view whenever its layout or the pane's size changes, once React Flow has measured the
 * nodes and set up its zoom. React Flow's own fit skips silently when its zoom is not set up yet, which a
 * loaded machine showed: the canvas kept its default view, with the lower half of a tall recipe out of sight.
 */
function FitOnLayout({ layoutKey }: { layoutKey: string }) {
  const { fitView } = useReactFlow();
  const measured = useNodesInitialized();
  const pane = useStore((s) => (s.panZoom && s.width > 0 && s.height > 0 ? `${s.width}x${s.height}` : ''));
  useEffect(() => {
    if (measured && pane) void fitView(FIT);
  }, [measured, pane, layoutKey, fitView]);
  return null;
}

const ICONS: Record<string, string> = { trigger: '⚡', action: '▶', if: '◆', foreach: '↻', call: '↗', stop: '■', fail: '✖', unknown: '?' };

function duration(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function StepNodeView({ data }: NodeProps<Node<StepData>>) {
  const { node, run, selected } = data;
  const group = node.kind === 'foreach';
  return (
    <div
      className={`gnode gnode-${node.kind}${group ? ' gnode-group' : ''}${run ? ` run-${run.status}` : ''}${selected ? ' gnode-selected' : ''}`}
      data-testid="graph-node"
      data-id={node.id}
      data-kind={node.kind}
      data-status={run?.status ?? ''}
      data-parent={node.parent ?? ''}
      title={`line ${node.line}`}
    >
      {node.kind !== 'trigger' ? <Handle type="target" position={Position.Top} /> : null}
      <div className="gnode-head">
        <span className="gnode-icon" aria-hidden>
          {ICONS[node.kind] ?? '▶'}
        </span>
        <span className="gnode-label">{node.label}</span>
      </div>
      <div className="gnode-detail">
        {node.kind === 'call' && node.recipe ? (
          <a
            href={`/recipes/${encodeURIComponent(node.recipe)}/edit`}
            onClick={(e) => {
              e.preventDefault();
              e.stopPropagation();
              data.onOpenRecipe?.(node.recipe!);
            }}
          >
            {node.detail}
          </a>
        ) : (
          node.detail
        )}
      </div>
      {run ? (
        <div className="gnode-run">
          {run.status}
          {run.ms !== null ? ` · ${duration(run.ms)}` : ''}
          {run.records.length > 1 ? ` · ×${run.records.length}` : ''}
        </div>
      ) : null}
      {node.kind !== 'stop' && node.kind !== 'fail' ? <Handle type="source" position={Position.Bottom} /> : null}
    </div>
  );
}

const nodeTypes = { step: StepNodeView };

interface Props {
  graph: Graph;
  runs: Map<string, NodeRun>;
  selected: string | null;
  onSelect: (id: string | null) => void;
  onOpenRecipe: (slug: string) => void;
}

export function GraphView({ graph, runs, selected, onSelect, onOpenRecipe }: Props) {
  const [boxes, setBoxes] = useState<{ graph: Graph; boxes: Map<string, Box> } | null>(null);
  useEffect(() => {
    let live = true;
    layout(graph).then(
      (b) => live && setBoxes({ graph, boxes: b }),
      () => live && setBoxes(null),
    );
    return () => {
      live = false;
    };
  }, [graph]);

  // until the new layout is there, the last positions are used (new nodes start below the others)
  const nodes = useMemo<Node<StepData>[]>(() => {
    const known = boxes?.boxes ?? new Map<string, Box>();
    let fallbackY = 0;
    known.forEach((b) => (fallbackY = Math.max(fallbackY, b.y + b.height + 30)));
    return graph.nodes.map((n) => {
      const box = known.get(n.id) ?? { x: 0, y: (fallbackY += NODE_HEIGHT + 30), width: NODE_WIDTH, height: NODE_HEIGHT };
      return {
        id: n.id,
        type: 'step',
        position: { x: box.x, y: box.y },
        parentId: n.parent && graph.nodes.some((p) => p.id === n.parent) ? n.parent : undefined,
        extent: n.parent ? ('parent' as const) : undefined,
        // Fixed and known sizes. Without them React Flow hides every node it is handed anew (each test-run
        // result or selection makes new objects) until its observer measures the node again, and edges with
        // it; on a loaded machine the canvas stayed blank. `measured` also keeps the handles it found.
        width: box.width,
        height: box.height,
        measured: { width: box.width, height: box.height },
        data: { node: n, run: runs.get(n.id), selected: n.id === selected, onOpenRecipe },
        draggable: false,
        connectable: false,
        selectable: true,
      };
    });
  }, [graph, boxes, runs, selected, onOpenRecipe]);

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => {
        const failed = runs.get(e.source)?.status === 'failed';
        const ran = runs.has(e.source) && runs.has(e.target);
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          label: e.label,
          type: 'smoothstep',
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          className: ran ? 'edge-ran' : failed ? 'edge-failed' : undefined,
          labelBgPadding: [4, 2] as [number, number],
          labelStyle: { fontSize: 11 },
        };
      }),
    [graph, runs],
  );

  const layoutKey = boxes ? [...boxes.boxes.keys()].join('|') : '';
  return (
    <div className="studio-graph" data-testid="graph" data-nodes={graph.nodes.length} data-laid-out={boxes?.graph === graph ? 'yes' : 'no'}>
      <ReactFlow
        key={layoutKey || 'pending'}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={FIT}
        minZoom={0.2}
        maxZoom={1.5}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={(_, node) => onSelect(node.id)}
        onPaneClick={() => onSelect(null)}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} size={1} />
        <Controls showInteractive={false} />
        <FitOnLayout layoutKey={layoutKey} />
      </ReactFlow>
    </div>
  );
}
