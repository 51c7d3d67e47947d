package dev.braid.engine.parse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Durations;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Typed reading of one mapping of a recipe: every getter answers the value, or null when it is
 * absent or wrong, and reports what is wrong with the path and place of the offending value. A
 * field written with no value ({@code description:}) counts as absent.
 */
final class Fields {

    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final Expressions expressions;

    Fields(JsonNode node, String path, Problems problems, Expressions expressions) {
        this.node = node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node;
        this.path = path;
        this.problems = problems;
        this.expressions = expressions;
    }

    String path() {
        return path;
    }

    JsonNode node() {
        return node;
    }

    String path(String name) {
        return Positions.child(path, name);
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** The value as written, or null when absent or null. */
    JsonNode get(String name) {
        return has(name) ? node.get(name) : null;
    }

    // ---- shape -------------------------------------------------------------------------------

    /** Reports every field not in {@code allowed}, suggesting the nearest allowed name. */
    void allowOnly(List<String> allowed) {
        allowOnly(allowed, name -> "");
    }

    /** As {@link #allowOnly(List)}; {@code hint} may add a sentence about a field it recognises. */
    void allowOnly(List<String> allowed, Function<String, String> hint) {
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                String extra = hint.apply(name);
                String message = allowed.isEmpty()
                        ? "Unknown field '" + name + "'" + (extra.isEmpty() ? "; this takes no fields" : extra)
                        : "Unknown field '" + name + "'; allowed fields: " + String.join(", ", allowed)
                                + Closest.didYouMean(name, allowed) + extra;
                problems.atKey(path(name), message);
            }
        }
    }

    void missing(String name, String hint) {
        problems.atKey(path, "Missing required field '" + name + "'" + (hint.isEmpty() ? "" : "; " + hint));
    }

    void problem(String name, String message) {
        problems.atValue(path(name), message);
    }

    void problemAtKey(String name, String message) {
        problems.atKey(path(name), message);
    }

    /** A nested mapping; null when absent (or reported when not a mapping). */
    Fields object(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            problem(name, "'" + name + "' must be a mapping of fields (key: value lines or { ... }); found " + found(v));
            return null;
        }
        return new Fields(v, path(name), problems, expressions);
    }

    /** A list; null when absent (or reported when not a list). */
    ArrayNode list(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            problem(name, "'" + name + "' must be a list (lines starting with '- ' or [ ... ]); found " + found(v));
            return null;
        }
        return (ArrayNode) v;
    }

    // ---- scalars -----------------------------------------------------------------------------

    String text(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isString()) {
            String quoteHint = v.isValueNode() ? " (put it in quotes to make it text)" : "";
            problem(name, "'" + name + "' must be text; found " + found(v) + quoteHint);
            return null;
        }
        return v.asString();
    }

    String requiredText(String name, String hint) {
        if (!has(name)) {
            missing(name, hint);
            return null;
        }
        String s = text(name);
        if (s != null && s.isBlank()) {
            problem(name, "'" + name + "' is empty; " + hint);
            return null;
        }
        return s;
    }

    Boolean bool(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            problem(name, "'" + name + "' must be true or false; found " + found(v));
            return null;
        }
        return v.asBoolean();
    }

    /** A whole number from {@code min} to {@code max}. */
    Integer integer(String name, int min, int max) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        String range = max == Integer.MAX_VALUE ? " of at least " + min : " from " + min + " to " + max;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            problem(name, "'" + name + "' must be a whole number" + range + "; found " + found(v));
            return null;
        }
        return v.intValue();
    }

    Double number(String name, double min) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || v.doubleValue() < min) {
            problem(name, "'" + name + "' must be a number of at least " + plain(min) + "; found " + found(v));
            return null;
        }
        return v.doubleValue();
    }

    /** A duration ({@code 10s}, {@code 1m30s}, {@code PT10S}, or whole seconds); longer than zero unless {@code zeroAllowed}. */
    Duration duration(String name, boolean zeroAllowed) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isString() && !v.isIntegralNumber()) {
            problem(name, "'" + name + "' must be a duration such as 500ms, 10s, 5m, 2h or 1m30s; found " + found(v));
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(v.asString());
        } catch (IllegalArgumentException e) {
            problem(name, e.getMessage());
            return null;
        }
        if (d.isZero() && !zeroAllowed) {
            problem(name, "'" + name + "' must be longer than zero; found '" + v.asString() + "'");
            return null;
        }
        return d;
    }

    /** One of {@code options}. */
    String choice(String name, List<String> options) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isString() || !options.contains(v.asString())) {
            String suggestion = v.isString() ? Closest.didYouMean(v.asString(), options) : "";
            problem(name, "'" + name + "' must be one of " + String.join(", ", options) + "; found " + found(v) + suggestion);
            return null;
        }
        return v.asString();
    }

    // ---- expressions -------------------------------------------------------------------------

    /**
     * A bare JSONata expression ({@code if}, {@code foreach}, keys), syntax-checked. A number or
     * true/false is taken as the expression it spells.
     */
    String expression(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isString() && !v.isNumber() && !v.isBoolean()) {
            problem(name, "'" + name + "' must be an expression in quotes, e.g. \"trigger.body.amount > 1000\"; found " + found(v));
            return null;
        }
        String expression = v.asString();
        String stripped = expression.strip();
        if (stripped.startsWith("{{") && stripped.endsWith("}}")) {
            problem(name, "'" + name + "' takes a bare expression without {{ }}; write " + name + ": \""
                    + stripped.substring(2, stripped.length() - 2).strip() + "\"");
            return null;
        }
        try {
            expressions.check(expression);
        } catch (ExpressionException e) {
            problem(name, "Invalid expression: " + e.getMessage());
            return null;
        }
        return expression;
    }

    /** Checks every {@code {{ }}} in the value of {@code name} (any JSON); true when all are valid. */
    boolean templates(String name) {
        JsonNode v = get(name);
        return v == null || templates(v, path(name));
    }

    /** Checks every {@code {{ }}} in {@code value}, reporting each broken one at its own path. */
    boolean templates(JsonNode value, String at) {
        if (value.isString()) {
            if (!Expressions.isTemplate(value.asString())) {
                return true;
            }
            try {
                expressions.checkTemplate(value);
                return true;
            } catch (ExpressionException e) {
                problems.atValue(at, "Invalid expression: " + e.getMessage());
                return false;
            }
        }
        boolean ok = true;
        if (value.isObject()) {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                ok &= templates(e.getValue(), Positions.child(at, e.getKey()));
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                ok &= templates(value.get(i), Positions.index(at, i));
            }
        }
        return ok;
    }

    // ---- wording -----------------------------------------------------------------------------

    /** What a value is, for "found ..." in messages. */
    static String found(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "nothing";
        }
        if (v.isString()) {
            String s = v.asString();
            return "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
        }
        if (v.isNumber()) {
            return "the number " + v.asString();
        }
        if (v.isBoolean()) {
            return v.asString();
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        return v.asString();
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
