package dev.braid.app.ingest;

import dev.braid.app.store.KeyExpression;
import dev.braid.engine.expr.Expressions;

/**
 * The idempotency key of an event (ARCHITECTURE §3), in order: the recipe's {@code idempotencyKey}
 * expression over {@code {trigger}} ({@code key:<value>}); the key the sender supplied
 * ({@code header:<value>}); else the event's natural key. The prefixes keep the kinds from colliding.
 * Values are worded and bounded by {@link KeyExpression} (a long one hashed), as are supplied keys.
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
            switch (KeyExpression.evaluate(expressions, expression, event.context())) {
                case KeyExpression.Failed f -> {
                    return new Key(null, "The recipe's idempotencyKey expression (" + field + ") failed on this "
                            + event.type() + " event: " + f.message() + "; fix the expression or make it yield a text or number",
                            field);
                }
                case KeyExpression.Value v when v.structured() -> {
                    return new Key(null, "The recipe's idempotencyKey expression (" + field + ") yielded "
                            + (v.json().isObject() ? "an object" : "an array") + " on this " + event.type()
                            + " event, which is no key; make it yield a text or number, e.g. one field of it", field);
                }
                case KeyExpression.Value v -> {
                    return new Key("key:" + v.text(), null, null);
                }
                case KeyExpression.Absent a -> {
                    // no key from the expression: the next rule applies
                }
            }
        }
        if (event.suppliedKey() != null && !event.suppliedKey().isBlank()) {
            return new Key("header:" + KeyExpression.bounded(event.suppliedKey().strip()), null, null);
        }
        return new Key(event.naturalKey(), null, null);
    }
}
