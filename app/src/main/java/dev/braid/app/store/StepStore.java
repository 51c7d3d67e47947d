package dev.braid.app.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.engine.run.StepError;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Step checkpoints: one row per step path per run, upserted by {@link AttemptStore} as the step moves on. */
@Repository
public class StepStore {

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public StepStore(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A step record with its display position in the run. */
    public record SeqRecord(int seq, StepRecord record) {}

    /** The run's step records by path, in order (what a resumed run reads back). */
    public Map<String, SeqRecord> load(UUID runId) {
        Map<String, SeqRecord> out = new LinkedHashMap<>();
        jdbc.sql("select * from step_runs where run_id = ? order by seq").param(runId)
                .query((rs, n) -> new SeqRecord(rs.getInt("seq"), map(rs)))
                .list()
                .forEach(r -> out.put(r.record().path(), r));
        return out;
    }

    public static ObjectNode errorJson(StepError error) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", error.type());
        node.put("message", error.message());
        node.put("retryable", error.retryable());
        return node;
    }

    private StepRecord map(ResultSet rs) throws SQLException {
        JsonNode error = json.read(rs, "error");
        return new StepRecord(
                rs.getString("path"), StepStatus.fromWire(rs.getString("status")), rs.getInt("attempts"),
                json.read(rs, "input"), json.read(rs, "output"),
                error == null ? null : new StepError(error.path("type").asString(), error.path("message").asString(),
                        error.path("retryable").asBoolean()),
                RunStore.instant(rs, "started_at"), RunStore.instant(rs, "finished_at"));
    }
}
