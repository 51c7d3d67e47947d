package dev.braid.connectors.sql;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code sql.batchInsert {table, rows, chunkSize}} → {@code {inserted}}: one multi-row INSERT per chunk,
 * all chunks in one transaction (a failing row anywhere inserts nothing). The columns are the union of
 * the rows' keys; a row without one of them gets the column's DEFAULT. Table and column names must be
 * plain identifiers and are quoted; values are always bound, never written into the SQL.
 */
final class SqlBatchInsertAction implements Action {

    private static final String IDENT = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern TABLE = Pattern.compile(IDENT + "(\\." + IDENT + ")?");
    private static final Pattern COLUMN = Pattern.compile(IDENT);
    /** PostgreSQL's limit of bind parameters in one statement. */
    private static final int MAX_PARAMETERS = 65_535;

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "table": {"type": "string", "minLength": 1,
                          "description": "Table to insert into: an identifier such as orders or sales.orders ([A-Za-z_][A-Za-z0-9_]*, optionally schema-qualified)."},
                "rows": {"type": "array", "items": {"type": "object"},
                         "description": "Rows as objects {column: value}; the columns are the union of their keys, a missing key takes the column default."},
                "chunkSize": {"type": "integer", "default": 1000,
                              "description": "Rows per INSERT statement (default 1000); all chunks share one transaction."}
              },
              "required": ["table", "rows"],
              "additionalProperties": false
            }
            """);

    private final SqlStatements statements;

    SqlBatchInsertAction(SqlStatements statements) {
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
                {"table": "sales.order_lines", "rows": [{"order_id": 7, "sku": "A-1", "qty": 2}, {"order_id": 7, "sku": "B-9", "qty": 1}], "chunkSize": 1000}
                """);
    }

    @Override
    public String description() {
        return "Inserts many rows into one table in a single transaction and returns {inserted}.";
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        String table = with.get("table").stringValue();
        if (!TABLE.matcher(table).matches()) {
            throw ActionException.fatal(JsonSchema.INVALID,
                    "with.table: '" + table + "' is not a table name; write name or schema.name ([A-Za-z_][A-Za-z0-9_]*)");
        }
        int chunkSize = with.has("chunkSize") ? with.get("chunkSize").asInt() : 1000;
        if (chunkSize < 1) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.chunkSize: must be at least 1");
        }
        List<JsonNode> rows = new ArrayList<>();
        with.get("rows").forEach(rows::add);
        Set<String> columnSet = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            for (String column : row.propertyNames()) {
                if (!COLUMN.matcher(column).matches()) {
                    throw ActionException.fatal(JsonSchema.INVALID,
                            "with.rows: '" + column + "' is not a column name ([A-Za-z_][A-Za-z0-9_]*)");
                }
                columnSet.add(column);
            }
        }
        List<String> columns = List.copyOf(columnSet);
        SqlSettings settings = SqlSettings.from(ctx.connection());
        if (rows.isEmpty()) {
            return ActionResult.of(JsonNodeFactory.instance.objectNode().put("inserted", 0));
        }
        if (columns.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.rows: the rows name no columns");
        }
        int perStatement = Math.max(1, Math.min(chunkSize, MAX_PARAMETERS / columns.size()));
        String prefix = "INSERT INTO " + quoteTable(table) + " ("
                + String.join(", ", columns.stream().map(SqlBatchInsertAction::quote).toList()) + ") VALUES ";
        if (ctx.dryRun()) {
            // The rows are the input as given, bound column by column in this order, perStatement rows a statement.
            var out = SqlStatements.dryRun(prefix + "(" + "?, ".repeat(columns.size() - 1) + "?), …");
            var names = out.putArray("columns");
            columns.forEach(names::add);
            out.put("rows", rows.size());
            out.put("statements", (rows.size() + perStatement - 1) / perStatement);
            return ActionResult.of(out);
        }
        long inserted = statements.inTransaction(ctx, settings, (connection, timeout) -> {
            long count = 0;
            for (int from = 0; from < rows.size(); from += perStatement) {
                List<JsonNode> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
                StringBuilder sql = new StringBuilder(prefix);
                for (int r = 0; r < chunk.size(); r++) {
                    sql.append(r == 0 ? "(" : ", (");
                    for (int c = 0; c < columns.size(); c++) {
                        if (c > 0) {
                            sql.append(", ");
                        }
                        sql.append(chunk.get(r).has(columns.get(c)) ? "?" : "DEFAULT");
                    }
                    sql.append(')');
                }
                try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                    timeout.apply(ps);
                    int index = 1;
                    for (JsonNode row : chunk) {
                        for (String column : columns) {
                            if (row.has(column)) {
                                SqlValues.bind(ps, index++, row.get(column), settings.postgres());
                            }
                        }
                    }
                    count += ps.executeUpdate();
                }
            }
            return count;
        });
        return ActionResult.of(JsonNodeFactory.instance.objectNode().put("inserted", inserted));
    }

    private static String quoteTable(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? quote(table) : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    /** Safe because names are validated identifiers: they contain no quote. */
    private static String quote(String identifier) {
        return "\"" + identifier + "\"";
    }
}
