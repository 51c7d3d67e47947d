package dev.braid.connectors.sql;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a step's statements in one transaction on a pooled connection, under a timeout: the connection's
 * {@code statementTimeout} capped by the step's deadline, enforced both by JDBC
 * ({@code setQueryTimeout}, whole seconds rounded up) and, on PostgreSQL, by
 * {@code SET LOCAL statement_timeout} (milliseconds, within the transaction only).
 */
final class SqlStatements {

    /** The named parameter every statement may use: the step's idempotency key. */
    static final String IDEMPOTENCY_KEY = "idempotencyKey";

    private final SqlConnector connector;

    SqlStatements(SqlConnector connector) {
        this.connector = connector;
    }

    interface Work<T> {
        T run(Connection connection, Timeout timeout) throws SQLException, ActionException;
    }

    /** The statement timeout for this step, and how to apply it to one statement. */
    record Timeout(Duration duration) {
        int seconds() {
            long ms = Math.max(1, duration.toMillis());
            return (int) Math.min(Integer.MAX_VALUE, (ms + 999) / 1000);
        }

        void apply(Statement statement) throws SQLException {
            statement.setQueryTimeout(seconds());
        }
    }

    <T> T inTransaction(ActionContext ctx, SqlSettings settings, Work<T> work) throws ActionException {
        Duration remaining = ctx.remaining();
        if (remaining.toMillis() < 1) {
            throw ActionException.retryable(SqlFailure.TIMEOUT, "the step's deadline passed before the statement ran");
        }
        Timeout timeout = new Timeout(settings.statementTimeout().compareTo(remaining) < 0
                ? settings.statementTimeout() : remaining);
        try (Connection connection = connector.pool(settings).getConnection()) {
            try {
                if (connection.getAutoCommit()) {
                    connection.setAutoCommit(false);
                }
                if (settings.postgres()) {
                    try (Statement set = connection.createStatement()) {
                        // A number, never user text: SET cannot take a bind parameter.
                        set.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.duration().toMillis()));
                    }
                }
                T result = work.run(connection, timeout);
                connection.commit();
                return result;
            } catch (SQLException | ActionException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw SqlFailure.classify(e, settings);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool will discard it
        }
    }

    /** Checks that every {@code :name} has a value before anything is sent to the database. */
    static void requireParams(NamedSql sql, JsonNode params) throws ActionException {
        for (String name : sql.names()) {
            if (!IDEMPOTENCY_KEY.equals(name) && (params == null || !params.has(name))) {
                throw ActionException.fatal(JsonSchema.INVALID,
                        "with.params." + name + ": the statement uses :" + name + " but params has no '" + name + "'");
            }
        }
    }

    /** Binds {@code :name} placeholders in order; {@code :idempotencyKey} is the step's key. */
    static void bindParams(PreparedStatement ps, NamedSql sql, JsonNode params, ActionContext ctx, boolean postgres)
            throws SQLException {
        int index = 1;
        for (String name : sql.names()) {
            JsonNode value = IDEMPOTENCY_KEY.equals(name)
                    ? JsonNodeFactory.instance.stringNode(ctx.idempotencyKey())
                    : params.get(name);
            SqlValues.bind(ps, index++, value, postgres);
        }
    }

    static ObjectNode dryRun(String sql) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("dryRun", true);
        out.put("sql", sql);
        return out;
    }

    /**
     * What a dry run would have executed: the statement as written, as sent to the driver ({@code ?} for each
     * {@code :name}), and the values bound to those places in order, the step idempotency key included.
     */
    static ObjectNode dryRun(NamedSql sql, JsonNode params, ActionContext ctx) {
        ObjectNode out = dryRun(sql.original());
        out.put("statement", sql.jdbc());
        ArrayNode bound = out.putArray("parameters");
        for (String name : sql.names()) {
            JsonNode value = IDEMPOTENCY_KEY.equals(name)
                    ? JsonNodeFactory.instance.stringNode(ctx.idempotencyKey())
                    : params.get(name);
            bound.addObject().put("name", name).set("value", value == null ? JsonNodeFactory.instance.nullNode() : value);
        }
        return out;
    }
}
