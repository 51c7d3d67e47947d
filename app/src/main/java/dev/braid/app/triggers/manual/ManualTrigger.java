package dev.braid.app.triggers.manual;

import java.util.UUID;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.refusal.Conflict;
import dev.braid.app.refusal.NotFound;
import dev.braid.app.store.RecipeCatalog;
import tools.jackson.databind.JsonNode;

/**
 * The manual trigger: a person (or a script) starts a recipe with a body of their choosing; the run goes
 * through {@link Ingestion} like every other trigger's, with origin {@code manual} and no stored event.
 * The API's {@code POST /api/v1/recipes/{slug}/runs} calls it; a disabled or missing recipe is refused.
 */
@Component
public class ManualTrigger {

    private final RecipeCatalog catalog;
    private final Ingestion ingestion;

    public ManualTrigger(RecipeCatalog catalog, Ingestion ingestion) {
        this.catalog = catalog;
        this.ingestion = ingestion;
    }

    /** Queues one run of the current version with {@code body} (any JSON, or null) as {@code trigger.body}. */
    public UUID start(String slug, JsonNode body) {
        RecipeCatalog.Current recipe = catalog.current(slug).orElseThrow(() -> notFound(slug));
        if (!recipe.enabled()) {
            throw new Conflict("Recipe '" + slug + "' is disabled; enable it (POST /api/v1/recipes/" + slug
                    + "/enable) to start runs");
        }
        try {
            return ingestion.accept(Ingestion.Target.of(recipe).as("manual"), TriggerEvent.manual(body)).runId();
        } catch (DataIntegrityViolationException e) {
            // deleted a moment ago
            catalog.evict(slug);
            throw notFound(slug);
        }
    }

    private static NotFound notFound(String slug) {
        return new NotFound("No recipe '" + slug + "' exists");
    }
}
