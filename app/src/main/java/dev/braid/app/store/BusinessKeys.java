package dev.braid.app.store;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one rule for a run's business keys (ARCHITECTURE §10, {@code index: {orderId: "trigger.body.id"}}), stored
 * with the run in {@code runs.keys} and {@code run_keys} when its event is accepted, and searched by exact value
 * ({@code GET /api/v1/runs?key.orderId=...}).
 *
 * <ul>
 *   <li>Each expression is evaluated over the trigger as steps see it ({@link KeyExpression}); a value is worded
 *       and bounded there (text as it is, anything else as its JSON text, over 200 characters {@code sha256:<hex>}).
 *       A batch run's keys are evaluated over its whole trigger ({@code trigger.events}): write
 *       {@code trigger.events[0].body.id} for a key that works with and without {@code batch}.</li>
 *   <li>A value that is missing or null, or an expression that fails on an event, stores no value for that
 *       name; the event is never refused for it (a key is for finding runs, not a condition of running them).</li>
 * </ul>
 */
@Component
public class BusinessKeys {

    private static final Logger log = LoggerFactory.getLogger(BusinessKeys.class);

    private final Expressions expressions;
    private final RecipeCatalog catalog;

    public BusinessKeys(Expressions expressions, RecipeCatalog catalog) {
        this.expressions = expressions;
        this.catalog = catalog;
    }

    /** The keys of a new run of {@code recipe} with this trigger ({@code runs.trigger}); null when it has none. */
    public ObjectNode of(Recipe recipe, JsonNode trigger) {
        Map<String, String> index = recipe.businessKeys();
        if (index.isEmpty()) {
            return null;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, String> key : index.entrySet()) {
            switch (KeyExpression.evaluate(expressions, key.getValue(), trigger)) {
                case KeyExpression.Value v -> out.put(key.getKey(), v.text());
                case KeyExpression.Absent a -> { }
                case KeyExpression.Failed f -> log.debug("Recipe {}: business key {} stores no value: {}", recipe.slug(),
                        key.getKey(), f.message());
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** As {@link #of(Recipe, JsonNode)} for a further run (replay, redrive, manual) of a stored recipe version. */
    public ObjectNode ofStored(String slug, int version, JsonNode trigger) {
        try {
            return of(catalog.version(slug, version), trigger);
        } catch (IllegalStateException e) {
            return null; // deleted: the insert that follows fails on the recipe reference
        }
    }

    /** The stored text of a searched value, bounded as stored values are. */
    public static String searched(String value) {
        return KeyExpression.bounded(value);
    }
}
