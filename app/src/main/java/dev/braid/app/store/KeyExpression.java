package dev.braid.app.store;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.run.TriggerContext;
import tools.jackson.databind.JsonNode;

/**
 * The one rule for a key a recipe works out from an event: its idempotency key (ARCHITECTURE §3), its
 * concurrency slot (§2) and its ordering key (§11). Each is an expression over the trigger as steps see
 * it ({@link TriggerContext#keyScope}); what the value becomes, and what a failure means, is each
 * caller's policy, but evaluation, the text of a value and the bound on its length are decided here:
 *
 * <ul>
 *   <li>A string value is used as it is, any other value as its JSON text ({@code 42}, {@code {"a":1}}).</li>
 *   <li>Missing and JSON null are {@link Absent}.</li>
 *   <li>A text longer than {@value #MAX_VALUE_LENGTH} characters is replaced by {@code sha256:<hex>} of it,
 *       so the unique and key indexes stay small (a btree entry over ~2.7 KB is refused by PostgreSQL).</li>
 * </ul>
 */
public final class KeyExpression {

    static final int MAX_VALUE_LENGTH = 200;

    private KeyExpression() {
    }

    /** What a key expression gave on one event. */
    public sealed interface Result {}

    /** A value; {@link #text()} is what is stored. */
    public record Value(JsonNode json) implements Result {

        /** An object or array: a key only where the caller accepts one (the idempotency key does not). */
        public boolean structured() {
            return json.isObject() || json.isArray();
        }

        public String text() {
            return bounded(json.isString() ? json.asString() : json.toString());
        }
    }

    /** Missing or JSON null. */
    public record Absent() implements Result {}

    /** The expression failed on this event; {@code message} says why (the limit passed, the error). */
    public record Failed(String message) implements Result {}

    /** Evaluates {@code expression} over {@code trigger} (what {@code runs.trigger} holds, not wrapped). */
    public static Result evaluate(Expressions expressions, String expression, JsonNode trigger) {
        JsonNode value;
        try {
            value = expressions.evaluate(expression, TriggerContext.keyScope(trigger));
        } catch (ExpressionException e) {
            return new Failed(e.getMessage());
        }
        if (value == null || value.isMissingNode() || value.isNull()) {
            return new Absent();
        }
        return new Value(value);
    }

    /** A key text as stored: itself, or {@code sha256:<hex>} of it when longer than {@value #MAX_VALUE_LENGTH}. */
    public static String bounded(String text) {
        return text.length() > MAX_VALUE_LENGTH ? "sha256:" + Sha256.hex(text) : text;
    }
}
