-- The nodes of the cluster (README "Cluster"): each node upserts its row every braid.cluster.heartbeat with what
-- it owns right now (readers: CDC sources, poll recipes, Kafka partitions, its Quartz instance). A node whose
-- heartbeat is older than braid.cluster.dead-after is shown dead; one stopped gracefully has stopped_at set.
-- Written by ClusterHeartbeat only; rows of nodes gone for a day are removed by it too.
create table cluster_nodes (
    node_id      text primary key,
    address      text not null,
    version      text not null,
    started_at   timestamptz not null,
    heartbeat_at timestamptz not null,
    stopped_at   timestamptz,
    readers      jsonb not null default '{}'::jsonb
);
