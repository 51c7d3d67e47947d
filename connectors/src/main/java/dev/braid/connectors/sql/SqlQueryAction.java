package dev.braid.connectors.sql;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sql.query {sql, params}} → {@code {rows: [{column: value}], rowCount}}. Values come back typed:
 * numbers as numbers (numeric keeps its precision), timestamps as ISO-8601 strings (timestamptz in UTC),
 * json/jsonb parsed, bytea as base64, arrays as arrays.
 */
final class SqlQueryAction implements Action {

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "sql": {"type": "string", "minLength": 1,
                        "description": "The statement, with named parameters such as :id (:: casts are kept). :idempotencyKey is the step's idempotency key, stable across retries."},
                "params": {"type": "object",
                           "description": "Values of the named parameters: strings, numbers, booleans, null; objects and arrays are sent as JSON (jsonb on PostgreSQL)."}
              },
              "required": ["sql"],
              "additionalProperties": false
            }
            """);

    private final SqlStatements statements;

    SqlQueryAction(SqlStatements statements) {
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
                {"sql": "select id, total from orders where customer_id = :customer and created_at >= :since", "params": {"customer": "{{ trigger.body.customerId }}", "since": "2024-01-01T00:00:00Z"}}
                """);
    }

    @Override
    public String description() {
        return "Runs a query and returns its rows as {rows, rowCount}, keyed by column label.";
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
        return ActionResult.of(statements.inTransaction(ctx, settings, (connection, timeout) -> {
            ArrayNode rows = JsonNodeFactory.instance.arrayNode();
            try (PreparedStatement ps = connection.prepareStatement(sql.jdbc())) {
                timeout.apply(ps);
                SqlStatements.bindParams(ps, sql, params, ctx, settings.postgres());
                if (ps.execute()) {
                    try (ResultSet rs = ps.getResultSet()) {
                        ResultSetMetaData meta = rs.getMetaData();
                        while (rs.next()) {
                            rows.add(SqlValues.row(rs, meta));
                        }
                    }
                }
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("rows", rows);
            out.put("rowCount", rows.size());
            return out;
        }));
    }
}
