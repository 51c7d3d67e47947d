package dev.braid.app.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.engine.run.StepError;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Step checkpoints: one row per step path per run, upserted as the step moves on. */
@Repository
public class StepStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonColumns json;

    public StepStore(JdbcClient jdbc, JdbcTemplate template, JsonColumns json) {
        this.jdbc = jdbc;
        this.template = template;
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

    public void upsert(UUID runId, List<SeqRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        template.batchUpdate("""
                insert into step_runs (run_id, path, seq, status, attempts, input, output, error, started_at, finished_at)
                values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?)
                on conflict (run_id, path) do update set status = excluded.status, attempts = excluded.attempts,
                       input = excluded.input, output = excluded.output, error = excluded.error,
                       started_at = excluded.started_at, finished_at = excluded.finished_at""",
                records, records.size(), (ps, r) -> {
                    StepRecord s = r.record();
                    ps.setObject(1, runId);
                    ps.setString(2, s.path());
                    ps.setInt(3, r.seq());
                    ps.setString(4, s.status().wire());
                    ps.setInt(5, s.attempts());
                    ps.setString(6, json.write(s.input()));
                    ps.setString(7, json.write(s.output()));
                    ps.setString(8, s.error() == null ? null : json.write(errorJson(s.error())));
                    ps.setTimestamp(9, s.startedAt() == null ? null : Timestamp.from(s.startedAt()));
                    ps.setTimestamp(10, s.finishedAt() == null ? null : Timestamp.from(s.finishedAt()));
                });
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
