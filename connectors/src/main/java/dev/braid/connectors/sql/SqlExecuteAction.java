package dev.braid.connectors.sql;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import java.sql.PreparedStatement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code sql.execute {sql, params}} → {@code {updated}}: an INSERT, UPDATE, DELETE or DDL statement in its
 * own transaction. Use {@code :idempotencyKey} for upserts that a retried step must not repeat, e.g.
 * {@code insert into payments(key, amount) values (:idempotencyKey, :amount) on conflict (key) do nothing}.
 */
final class SqlExecuteAction implements Action {

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "sql": {"type": "string", "minLength": 1,
                        "description": "The statement, with named parameters such as :id (:: casts are kept). :idempotencyKey is the step's idempotency key, stable across retries: key upserts by it."},
                "params": {"type": "object",
                           "description": "Values of the named parameters: strings, numbers, booleans, null; objects and arrays are sent as JSON (jsonb on PostgreSQL)."}
              },
              "required": ["sql"],
              "additionalProperties": false
            }
            """);

    private final SqlStatements statements;

    SqlExecuteAction(SqlStatements statements) {
        this.statements = statements;
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    /** A typical {@code with:} block for the catalogue (Action#example). */
    @Override
    public JsonNode example() {
        return tools.jackson.databind.json.JsonMapper.shared().readTree("""
                {"sql": "insert into payments (key, amount, doc) values (:idempotencyKey, :amount, :doc::jsonb) on conflict (key) do nothing", "params": {"amount": 12.5, "doc": {"order": 7}}}
                """);
    }

    @Override
    public String description() {
        return "Runs one statement (insert, update, delete, DDL) in a transaction and returns {updated}, the rows it changed.";
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        SqlSettings settings = SqlSettings.from(ctx.connection());
        NamedSql sql = NamedSql.parse(with.get("sql").stringValue());
        JsonNode params = with.path("params");
        SqlStatements.requireParams(sql, params);
        if (ctx.dryRun()) {
            return ActionResult.of(SqlStatements.dryRun(sql, params, ctx));
        }
        long updated = statements.inTransaction(ctx, settings, (connection, timeout) -> {
            try (PreparedStatement ps = connection.prepareStatement(sql.jdbc())) {
                timeout.apply(ps);
                SqlStatements.bindParams(ps, sql, params, ctx, settings.postgres());
                ps.execute();
                return Math.max(0L, ps.getUpdateCount());
            }
        });
        return ActionResult.of(JsonNodeFactory.instance.objectNode().put("updated", updated));
    }
}
