package dev.braid.app.api;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.store.FixtureStore;
import dev.braid.app.store.RecipeStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A recipe's test fixtures (issue 17): named sample triggers the studio pins and reruns after every edit
 * ({@code POST /api/v1/recipes/{slug}/test} with the fixture's {@code trigger}). A fixture is
 * {@code {name, trigger: {body, headers, query}, createdAt, updatedAt, updatedBy}}.
 */
@RestController
@RequestMapping("/api/v1/recipes/{slug}/fixtures")
public class RecipeFixturesController {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final List<String> TRIGGER_FIELDS = List.of("body", "headers", "query");

    private final FixtureStore fixtures;
    private final RecipeStore recipes;

    public RecipeFixturesController(FixtureStore fixtures, RecipeStore recipes) {
        this.fixtures = fixtures;
        this.recipes = recipes;
    }

    @GetMapping
    public ObjectNode list(@PathVariable String slug) {
        existing(slug);
        ObjectNode out = NODES.objectNode();
        var items = out.putArray("items");
        fixtures.list(slug).forEach(f -> items.add(view(f)));
        out.putNull("nextCursor");
        return out;
    }

    /** Creates (201) or replaces (200) the fixture {@code name}; the body is {@code {trigger: {body, headers, query}}}. */
    @PutMapping(path = "/{name}", consumes = "application/json")
    public ResponseEntity<ObjectNode> put(@PathVariable String slug, @PathVariable String name, @RequestBody JsonNode body,
                                          Principal user) {
        existing(slug);
        if (!NAME.matcher(name).matches()) {
            throw ApiException.badParameter("name", "Fixture name '" + name + "' is not valid; use 1 to 64 letters, digits, "
                    + "'_', '.' or '-', starting with a letter or digit, e.g. big-order");
        }
        JsonNode trigger = trigger(body);
        boolean created = fixtures.put(slug, name, trigger, user == null ? null : user.getName());
        ObjectNode saved = fixtures.list(slug).stream().filter(f -> f.name().equals(name)).findFirst().map(this::view)
                .orElseThrow();
        return created
                ? ResponseEntity.created(URI.create("/api/v1/recipes/" + slug + "/fixtures/" + name)).body(saved)
                : ResponseEntity.ok(saved);
    }

    @DeleteMapping("/{name}")
    public ResponseEntity<Void> delete(@PathVariable String slug, @PathVariable String name) {
        existing(slug);
        if (!fixtures.delete(slug, name)) {
            throw ApiException.notFound("Recipe '" + slug + "' has no fixture '" + name + "'");
        }
        return ResponseEntity.noContent().build();
    }

    /** The {@code trigger} of the body, checked: an object of body, headers (names to text) and query. */
    private static JsonNode trigger(JsonNode body) {
        JsonNode trigger = body == null ? null : body.get("trigger");
        if (trigger == null || !trigger.isObject()) {
            throw field("trigger", "The body must be {\"trigger\": {\"body\": ..., \"headers\": {...}}}: the sample trigger "
                    + "to pin, as POST /api/v1/recipes/{slug}/test takes it");
        }
        for (String key : trigger.propertyNames()) {
            if (!TRIGGER_FIELDS.contains(key)) {
                throw field("trigger." + key, "'" + key + "' is not a field of a sample trigger; use body, headers and query");
            }
        }
        for (String map : List.of("headers", "query")) {
            JsonNode value = trigger.get(map);
            if (value != null && !value.isNull() && !value.isObject()) {
                throw field("trigger." + map, "'" + map + "' must be an object of names to values, e.g. {\"x-event-id\": \"e-1\"}");
            }
        }
        return trigger;
    }

    private ObjectNode view(FixtureStore.Fixture f) {
        ObjectNode o = NODES.objectNode();
        o.put("name", f.name());
        o.set("trigger", f.trigger());
        o.put("createdAt", RunView.text(f.createdAt()));
        o.put("updatedAt", RunView.text(f.updatedAt()));
        o.put("updatedBy", f.updatedBy());
        return o;
    }

    private void existing(String slug) {
        if (recipes.find(slug).isEmpty()) {
            throw RecipesController.notFound(slug);
        }
    }

    private static ApiException field(String field, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail, Map.of("field", field));
    }
}
