package dev.braid.app.support;

import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The questions tests ask the test database directly (what the API does not show: lease columns,
 * counts of rows): one place for the SQL, so a renamed column is fixed once.
 */
public final class TestSql {

    /**
     * How many replication slots of that name are being read and have reached their consistent point.
     * "active" alone is not enough: while a slot is created it is active but still waits for the
     * transactions running then (up to a running-xacts record, every 15 s), and a change committed
     * before it is consistent is never decoded.
     */
    public static String streamingSlots(String slot) {
        return "select count(*) from pg_replication_slots where slot_name = '" + slot.replace("'", "''")
                + "' and active and confirmed_flush_lsn is not null";
    }

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

    /** True once a CDC reader streams from {@code slot}: changes committed from now on are delivered. */
    public boolean slotStreaming(String slot) {
        return count(streamingSlots(slot)) == 1;
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
