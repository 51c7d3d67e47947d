package dev.braid.connectors.sql;

import dev.braid.engine.spi.ActionException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;

/**
 * Turns a {@link SQLException} into an {@link ActionException} by its SQLState: lost connections
 * (class 08), serialization failures and deadlocks (40001, 40P01), cancelled statements (57014) and
 * exhausted resources (class 53) are worth another attempt; constraint (23), syntax (42), data (22)
 * and every other error are not. The password never appears in a message.
 */
final class SqlFailure {

    static final String TIMEOUT = "sql.timeout";
    static final String ERROR = "sql.error";

    private SqlFailure() {}

    static ActionException classify(SQLException e, SqlSettings settings) {
        String state = e.getSQLState();
        String text = settings.scrub(e.getMessage());
        String message = "SQLState " + (state == null ? "unknown" : state) + ": " + text;
        if ("57014".equals(state) || e instanceof SQLTimeoutException) {
            return ActionException.retryable(TIMEOUT, "statement timed out or was cancelled (" + message + ")");
        }
        if (state != null && state.startsWith("08")) {
            return ActionException.retryable("sql.connection", message);
        }
        if ("40001".equals(state) || "40P01".equals(state)) {
            return ActionException.retryable("sql.conflict", message);
        }
        if (state != null && state.startsWith("53")) {
            return ActionException.retryable("sql.resources", message);
        }
        if (state == null && (e instanceof SQLTransientException || e instanceof SQLRecoverableException)) {
            return ActionException.retryable("sql.connection", message);
        }
        // 23xxx, 42xxx, 22xxx and anything unknown: the same statement fails the same way again.
        return ActionException.fatal(ERROR, message);
    }
}
