package dev.braid.app.store;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import tools.jackson.databind.JsonNode;

/**
 * The one place that works out which concurrency slot group a new run belongs to (ARCHITECTURE §2,
 * {@code concurrency: {limit, key}}): every statement that inserts a run stores the answer in
 * {@code runs.concurrency_key} and {@code runs.concurrency_limit}. A run without one is unlimited.
 *
 * <ul>
 *   <li>The key is {@code <slug>} without a {@code key} expression, else {@code <slug>/<value>}, the
 *       value as {@link KeyExpression} words it (long values hashed).</li>
 *   <li>A key that is absent, JSON null, or fails to evaluate puts the run in {@code <slug>/null}: it is
 *       still limited (an unlimited run would break the recipe's promise), together with the other
 *       runs that have no key. A string value {@code "null"} shares that group, which only costs
 *       parallelism, never the limit.</li>
 *   <li>Slot and limit are fixed when the run is created: a new recipe version with another limit
 *       applies to the runs created after it, runs already queued keep theirs.</li>
 * </ul>
 */
@Component
public class ConcurrencySlots {

    /** A run's slot group and the limit of runs of that group running at once, cluster-wide. */
    public record Slot(String key, int limit) {}

    private static final Logger log = LoggerFactory.getLogger(ConcurrencySlots.class);

    private final Expressions expressions;
    private final RecipeCatalog catalog;

    public ConcurrencySlots(Expressions expressions, RecipeCatalog catalog) {
        this.expressions = expressions;
        this.catalog = catalog;
    }

    /**
     * The slot of a new run of {@code recipe}. {@code trigger} is the run's trigger object (what
     * {@code runs.trigger} holds, e.g. {@code {type, body, headers, query}}), not wrapped in
     * {@code {trigger: …}}; empty for a recipe without {@code concurrency}.
     */
    public Optional<Slot> of(Recipe recipe, JsonNode trigger) {
        return recipe.concurrencyLimit().map(c -> new Slot(key(recipe.slug(), c.key(), trigger), c.limit()));
    }

    /** As {@link #of(Recipe, JsonNode)} for a stored version; empty when that version does not exist. */
    public Optional<Slot> of(String slug, int version, JsonNode trigger) {
        Recipe recipe;
        try {
            recipe = catalog.version(slug, version);
        } catch (IllegalStateException e) {
            return Optional.empty(); // deleted: the insert that follows fails on the recipe reference
        }
        return of(recipe, trigger);
    }

    private String key(String slug, String expression, JsonNode trigger) {
        if (expression == null) {
            return slug;
        }
        return slug + "/" + switch (KeyExpression.evaluate(expressions, expression, trigger)) {
            case KeyExpression.Value v -> v.text();
            case KeyExpression.Absent a -> "null";
            case KeyExpression.Failed f -> {
                log.warn("Recipe {}: the concurrency key failed on this trigger ({}); the run shares the slots of {}/null",
                        slug, f.message(), slug);
                yield "null";
            }
        };
    }
}
