package dev.braid.connectors.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code core.reconcile {left, right, key, compare, tolerance, limit}}: compares two arrays of rows by
 * key (ARCHITECTURE §11, Reconciliation). {@code left} is the source of truth, {@code right} the copy checked:
 * a key only on the left is <em>missing</em> (the copy lacks it), a key only on the right is
 * <em>extra</em>, a key on both sides whose compared fields disagree is <em>different</em>.
 *
 * <p>Output: {@code {inSync, matched, missing: [left rows], extra: [right rows], different: [{key, field,
 * left, right}], changed: [left rows of the keys that differ], duplicates: {left: [{key, rows}], right},
 * counts: {left, right, matched, missing, extra, different, differentFields, duplicateLeft,
 * duplicateRight}, truncated, limit}}. {@code missing} plus {@code changed} is what a correction writes to
 * the copy, {@code extra} what it deletes. Value rules are {@link FieldValues}'s.
 *
 * <p>Pure: it only reads its input, so it also runs in a dry run.
 */
public final class ReconcileAction implements Action {

    static final int DEFAULT_LIMIT = 1000;

    private static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "left": {
                  "type": "array", "items": {"type": "object"},
                  "description": "The source of truth: rows as objects, e.g. {{ steps.orders.output.rows }}. A key found only here is 'missing' from the copy."
                },
                "right": {
                  "type": "array", "items": {"type": "object"},
                  "description": "The copy being checked, rows as objects. A key found only here is 'extra'."
                },
                "key": {
                  "type": ["string", "array"], "items": {"type": "string", "minLength": 1}, "minLength": 1,
                  "description": "The field that identifies a row on both sides, or a list of fields for a composite key (['store', 'orderNo']). Every row must have it; a null key is a value like any other. Within one side, a key held by several rows is reported under duplicates (the first row is compared, the others only counted)."
                },
                "compare": {
                  "type": "array", "items": {"type": "string", "minLength": 1},
                  "description": "The fields to compare. Default: every field of the left row except the key (fields only the right has are then ignored). Numbers compare by value (1 equals 1.0), types are not coerced (the string \\"1\\" differs from the number 1), an absent field equals null."
                },
                "tolerance": {
                  "type": ["number", "object"], "additionalProperties": {"type": "number"},
                  "description": "Absolute numeric tolerance: a number for every numeric field (0.01 makes 10.00 and 10.001 equal), or per field, {amount: 0.01}. Default: exact."
                },
                "limit": {
                  "type": "integer", "default": 1000,
                  "description": "At most this many items in each list (missing, extra, different, changed, duplicates); counts stay exact and truncated says whether a list was cut. 0 lists nothing."
                }
              },
              "required": ["left", "right", "key"],
              "additionalProperties": false
            }
            """);

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public boolean pure() {
        return true;
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"left": "{{ steps.orders.output.rows }}", "right": "{{ steps.report.output.rows }}", "key": "id",
                 "compare": ["status", "amount"], "tolerance": {"amount": 0.01}, "limit": 1000}
                """);
    }

    @Override
    public String description() {
        return "Compares two arrays of rows by key (left: source of truth, right: the copy) and returns the rows missing "
                + "from the copy, the extra ones and the differing fields, with exact counts; a hash join, one pass per side.";
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(withoutRows(with), "with");
        Reconciliation.Spec spec = new Reconciliation.Spec(key(with.get("key")), compare(with.get("compare")),
                tolerance(with.get("tolerance")), limit(with.get("limit")));
        long start = ctx.clock().millis();
        ObjectNode out = Reconciliation.run((ArrayNode) with.get("left"), (ArrayNode) with.get("right"), spec);
        JsonNode counts = out.get("counts");
        ctx.log().info("Reconciled " + counts.get("left") + " left rows with " + counts.get("right") + " right rows in "
                + (ctx.clock().millis() - start) + " ms: " + counts.get("matched") + " matched, " + counts.get("missing")
                + " missing, " + counts.get("extra") + " extra, " + counts.get("different") + " different");
        return ActionResult.of(out);
    }

    /**
     * The with-block with {@code left} and {@code right} emptied when they are arrays: the schema checks
     * everything else, and whether each row is an object is checked in the join's own pass over the rows
     * (Reconciliation), instead of a second walk over a million rows a side.
     */
    private static JsonNode withoutRows(JsonNode with) {
        if (!with.isObject()) {
            return with;
        }
        ObjectNode shallow = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : with.properties()) {
            boolean rows = ("left".equals(e.getKey()) || "right".equals(e.getKey())) && e.getValue().isArray();
            shallow.set(e.getKey(), rows ? shallow.arrayNode() : e.getValue());
        }
        return shallow;
    }

    private static List<String> key(JsonNode key) throws ActionException {
        if (key.isString()) {
            return List.of(key.stringValue());
        }
        List<String> fields = names(key);
        if (fields.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.key: name at least one field, e.g. key: id or key: [store, orderNo]");
        }
        Set<String> distinct = new HashSet<>(fields);
        if (distinct.size() != fields.size()) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.key: names a field twice: " + fields);
        }
        return List.copyOf(fields);
    }

    private static List<String> compare(JsonNode compare) {
        return compare == null ? null : List.copyOf(new java.util.LinkedHashSet<>(names(compare)));
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>(array.size());
        array.forEach(n -> names.add(n.stringValue()));
        return names;
    }

    private static Reconciliation.Tolerance tolerance(JsonNode tolerance) throws ActionException {
        if (tolerance == null) {
            return Reconciliation.Tolerance.NONE;
        }
        if (tolerance.isNumber()) {
            return new Reconciliation.Tolerance(nonNegative(tolerance, "with.tolerance"), Map.of());
        }
        Map<String, BigDecimal> byField = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : tolerance.properties()) {
            byField.put(e.getKey(), nonNegative(e.getValue(), "with.tolerance." + e.getKey()));
        }
        return new Reconciliation.Tolerance(null, Map.copyOf(byField));
    }

    private static BigDecimal nonNegative(JsonNode number, String path) throws ActionException {
        BigDecimal value = number.decimalValue();
        if (value.signum() < 0) {
            throw ActionException.fatal(JsonSchema.INVALID, path + ": a tolerance is a distance and cannot be negative; found " + number);
        }
        return value;
    }

    private static int limit(JsonNode limit) throws ActionException {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit.decimalValue().signum() < 0 || !limit.canConvertToInt()) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.limit: must be between 0 and " + Integer.MAX_VALUE + "; found " + limit);
        }
        return limit.intValue();
    }
}
