package dev.braid.connectors.sql;

import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code sql} action against the embedded database: a fresh table {@code keys(id, key)} whose rows
 * are the effects, and whose {@code key} column receives {@code :idempotencyKey}.
 */
final class SqlFixture implements ActionFixture {

    enum Kind { QUERY, EXECUTE, BATCH_INSERT }

    private final Kind kind;
    private final SqlConnector connector = new SqlConnector();
    private final String table = SqlTestDatabase.uniqueTable("contract");

    SqlFixture(Kind kind) {
        this.kind = kind;
        SqlTestDatabase.jdbcUrl();
        SqlTestDatabase.exec("create table " + table + " (id bigserial primary key, key text)");
    }

    @Override
    public Action action() {
        return connector.actions().get(switch (kind) {
            case QUERY -> "query";
            case EXECUTE -> "execute";
            case BATCH_INSERT -> "batchInsert";
        });
    }

    @Override
    public ObjectNode validInput() {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        switch (kind) {
            case QUERY -> {
                in.put("sql", "select key from " + table + " where key = :key");
                in.putObject("params").put("key", "x");
            }
            case EXECUTE -> in.put("sql", "insert into " + table + " (key) values (:idempotencyKey)");
            case BATCH_INSERT -> {
                in.put("table", table);
                in.putArray("rows").addObject().put("key", "a");
            }
        }
        return in;
    }

    @Override
    public JsonNode connection() {
        return SqlTestDatabase.connection();
    }

    // ActionFixture#secretValues (no @Override: the hook is recent)
    public List<String> secretValues() {
        return List.of(SqlTestDatabase.PASSWORD);
    }

    @Override
    public int effects() {
        return (int) SqlTestDatabase.count(table);
    }

    @Override
    public boolean forwardsIdempotencyKey() {
        return kind == Kind.EXECUTE;
    }

    @Override
    public List<String> idempotencyKeysReceived() {
        return SqlTestDatabase.strings("select key from " + table + " order by id");
    }

    @Override
    public Optional<JsonNode> transientFailureInput() {
        if (kind == Kind.BATCH_INSERT) {
            return Optional.empty();
        }
        // The server cancels the statement (SQLState 57014), as a statement timeout would.
        return Optional.of(JsonNodeFactory.instance.objectNode().put("sql", "select pg_cancel_backend(pg_backend_pid())"));
    }

    @Override
    public Optional<JsonNode> permanentFailureInput() {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        if (kind == Kind.BATCH_INSERT) {
            in.put("table", table);
            in.putArray("rows").addObject().put("no_such_column", 1);
        } else {
            in.put("sql", "insert into " + table + " (no_such_column) values (1)");
        }
        return Optional.of(in);
    }

    @Override
    public void close() {
        connector.close();
        SqlTestDatabase.exec("drop table " + table);
    }
}
