package dev.braid.app.api;

import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.queue.EventReplay;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/recipes/{slug}/replay} {@code {from, to, version, preview, limit}}: re-runs the
 * recipe over its stored trigger events received in {@code [from, to)}. With {@code preview} it lists
 * the events and starts nothing (200); otherwise it queues one linked run per event (202). At most
 * {@code limit} events per request (default and cap {@value EventReplay#MAX_EVENTS}); {@code next}
 * is the {@code from} to continue with when more are left.
 */
@RestController
@RequestMapping("/api/v1/recipes")
public class RecipeReplayController {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RecipeCatalog catalog;
    private final RecipeStore recipes;
    private final EventReplay replay;

    public RecipeReplayController(RecipeCatalog catalog, RecipeStore recipes, EventReplay replay) {
        this.catalog = catalog;
        this.recipes = recipes;
        this.replay = replay;
    }

    @PostMapping("/{slug}/replay")
    public ResponseEntity<ObjectNode> replay(@PathVariable String slug, @RequestBody(required = false) JsonNode body) {
        JsonNode request = body == null || body.isNull() ? NODES.objectNode() : body;
        if (!request.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object such as "
                    + "{\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\"}");
        }
        Instant from = required(request, "from");
        Instant to = required(request, "to");
        if (!to.isAfter(from)) {
            throw ApiException.badParameter("to", "'to' (" + to + ") must be after 'from' (" + from + ")");
        }
        RecipeCatalog.Current current = catalog.current(slug).orElseThrow(() -> RecipesController.notFound(slug));
        int version = version(slug, request, current.version());
        int limit = limit(request);
        boolean preview = preview(request);

        EventReplay.Selection selection = replay.select(slug, from, to, limit);
        ObjectNode out = NODES.objectNode();
        out.put("recipe", slug);
        out.put("version", version);
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("preview", preview);
        out.put("next", selection.next() == null ? null : selection.next().toString());
        if (preview) {
            out.put("events", selection.events().size());
            ArrayNode items = out.putArray("items");
            selection.events().forEach(e -> items.addObject().put("eventId", e.id().toString())
                    .put("receivedAt", e.receivedAt().toString())
                    .put("firstRunId", e.firstRunId() == null ? null : e.firstRunId().toString()));
            return ResponseEntity.ok(out);
        }
        List<EventReplay.Replayed> runs = replay.replay(slug, version, selection.events());
        out.put("replayed", runs.size());
        ArrayNode items = out.putArray("runs");
        runs.forEach(r -> items.addObject().put("eventId", r.eventId().toString()).put("runId", r.runId().toString()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(out);
    }

    private static Instant required(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull() || !value.isString() || value.asString().isBlank()) {
            throw ApiException.badParameter(field, "'" + field + "' is required: an ISO-8601 instant such as "
                    + "2026-11-01T00:00:00Z (events received from 'from' up to, not including, 'to')");
        }
        return RunsController.instant(field, value.asString());
    }

    private int version(String slug, JsonNode request, int current) {
        JsonNode version = request.get("version");
        if (version == null || version.isNull()) {
            return current;
        }
        if (!version.isIntegralNumber() || version.asInt() < 1) {
            throw ApiException.badParameter("version", "'version' must be a recipe version number (1, 2, …); "
                    + "leave it out for the current version");
        }
        if (recipes.findVersion(slug, version.asInt()).isEmpty()) {
            throw ApiException.notFound("Recipe '" + slug + "' has no version " + version.asInt());
        }
        return version.asInt();
    }

    private static int limit(JsonNode request) {
        JsonNode limit = request.get("limit");
        if (limit == null || limit.isNull()) {
            return EventReplay.MAX_EVENTS;
        }
        if (!limit.isIntegralNumber() || limit.asInt() < 1 || limit.asInt() > EventReplay.MAX_EVENTS) {
            throw ApiException.badParameter("limit", "'limit' must be a whole number from 1 to " + EventReplay.MAX_EVENTS);
        }
        return limit.asInt();
    }

    private static boolean preview(JsonNode request) {
        JsonNode preview = request.get("preview");
        if (preview == null || preview.isNull()) {
            return false;
        }
        if (!preview.isBoolean()) {
            throw ApiException.badParameter("preview", "'preview' must be true or false");
        }
        return preview.asBoolean();
    }
}
