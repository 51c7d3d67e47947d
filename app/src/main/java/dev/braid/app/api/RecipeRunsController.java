package dev.braid.app.api;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.manual.ManualTrigger;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.ConnectionTypes;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starting a recipe from the API: a manual run through the durable queue
 * ({@code POST /api/v1/recipes/{slug}/runs}, the {@link ManualTrigger}), or a synchronous test run
 * with a sample trigger that persists nothing ({@code POST /api/v1/recipes/test} for an unsaved
 * recipe, {@code POST /api/v1/recipes/{slug}/test} for the saved one).
 */
@RestController
@RequestMapping("/api/v1/recipes")
public class RecipeRunsController {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RecipeCatalog catalog;
    private final ManualTrigger manual;
    private final RecipeParser parser;
    /** Saving or testing a recipe checks its connections against those that exist. */
    private final ConnectionTypes connectionTypes;
    private final TestRuns tests;
    private final JsonMapper json;

    public RecipeRunsController(RecipeCatalog catalog, ManualTrigger manual, RecipeParser parser, ConnectionTypes connectionTypes,
                                TestRuns tests, JsonMapper json) {
        this.connectionTypes = connectionTypes;
        this.catalog = catalog;
        this.manual = manual;
        this.parser = parser;
        this.tests = tests;
        this.json = json;
    }

    /** The body (any JSON, or nothing) becomes {@code trigger.body}; the run is queued for the workers. */
    @PostMapping("/{slug}/runs")
    public ResponseEntity<Map<String, String>> start(@PathVariable String slug,
                                                     @RequestBody(required = false) JsonNode body) {
        UUID runId = manual.start(slug, body);
        return ResponseEntity.accepted().location(URI.create("/api/v1/runs/" + runId))
                .body(Map.of("runId", runId.toString()));
    }

    /** {@code {recipe: <YAML text or JSON object>, trigger: {body, headers, query}, dryRun}}. */
    @PostMapping("/test")
    public ObjectNode testUnsaved(@RequestBody JsonNode request) {
        JsonNode source = object(request).get("recipe");
        Recipe recipe;
        if (source == null || source.isNull()) {
            throw ApiException.badParameter("recipe", "The body needs 'recipe': the recipe as YAML text or as a JSON object");
        } else if (source.isString()) {
            String text = source.asString();
            recipe = parser.parse(text, RecipeParser.detectFormat(null, text), connectionTypes);
        } else if (source.isObject()) {
            recipe = parser.parse(json.writerWithDefaultPrettyPrinter().writeValueAsString(source), SourceFormat.JSON, connectionTypes);
        } else {
            throw ApiException.badParameter("recipe", "'recipe' must be YAML text or a JSON object, not " + kind(source));
        }
        return tests.run(recipe, null, trigger(request), dryRun(request));
    }

    /** {@code {trigger: {body, headers, query}, dryRun}} against the current version of a saved recipe. */
    @PostMapping("/{slug}/test")
    public ObjectNode testSaved(@PathVariable String slug, @RequestBody(required = false) JsonNode request) {
        RecipeCatalog.Current recipe = catalog.current(slug).orElseThrow(() -> RecipesController.notFound(slug));
        JsonNode body = request == null || request.isNull() ? NODES.objectNode() : object(request);
        return tests.run(recipe.recipe(), recipe.version(), trigger(body), dryRun(body));
    }

    private static JsonNode object(JsonNode request) {
        if (!request.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object such as "
                    + "{\"trigger\": {\"body\": {...}}, \"dryRun\": true}, not " + kind(request));
        }
        return request;
    }

    private static JsonNode trigger(JsonNode request) {
        JsonNode trigger = request.get("trigger");
        if (trigger == null || trigger.isNull()) {
            return null;
        }
        if (!trigger.isObject()) {
            throw ApiException.badParameter("trigger", "'trigger' must be an object {body, headers, query}, not " + kind(trigger));
        }
        return trigger;
    }

    private static boolean dryRun(JsonNode request) {
        JsonNode dryRun = request.get("dryRun");
        if (dryRun == null || dryRun.isNull()) {
            return false;
        }
        if (!dryRun.isBoolean()) {
            throw ApiException.badParameter("dryRun", "'dryRun' must be true or false, not " + kind(dryRun));
        }
        return dryRun.asBoolean();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> "null";
        };
    }
}
