import type { ReactNode } from 'react';
import { request } from '../api';
import { Empty, ProblemBanner, useLoad } from '../components';
import { ago, timestamp } from '../format';
import { Link } from '../router';

interface PollReader {
  recipe: string;
  lastPolled: string;
}

interface PartitionReader {
  recipe: string;
  topic: string;
  partition: number;
}

interface ClusterNode {
  id: string;
  address: string;
  version: string;
  startedAt: string;
  lastHeartbeat: string;
  stoppedAt: string | null;
  state: 'alive' | 'dead' | 'stopped';
  self: boolean;
  runsLeased: number;
  readers: {
    cdcSources?: string[];
    pollRecipes?: PollReader[];
    kafkaPartitions?: PartitionReader[];
    quartzInstance?: string | null;
  };
}

interface ClusterAnswer {
  self: string;
  bounds: { heartbeat: string; deadAfter: string; leasesReturnWithin: string };
  nodes: ClusterNode[];
}

/** The badge colour of a node's state, borrowed from the run statuses. */
const STATE_BADGE: Record<ClusterNode['state'], string> = { alive: 'succeeded', dead: 'failed', stopped: 'cancelled' };

/** ISO-8601 durations from the server (PT15S) as people write them (15s). */
function human(iso: string): string {
  return iso.replace(/^PT/, '').toLowerCase();
}

/** The nodes of the cluster (GET /api/v1/cluster): their heartbeats, leases and the trigger readers each owns. */
export function Cluster() {
  const cluster = useLoad((signal) => request<ClusterAnswer>('/api/v1/cluster', { signal }), 'cluster', 5000);
  const data = cluster.data;
  return (
    <section>
      <div className="page-head">
        <h1>Cluster</h1>
      </div>
      <ProblemBanner error={cluster.error} />
      {data ? (
        <p className="muted" data-testid="cluster-bounds">
          Each node writes a heartbeat every {human(data.bounds.heartbeat)}; one silent for {human(data.bounds.deadAfter)} is
          shown dead. A dead node's runs go back to the queue within {human(data.bounds.leasesReturnWithin)} of its last lease
          renewal; its CDC sources, polls, Kafka partitions and schedules move to the other nodes on their own.
        </p>
      ) : null}
      {data && !data.nodes.length ? <Empty title="No node has reported yet">Nodes appear within one heartbeat of their start.</Empty> : null}
      {data?.nodes.length ? (
        <table className="grid" data-testid="cluster-nodes">
          <thead>
            <tr>
              <th>Node</th>
              <th>State</th>
              <th>Address</th>
              <th>Version</th>
              <th>Started</th>
              <th>Last heartbeat</th>
              <th>Runs leased</th>
              <th>Trigger readers</th>
            </tr>
          </thead>
          <tbody>
            {data.nodes.map((n) => (
              <tr key={n.id} data-testid="cluster-node" data-state={n.state}>
                <td>
                  <code>{n.id}</code>
                  {n.self ? <span className="muted"> (this node)</span> : null}
                </td>
                <td>
                  <span className={`badge badge-${STATE_BADGE[n.state]}`}>{n.state}</span>
                </td>
                <td>{n.address}</td>
                <td>{n.version}</td>
                <td title={n.startedAt}>{timestamp(n.startedAt)}</td>
                <td title={n.lastHeartbeat}>{ago(n.lastHeartbeat)}</td>
                <td>{n.runsLeased}</td>
                <td>
                  <Readers node={n} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Readers({ node }: { node: ClusterNode }) {
  const r = node.readers ?? {};
  const parts: ReactNode[] = [];
  if (r.quartzInstance) parts.push(<div key="quartz">Schedules: Quartz instance <code>{r.quartzInstance}</code></div>);
  if (r.cdcSources?.length) parts.push(<div key="cdc">CDC sources: {r.cdcSources.map((s) => <code key={s}>{s} </code>)}</div>);
  if (r.pollRecipes?.length)
    parts.push(
      <div key="poll">
        Polls:{' '}
        {r.pollRecipes.map((p) => (
          <span key={p.recipe}>
            <Link href={`/recipes/${encodeURIComponent(p.recipe)}`}>{p.recipe}</Link> ({ago(p.lastPolled)}){' '}
          </span>
        ))}
      </div>,
    );
  if (r.kafkaPartitions?.length)
    parts.push(
      <div key="kafka">
        Kafka:{' '}
        {r.kafkaPartitions.map((p) => (
          <code key={`${p.recipe}/${p.topic}/${p.partition}`}>
            {p.recipe} ← {p.topic}-{p.partition}{' '}
          </code>
        ))}
      </div>,
    );
  return parts.length ? <>{parts}</> : <span className="muted">none</span>;
}
