package dev.braid.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

/**
 * Step checkpoints (table {@code step_runs}): one row per step path per run. An attempt's records are
 * upserted by {@link #FROM_RUN}, which {@link RunStore} puts into the statement that proves the lease,
 * so a node that lost its lease writes none.
 */
@Repository
public class StepStore {

    /**
     * A CTE upserting the records bound by {@link #bind}, for the run of the CTE {@code run} (none when
     * that CTE found no row). Nine parameters.
     */
    static final String FROM_RUN = """
            , steps as (
                insert into step_runs (run_id, path, seq, status, attempts, input, output, error, started_at, finished_at)
                select run.id, s.path, s.seq, s.status, s.attempts, s.input::jsonb, s.output::jsonb, s.error::jsonb,
                       s.started_at::timestamptz, s.finished_at::timestamptz
                  from run, unnest(?::text[], ?::int[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                       as s(path, seq, status, attempts, input, output, error, started_at, finished_at)
                on conflict (run_id, path) do update set status = excluded.status, attempts = excluded.attempts,
                       input = excluded.input, output = excluded.output, error = excluded.error,
                       started_at = excluded.started_at, finished_at = excluded.finished_at)
            """;

    /**
     * As {@link #FROM_RUN} for the runs of a statement ending several attempts ({@link RunStore#finishEach}): each
     * record carries its run's id, and only the runs the CTE {@code run} returned get theirs. Ten parameters
     * ({@link #bindEach}).
     */
    static final String FOR_EACH_RUN = """
            , steps as (
                insert into step_runs (run_id, path, seq, status, attempts, input, output, error, started_at, finished_at)
                select s.run_id, s.path, s.seq, s.status, s.attempts, s.input::jsonb, s.output::jsonb, s.error::jsonb,
                       s.started_at::timestamptz, s.finished_at::timestamptz
                  from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                       as s(run_id, path, seq, status, attempts, input, output, error, started_at, finished_at)
                  join run on run.id = s.run_id
                on conflict (run_id, path) do update set status = excluded.status, attempts = excluded.attempts,
                       input = excluded.input, output = excluded.output, error = excluded.error,
                       started_at = excluded.started_at, finished_at = excluded.finished_at)
            """;

    /** Retention: the step records of the runs of the CTE {@code batch} marked {@code prunable} (composed by {@link RunStore#pruneHistory}). */
    static final String PRUNE = """
            , steps as (delete from step_runs s using batch b where b.prunable and s.run_id = b.id returning 1)
            """;

    /** The checkpoints a replay resumes after: finished steps, and failed ones whose output was kept (onError: continue). */
    private static final String COPY_CHECKPOINTS = """
            insert into step_runs (run_id, path, seq, status, attempts, input, output, error, started_at, finished_at)
            select ?, path, seq, status, attempts, input, output, error, started_at, finished_at
              from step_runs
             where run_id = ?
               and (%s or (status = %s and output is not null))
               and path <> ?
               and not starts_with(?, path || '.') and not starts_with(?, path || '[')"""
            .formatted(StatusSql.in("status", StepStatus.SUCCEEDED, StepStatus.SKIPPED), StatusSql.literal(StepStatus.FAILED));

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

    /**
     * Copies the finished steps of run {@code from} to run {@code to}, so a replay resumes after them.
     * Never the failed step's record, nor those of its container parents ({@code if}/{@code foreach}),
     * which the engine walks again.
     */
    public void copyCheckpoints(UUID from, UUID to, String failedStep) {
        jdbc.sql(COPY_CHECKPOINTS).params(to, from, failedStep, failedStep, failedStep).update();
    }

    /** A fresh retry budget for the step (an operator retry of a run that failed there). */
    public void resetAttempts(UUID runId, String path) {
        jdbc.sql("update step_runs set attempts = 0 where run_id = ? and path = ?").params(runId, path).update();
    }

    /** Binds the records for {@link #FROM_RUN} from parameter {@code i}; answers the next parameter index. */
    static int bind(Connection con, PreparedStatement ps, int i, List<SeqRecord> records, JsonColumns json)
            throws SQLException {
        return bindColumns(con, ps, i, records, json);
    }

    /** Binds every run's records for {@link #FOR_EACH_RUN} from parameter {@code i}; answers the next parameter index. */
    static int bindEach(Connection con, PreparedStatement ps, int i, Map<UUID, List<SeqRecord>> recordsByRun, JsonColumns json)
            throws SQLException {
        List<SeqRecord> all = new ArrayList<>();
        ps.setArray(i++, con.createArrayOf("uuid", RunRows.flatten(recordsByRun, all)));
        return bindColumns(con, ps, i, all, json);
    }

    private static int bindColumns(Connection con, PreparedStatement ps, int i, List<SeqRecord> records, JsonColumns json)
            throws SQLException {
        int n = records.size();
        String[] path = new String[n];
        Integer[] seq = new Integer[n];
        String[] status = new String[n];
        Integer[] attempts = new Integer[n];
        String[] input = new String[n];
        String[] output = new String[n];
        String[] error = new String[n];
        String[] started = new String[n];
        String[] finished = new String[n];
        for (int k = 0; k < n; k++) {
            StepRecord r = records.get(k).record();
            path[k] = r.path();
            seq[k] = records.get(k).seq();
            status[k] = r.status().wire();
            attempts[k] = r.attempts();
            input[k] = json.write(r.input());
            output[k] = json.write(r.output());
            error[k] = r.error() == null ? null : json.write(errorJson(r.error()));
            started[k] = r.startedAt() == null ? null : r.startedAt().toString();
            finished[k] = r.finishedAt() == null ? null : r.finishedAt().toString();
        }
        ps.setArray(i++, con.createArrayOf("text", path));
        ps.setArray(i++, con.createArrayOf("int4", seq));
        ps.setArray(i++, con.createArrayOf("text", status));
        ps.setArray(i++, con.createArrayOf("int4", attempts));
        ps.setArray(i++, con.createArrayOf("text", input));
        ps.setArray(i++, con.createArrayOf("text", output));
        ps.setArray(i++, con.createArrayOf("text", error));
        ps.setArray(i++, con.createArrayOf("text", started));
        ps.setArray(i++, con.createArrayOf("text", finished));
        return i;
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
