package dev.braid.app.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A run's log lines (written by {@link AttemptStore}) ({@code core.log}, connector and engine messages), per step. */
@Repository
public class RunLogStore {

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
