package dev.braid.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import dev.braid.engine.run.StepRecord;

/**
 * What a running attempt writes, each write one SQL statement (one round trip, one commit): the
 * runs-row update that proves this node still holds the lease — renewing it at a checkpoint, ending
 * the attempt at the end — together with the step records, log lines and dead letter, which are
 * written only if that update found the row. A lost lease therefore writes nothing at all.
 *
 * <p>Step records and log lines travel as parallel arrays and are unnested in the statement; every
 * path appears once per write (the journal keeps only the latest record of a path).
 */
@Repository
public class AttemptStore {

    private static final String STEPS_AND_LOGS = """
            , steps as (
                insert into step_runs (run_id, path, seq, status, attempts, input, output, error, started_at, finished_at)
                select run.id, s.path, s.seq, s.status, s.attempts, s.input::jsonb, s.output::jsonb, s.error::jsonb,
                       s.started_at::timestamptz, s.finished_at::timestamptz
                  from run, unnest(?::text[], ?::int[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                       as s(path, seq, status, attempts, input, output, error, started_at, finished_at)
                on conflict (run_id, path) do update set status = excluded.status, attempts = excluded.attempts,
                       input = excluded.input, output = excluded.output, error = excluded.error,
                       started_at = excluded.started_at, finished_at = excluded.finished_at)
            , logs as (
                insert into run_logs (run_id, step_path, level, message, at)
                select run.id, l.step, l.level, l.message, l.at::timestamptz
                  from run, unnest(?::text[], ?::text[], ?::text[], ?::text[]) as l(step, level, message, at))
            """;

    private static final String CHECKPOINT = """
            with run as (
                update runs set locked_until = now() + make_interval(secs => ?)
                 where id = ? and locked_by = ? and status = 'running'
                returning id)
            """ + STEPS_AND_LOGS + "select count(*) from run";

    /**
     * Ends the attempt. Besides the runs-row update, step records, log lines and dead letter, the same
     * statement (all only if the lease fence matched) creates the child run a {@code call:} step waits
     * for, the run {@code onError.notify} starts, and wakes the parent waiting for this run when this
     * one ended for good.
     */
    private static final String FINISH = """
            with run as (
                update runs set status = ?, output = ?::jsonb, error = ?::jsonb, locked_by = null, locked_until = null,
                       finished_at = case when ? then now() else null end,
                       next_attempt_at = case when ? then 'infinity'::timestamptz else coalesce(?, next_attempt_at) end,
                       wait_reason = ?, dead_letter_id = ?
                 where id = ? and locked_by = ? and status = 'running'
                returning id, parent_run_id)
            """ + STEPS_AND_LOGS + """
            , dead as (
                insert into dead_letters (id, run_id, recipe, step, error, payload)
                select ?::uuid, run.id, ?, ?, ?::jsonb, ?::jsonb from run where ?::uuid is not null)
            , started as (
                insert into runs (id, recipe, recipe_version, status, origin, parent_run_id, parent_step, trigger,
                                  concurrency_key, concurrency_limit)
                select s.id, s.recipe, s.version, 'queued', s.origin,
                       case when s.origin = 'call' then run.id end, s.step, s.trigger::jsonb, s.ckey, s.climit
                  from run, unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[])
                       as s(id, recipe, version, origin, step, trigger, ckey, climit)
                on conflict (id) do nothing)
            , wake as (
                update runs parent set status = 'queued', next_attempt_at = now(), wait_reason = null
                  from run
                 where ? and parent.id = run.parent_run_id and parent.status = 'waiting')
            select count(*) from run""";

    private final JdbcTemplate jdbc;
    private final JsonColumns json;

