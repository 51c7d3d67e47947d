package dev.braid.app.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.store.JsonColumns;
import tools.jackson.databind.JsonNode;

/**
 * The table {@code cluster_nodes}, its one writer: a node's heartbeat (with what it owns), its graceful stop,
 * and the clean-up of nodes gone for a day; and the cluster as it stands, with the runs each node holds leases of.
 * Times are the database's ({@code now()}), so nodes with skewed clocks agree on who is alive.
 */
@Component
public class ClusterNodes {

    /** Rows of nodes not heard of for this long are removed (a node that comes back writes its row again). */
    static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public ClusterNodes(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A node as stored, with its state computed against {@code deadAfter} and its leased runs counted. */
    public record Node(String id, String address, String version, Instant startedAt, Instant lastHeartbeat,
                       Instant stoppedAt, String state, long runsLeased, JsonNode readers) {}

    void beat(String id, String address, String version, Instant startedAt, JsonNode readers) {
        jdbc.sql("""
                insert into cluster_nodes (node_id, address, version, started_at, heartbeat_at, stopped_at, readers)
                values (:id, :address, :version, :started, now(), null, cast(:readers as jsonb))
                on conflict (node_id) do update set address = excluded.address, version = excluded.version,
                    started_at = excluded.started_at, heartbeat_at = now(), stopped_at = null, readers = excluded.readers""")
                .param("id", id).param("address", address).param("version", version)
                .param("started", java.sql.Timestamp.from(startedAt)).param("readers", json.write(readers))
                .update();
        jdbc.sql("delete from cluster_nodes where heartbeat_at < now() - cast(:forget as interval)")
                .param("forget", FORGET_AFTER.toSeconds() + " seconds").update();
    }

    /** A graceful stop: it owns nothing any more. */
    void stopped(String id) {
        jdbc.sql("update cluster_nodes set stopped_at = now(), heartbeat_at = now(), readers = '{}'::jsonb where node_id = ?")
                .param(id).update();
    }

    /** Every node known, the newest start first: alive, dead (heartbeat older than {@code deadAfter}) or stopped. */
    public List<Node> all(Duration deadAfter) {
        Map<String, Long> leased = new HashMap<>();
        jdbc.sql("select locked_by, count(*) from runs where status = 'running' and locked_by is not null group by locked_by")
                .query((rs, n) -> leased.put(rs.getString(1), rs.getLong(2))).list();
        return jdbc.sql("""
                select node_id, address, version, started_at, heartbeat_at, stopped_at, readers,
                       case when stopped_at is not null then 'stopped'
                            when heartbeat_at >= now() - cast(:dead as interval) then 'alive'
                            else 'dead' end as state
                  from cluster_nodes order by started_at desc, node_id""")
                .param("dead", deadAfter.toMillis() + " milliseconds")
                .query((rs, n) -> new Node(rs.getString("node_id"), rs.getString("address"), rs.getString("version"),
                        rs.getTimestamp("started_at").toInstant(), rs.getTimestamp("heartbeat_at").toInstant(),
                        rs.getTimestamp("stopped_at") == null ? null : rs.getTimestamp("stopped_at").toInstant(),
                        rs.getString("state"), leased.getOrDefault(rs.getString("node_id"), 0L),
                        json.read(rs, "readers")))
                .list();
    }
}
