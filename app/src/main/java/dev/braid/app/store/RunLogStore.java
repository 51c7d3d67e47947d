package dev.braid.app.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A run's log lines ({@code core.log}, connector and engine messages), per step. */
@Repository
public class RunLogStore {

    /** Longer messages are cut: a log line is for people, and a runaway loop must not fill the disk. */
    static final int MAX_MESSAGE = 8_192;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    public RunLogStore(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    public record LogLine(String stepPath, String level, String message, Instant at) {}

    public void insert(UUID runId, List<LogLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        template.batchUpdate("insert into run_logs (run_id, step_path, level, message, at) values (?, ?, ?, ?, ?)",
                lines, lines.size(), (ps, l) -> {
                    ps.setObject(1, runId);
                    ps.setString(2, l.stepPath());
                    ps.setString(3, l.level());
                    String m = l.message() == null ? "" : l.message();
                    ps.setString(4, m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + " [cut]" : m);
                    ps.setTimestamp(5, Timestamp.from(l.at()));
                });
    }

    public List<LogLine> forRun(UUID runId) {
        return jdbc.sql("select step_path, level, message, at from run_logs where run_id = ? order by id")
                .param(runId)
                .query((rs, n) -> new LogLine(rs.getString("step_path"), rs.getString("level"),
                        rs.getString("message"), rs.getTimestamp("at").toInstant()))
                .list();
    }
}