    public AttemptStore(JdbcTemplate jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * How an attempt ends: a final status with output or error; {@code retrying} with its next attempt
     * time; or {@code waiting} for {@code waitReason} until {@code nextAttemptAt}, or — with
     * {@code untilWoken} — until a child run wakes it. {@code started} are runs to create with it
     * (the called child, the notified recipe's run).
     */
    public record Ending(String status, boolean finished, String outputJson, String errorJson, Instant nextAttemptAt,
                         boolean untilWoken, String waitReason, DeadLetter deadLetter, List<StartedRun> started) {

        public Ending {
            started = started == null ? List.of() : List.copyOf(started);
        }

        public static Ending finished(String status, String outputJson, String errorJson, DeadLetter deadLetter,
                                      List<StartedRun> started) {
            return new Ending(status, true, outputJson, errorJson, null, false, null, deadLetter, started);
        }

        public static Ending retrying(String errorJson, Instant nextAttemptAt) {
            return new Ending("retrying", false, null, errorJson, nextAttemptAt, false, null, null, List.of());
        }

        public static Ending waiting(String reason, Instant until, StartedRun child) {
            return new Ending("waiting", false, null, null, until, until == null, reason, null,
                    child == null ? List.of() : List.of(child));
        }
    }

    /**
     * A run created by the statement that ends another: {@code origin} {@code call} (its parent is the
     * ending run, {@code parentStep} the call step) or {@code notify}. Queued, never pre-leased.
     */
    public record StartedRun(UUID id, String recipe, int version, String origin, String parentStep, String triggerJson,
                             String concurrencyKey, Integer concurrencyLimit) {}

    public record DeadLetter(UUID id, String recipe, String step, String errorJson, String payloadJson) {}

    /** Renews the lease and writes records and lines; false (nothing written) when the lease was lost. */
    public boolean checkpoint(UUID runId, String node, Duration lease, List<StepStore.SeqRecord> records,
                              List<RunLogStore.LogLine> lines) {
        return execute(CHECKPOINT, (con, ps) -> {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setObject(2, runId);
            ps.setString(3, node);
            bindStepsAndLogs(con, ps, 4, records, lines);
        });
    }

    /** Ends the attempt; false (nothing written) when the lease was lost and another node owns the run. */
    public boolean finish(UUID runId, String node, Ending ending, List<StepStore.SeqRecord> records,
                          List<RunLogStore.LogLine> lines) {
        return execute(FINISH, (con, ps) -> {
            DeadLetter dead = ending.deadLetter();
            int i = 1;
            ps.setString(i++, ending.status());
            ps.setString(i++, ending.outputJson());
            ps.setString(i++, ending.errorJson());
            ps.setBoolean(i++, ending.finished());
            ps.setBoolean(i++, ending.untilWoken());
            ps.setTimestamp(i++, ending.nextAttemptAt() == null ? null : Timestamp.from(ending.nextAttemptAt()));
            ps.setString(i++, ending.waitReason());
            ps.setObject(i++, dead == null ? null : dead.id());
            ps.setObject(i++, runId);
            ps.setString(i++, node);
            i = bindStepsAndLogs(con, ps, i, records, lines);
            String deadId = dead == null ? null : dead.id().toString();
            ps.setString(i++, deadId);
            ps.setString(i++, dead == null ? null : dead.recipe());
            ps.setString(i++, dead == null ? null : dead.step());
            ps.setString(i++, dead == null ? null : dead.errorJson());
            ps.setString(i++, dead == null ? null : dead.payloadJson());
            ps.setString(i++, deadId);
            List<StartedRun> started = ending.started();
            ps.setArray(i++, con.createArrayOf("uuid", started.stream().map(StartedRun::id).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(StartedRun::recipe).toArray()));
            ps.setArray(i++, con.createArrayOf("int4", started.stream().map(StartedRun::version).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(StartedRun::origin).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(StartedRun::parentStep).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(StartedRun::triggerJson).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(StartedRun::concurrencyKey).toArray()));
            ps.setArray(i++, con.createArrayOf("int4", started.stream().map(StartedRun::concurrencyLimit).toArray()));
            ps.setBoolean(i, ending.finished());
        });
    }

    @FunctionalInterface
    private interface Binder {
        void bind(Connection con, PreparedStatement ps) throws SQLException;
    }

    private boolean execute(String sql, Binder binder) {
        Long found = jdbc.execute((Connection con) -> {
            try (PreparedStatement ps = con.prepareStatement(sql)) {
                binder.bind(con, ps);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return found != null && found == 1;
    }

    private int bindStepsAndLogs(Connection con, PreparedStatement ps, int from, List<StepStore.SeqRecord> records,
                                 List<RunLogStore.LogLine> lines) throws SQLException {
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
            error[k] = r.error() == null ? null : json.write(StepStore.errorJson(r.error()));
            started[k] = r.startedAt() == null ? null : r.startedAt().toString();
            finished[k] = r.finishedAt() == null ? null : r.finishedAt().toString();
        }
        int m = lines.size();
        String[] step = new String[m];
        String[] level = new String[m];
        String[] message = new String[m];
        String[] at = new String[m];
        for (int k = 0; k < m; k++) {
            RunLogStore.LogLine l = lines.get(k);
            step[k] = l.stepPath();
            level[k] = l.level();
            message[k] = RunLogStore.cut(l.message());
            at[k] = l.at().toString();
        }
        int i = from;
        ps.setArray(i++, con.createArrayOf("text", path));
        ps.setArray(i++, con.createArrayOf("int4", seq));
        ps.setArray(i++, con.createArrayOf("text", status));
        ps.setArray(i++, con.createArrayOf("int4", attempts));
        ps.setArray(i++, con.createArrayOf("text", input));
        ps.setArray(i++, con.createArrayOf("text", output));
        ps.setArray(i++, con.createArrayOf("text", error));
        ps.setArray(i++, con.createArrayOf("text", started));
        ps.setArray(i++, con.createArrayOf("text", finished));
        ps.setArray(i++, con.createArrayOf("text", step));
        ps.setArray(i++, con.createArrayOf("text", level));
        ps.setArray(i++, con.createArrayOf("text", message));
        ps.setArray(i++, con.createArrayOf("text", at));
        return i;
    }
}
