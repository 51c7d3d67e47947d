package dev.braid.app.ingest;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.run.TriggerContext;
import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.JsonNode;

/**
 * The idempotency key of an event (ARCHITECTURE §3), in order: the recipe's {@code idempotencyKey}
 * expression over {@code {trigger}} ({@code key:<value>}); the key the sender supplied
 * ({@code header:<value>}); else the event's natural key. The prefixes keep the kinds from colliding.
 * An expression that yields nothing (missing or null) gives no key and the next rule applies; one that
 * throws or yields an object or array is {@link Key#unusable()} — what then happens is
 * {@link Ingestion}'s policy.
 */
final class IdempotencyKeys {

    /** A key ({@code value}), or why there is none ({@code unusable}, the setting at fault in {@code field}). */
    record Key(String value, String unusable, String field) {}


    private final Expressions expressions;

    IdempotencyKeys(Expressions expressions) {
        this.expressions = expressions;
    }

    /** {@code expression}: the recipe's, or null; {@code triggerType}: its trigger's wire name, for the setting's path. */
    Key of(String expression, String triggerType, TriggerEvent event) {
        if (expression != null) {
            String field = "trigger." + triggerType + ".idempotencyKey";
            JsonNode value;
            try {
                value = expressions.evaluate(expression, TriggerContext.keyScope(event.context()));
            } catch (ExpressionException e) {
                return new Key(null, "The recipe's idempotencyKey expression (" + field + ") failed on this "
                        + event.type() + " event: " + e.getMessage() + "; fix the expression or make it yield a text or number",
                        field);
            }
            if (value != null && (value.isObject() || value.isArray())) {
                return new Key(null, "The recipe's idempotencyKey expression (" + field + ") yielded "
                        + (value.isObject() ? "an object" : "an array") + " on this " + event.type()
                        + " event, which is no key; make it yield a text or number, e.g. one field of it", field);
            }
            if (value != null && !value.isMissingNode() && !value.isNull()) {
                return new Key("key:" + (value.isString() ? value.asString() : value.toString()), null, null);
            }
        }
        if (event.suppliedKey() != null && !event.suppliedKey().isBlank()) {
            return new Key("header:" + event.suppliedKey().strip(), null, null);
        }
        return new Key(event.naturalKey(), null, null);
    }
}
