package dev.braid.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A run's log lines ({@code core.log}, connector and engine messages), per step. An attempt's lines
 * are inserted by {@link #FROM_RUN} inside the statement that proves its lease ({@link RunStore}).
 */
@Repository
public class RunLogStore {

    /** Retention: the log lines of the runs of the CTE {@code batch} marked {@code prunable} (composed by {@link RunStore#pruneHistory}). */
    static final String PRUNE = """
            , logs as (delete from run_logs l using batch b where b.prunable and l.run_id = b.id returning 1)
            """;

    /** A CTE inserting the lines bound by {@link #bind} for the run of the CTE {@code run}. Four parameters. */
    static final String FROM_RUN = """
            , logs as (
                insert into run_logs (run_id, step_path, level, message, at)
                select run.id, l.step, l.level, l.message, l.at::timestamptz
                  from run, unnest(?::text[], ?::text[], ?::text[], ?::text[]) as l(step, level, message, at))
            """;

    /** As {@link #FROM_RUN} with each line's run id ({@link #bindEach}, five parameters), for the runs the CTE {@code run} returned. */
    static final String FOR_EACH_RUN = """
            , logs as (
                insert into run_logs (run_id, step_path, level, message, at)
                select l.run_id, l.step, l.level, l.message, l.at::timestamptz
                  from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[]) as l(run_id, step, level, message, at)
                  join run on run.id = l.run_id)
            """;

    /** Longer messages are cut: a log line is for people, and a runaway loop must not fill the disk. */
    static final int MAX_MESSAGE = 8_192;

    private final JdbcClient jdbc;

    public RunLogStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record LogLine(String stepPath, String level, String message, Instant at) {}

    /** Cuts an over-long message, saying so. */
    static String cut(String message) {
        String m = message == null ? "" : message;
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + " [cut]" : m;
    }

    /** Binds the lines for {@link #FROM_RUN} from parameter {@code i}; answers the next parameter index. */
    static int bind(Connection con, PreparedStatement ps, int i, List<LogLine> lines) throws SQLException {
        return bindColumns(con, ps, i, lines);
    }

    /** Binds every run's lines for {@link #FOR_EACH_RUN} from parameter {@code i}; answers the next parameter index. */
    static int bindEach(Connection con, PreparedStatement ps, int i, Map<UUID, List<LogLine>> linesByRun) throws SQLException {
        List<LogLine> all = new ArrayList<>();
        ps.setArray(i++, con.createArrayOf("uuid", RunRows.flatten(linesByRun, all)));
        return bindColumns(con, ps, i, all);
    }

    private static int bindColumns(Connection con, PreparedStatement ps, int i, List<LogLine> lines) throws SQLException {
        int m = lines.size();
        String[] step = new String[m];
        String[] level = new String[m];
        String[] message = new String[m];
        String[] at = new String[m];
        for (int k = 0; k < m; k++) {
            LogLine l = lines.get(k);
            step[k] = l.stepPath();
            level[k] = l.level();
            message[k] = cut(l.message());
            at[k] = l.at().toString();
        }
        ps.setArray(i++, con.createArrayOf("text", step));
        ps.setArray(i++, con.createArrayOf("text", level));
        ps.setArray(i++, con.createArrayOf("text", message));
        ps.setArray(i++, con.createArrayOf("text", at));
        return i;
    }

    /** A line about the run as a whole (an operator's action, a cancellation), not from one of its steps. */
    public void note(UUID runId, String level, String message) {
        jdbc.sql("insert into run_logs (run_id, step_path, level, message) values (?, null, ?, ?)")
                .params(runId, level, message).update();
    }

    public List<LogLine> forRun(UUID runId) {
        return jdbc.sql("select step_path, level, message, at from run_logs where run_id = ? order by id")
                .param(runId)
                .query((rs, n) -> new LogLine(rs.getString("step_path"), rs.getString("level"),
                        rs.getString("message"), rs.getTimestamp("at").toInstant()))
                .list();
    }
}
