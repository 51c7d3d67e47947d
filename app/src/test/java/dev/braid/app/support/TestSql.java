package dev.braid.app.support;

import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The questions tests ask the test database directly (what the API does not show: lease columns,
 * counts of rows): one place for the SQL, so a renamed column is fixed once.
 */
public final class TestSql {

    private final JdbcClient jdbc;

    public TestSql(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public JdbcClient jdbc() {
        return jdbc;
    }

    /** {@code select count(*) ...} with positional parameters. */
    public long count(String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    /** A run's status as stored. */
    public String runStatus(String runId) {
        return jdbc.sql("select status from runs where id = ?::uuid").param(runId).query(String.class).single();
    }

    /** A run's row as stored (every column). */
    public Map<String, Object> runRow(String runId) {
        return jdbc.sql("select * from runs where id = ?::uuid").param(runId).query().singleRow();
    }

    public long runCount(String recipe) {
        return count("select count(*) from runs where recipe = ?", recipe);
    }

    public long runCount(String recipe, String status) {
        return count("select count(*) from runs where recipe = ? and status = ?", recipe, status);
    }

    /** How many trigger events (fire times, webhooks, records, polled items) a recipe has recorded. */
    public long eventCount(String recipe) {
        return count("select count(*) from trigger_events where recipe = ?", recipe);
    }
}
