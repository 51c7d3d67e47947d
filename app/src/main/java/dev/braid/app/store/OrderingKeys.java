package dev.braid.app.store;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import tools.jackson.databind.JsonNode;

/**
 * The one rule for a run's ordering key (ARCHITECTURE §11, {@code ordering: {key}}), stored in
 * {@code runs.ordering_key}: the runs of one key of a recipe are claimed one after another in
 * {@code ordering_seq} order ({@link RunStore}). A run without one is not ordered.
 *
 * <ul>
 *   <li>The key is the expression's value as {@link KeyExpression} words it.</li>
 *   <li>A value that is missing or JSON null is the key {@code null}: those runs are still ordered,
 *       together (an unordered run would break the recipe's promise).</li>
 *   <li>An expression that fails on a new event is {@link Unusable}: {@code Ingestion} applies its key
 *       failure policy (a webhook is refused, any other event becomes a dead letter). A further run of
 *       a stored event ({@link #ofStored}) falls back to the key {@code null}, with a warning.</li>
 * </ul>
 */
@Component
public class OrderingKeys {

    /** The setting at fault when the expression fails. */
    public static final String FIELD = "ordering.key";
    private static final Logger log = LoggerFactory.getLogger(OrderingKeys.class);

    /** The ordering expression failed on this trigger. */
    public static final class Unusable extends RuntimeException {
        Unusable(String message) {
            super(message);
        }
    }

    private final Expressions expressions;
    private final RecipeCatalog catalog;

    public OrderingKeys(Expressions expressions, RecipeCatalog catalog) {
        this.expressions = expressions;
        this.catalog = catalog;
    }

    /**
     * The ordering key of a new run of {@code recipe} with this trigger object (what {@code runs.trigger}
     * holds); empty for a recipe without {@code ordering}.
     *
     * @throws Unusable when the expression fails on it
     */
    public Optional<String> of(Recipe recipe, JsonNode trigger) {
        if (recipe.ordering() == null) {
            return Optional.empty();
        }
        return switch (KeyExpression.evaluate(expressions, recipe.ordering().key(), trigger)) {
            case KeyExpression.Value v -> Optional.of(v.text());
            case KeyExpression.Absent a -> Optional.of("null");
            case KeyExpression.Failed f -> throw new Unusable("The recipe's ordering key expression (" + FIELD
                    + ") failed on this event: " + f.message() + "; fix the expression so that it yields a value for every event");
        };
    }

    /** As {@link #of(Recipe, JsonNode)} for a further run of a stored recipe version; a failing expression gives {@code null}. */
    public Optional<String> ofStored(String slug, int version, JsonNode trigger) {
        Recipe recipe;
        try {
            recipe = catalog.version(slug, version);
        } catch (IllegalStateException e) {
            return Optional.empty(); // deleted: the insert that follows fails on the recipe reference
        }
        try {
            return of(recipe, trigger);
        } catch (Unusable e) {
            log.warn("Recipe {}: {}; the run is ordered with the runs of key null", slug, e.getMessage());
            return Optional.of("null");
        }
    }
}
