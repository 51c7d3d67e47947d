package dev.braid.connectors.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * {@code sql.query}, {@code sql.execute} and {@code sql.batchInsert} over JDBC (PostgreSQL first).
 * Keeps one HikariCP pool per distinct connection (url, username, password, schema), opened on first
 * use and closed by {@link #close()}. The first step to use a connection fixes its pool size.
 */
public final class SqlConnector implements Connector, AutoCloseable {

    private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

    private final Map<SqlSettings.PoolKey, HikariDataSource> pools = new ConcurrentHashMap<>();
    private final Map<String, Action> actions;

    public SqlConnector() {
        SqlStatements statements = new SqlStatements(this);
        actions = Map.of(
                "query", new SqlQueryAction(statements),
                "execute", new SqlExecuteAction(statements),
                "batchInsert", new SqlBatchInsertAction(statements));
    }

    @Override
    public String name() {
        return "sql";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public JsonNode connectionSchema() {
        return SqlSettings.SCHEMA.node();
    }

    @Override
    public String description() {
        return "Query and change relational databases over JDBC (PostgreSQL first): queries, statements, bulk inserts.";
    }

    /**
     * {@code select 1} on a connection of its own (not the steps' pool, whose waits would hide why it cannot
     * connect), within the deadline; answers the database's product and version.
     */
    @Override
    public Optional<String> testConnection(ActionContext context) throws ActionException {
        SqlSettings settings = SqlSettings.from(context.connection());
        String seconds = Long.toString(Math.max(1, context.remaining().toSeconds()));
        java.util.Properties properties = new java.util.Properties();
        if (settings.username() != null) {
            properties.setProperty("user", settings.username());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        // PostgreSQL's driver reads these; others ignore them and keep their own defaults.
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        try (java.sql.Connection connection = java.sql.DriverManager.getDriver(settings.url()).connect(settings.url(), properties)) {
            if (connection == null) {
                throw ActionException.fatal(SqlFailure.ERROR, "no JDBC driver accepts " + settings.scrub(settings.url()));
            }
            if (settings.schema() != null) {
                connection.setSchema(settings.schema());
            }
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.setQueryTimeout((int) Math.max(1, context.remaining().toSeconds()));
                try (java.sql.ResultSet rs = statement.executeQuery("select 1")) {
                    rs.next();
                }
            }
            java.sql.DatabaseMetaData meta = connection.getMetaData();
            return Optional.of("select 1 answered by " + meta.getDatabaseProductName() + " "
                    + meta.getDatabaseProductVersion() + " at " + settings.scrub(settings.url()));
        } catch (java.sql.SQLException e) {
            throw ActionException.fatal(SqlFailure.ERROR, "select 1 failed on " + settings.scrub(settings.url()) + ": "
                    + settings.scrub(e.getMessage()));
        }
    }

    /** The pool for these settings, opened on first use. */
    HikariDataSource pool(SqlSettings settings) throws ActionException {
        try {
            return pools.computeIfAbsent(settings.poolKey(), key -> open(settings));
        } catch (RuntimeException e) {
            // No driver for the URL, or a setting the driver refuses: the connection is misconfigured.
            throw ActionException.fatal(SqlFailure.ERROR,
                    "cannot open a connection pool for " + settings.scrub(settings.url()) + ": " + settings.scrub(e.getMessage()));
        }
    }

    private static HikariDataSource open(SqlSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("braid-sql-" + POOL_NUMBER.incrementAndGet());
        config.setJdbcUrl(settings.url());
        if (settings.username() != null) {
            config.setUsername(settings.username());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        if (settings.schema() != null) {
            if (settings.url().startsWith("jdbc:postgresql:")) {
                // A startup parameter of the session, not a SET: the pool's connections are not in auto-commit, so
                // the SET that Hikari's setSchema sends would sit in the first transaction and be undone when that
                // transaction rolls back (a failed poll), leaving the session on the default search_path for good.
                config.addDataSourceProperty("currentSchema", settings.schema());
            } else {
                config.setSchema(settings.schema());
            }
        }
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setMinimumIdle(0);
        config.setAutoCommit(false);
        // Waiting for a connection counts like a statement: an unreachable database fails the step (retryably) soon.
        config.setConnectionTimeout(Math.clamp(settings.statementTimeout().toMillis(), 1_000L, 30_000L));
        // Do not connect now: an unreachable database is a retryable step failure, not a broken connector.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** How many pools are open (for tests and metrics). */
    int openPools() {
        return pools.size();
    }

    @Override
    public void close() {
        List<HikariDataSource> open = new ArrayList<>(pools.values());
        pools.clear();
        open.forEach(HikariDataSource::close);
    }
}
