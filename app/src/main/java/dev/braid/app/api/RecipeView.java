package dev.braid.app.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import dev.braid.app.store.StoredRecipe;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The recipe resource of ARCHITECTURE §4, {@code {slug, name, version, enabled, triggerType, definition,
 * createdAt, updatedAt}} (plus {@code description} and {@code currentVersion}), and its YAML form.
 */
final class RecipeView {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecipeView() {}

    static ObjectNode of(StoredRecipe r) {
        ObjectNode out = NODES.objectNode();
        out.put("slug", r.slug());
        // A version's own name and trigger (the recipes row holds the current version's).
        out.put("name", text(r.definition(), "name", r.name()));
        JsonNode description = r.definition() == null ? null : r.definition().get("description");
        out.put("description", description == null || description.isNull() ? null : description.asString());
        out.put("version", r.version());
        out.put("currentVersion", r.currentVersion());
        out.put("enabled", r.enabled());
        out.put("triggerType", triggerType(r));
        out.set("definition", r.definition() == null ? NODES.nullNode() : ordered(r.definition()));
        out.put("createdAt", RunView.text(r.createdAt()));
        out.put("updatedAt", RunView.text(r.updatedAt()));
        return out;
    }

    private static String text(JsonNode definition, String field, String fallback) {
        JsonNode value = definition == null ? null : definition.get(field);
        return value != null && value.isString() ? value.asString() : fallback;
    }

    private static String triggerType(StoredRecipe r) {
        JsonNode trigger = r.definition() == null ? null : r.definition().get("trigger");
        if (trigger != null && trigger.isObject() && trigger.size() == 1) {
            return trigger.propertyNames().iterator().next();
        }
        return r.triggerType();
    }

    /** The YAML the author wrote (comments and all), or the definition rendered as YAML for a JSON recipe. */
    static String yaml(StoredRecipe r) {
        if ("yaml".equals(r.sourceFormat()) && r.source() != null) {
            return r.source();
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        return new Yaml(options).dump(plain(ordered(r.definition())));
    }

    private static final List<String> RECIPE_ORDER = List.of("slug", "name", "description", "enabled", "trigger",
            "concurrency", "ordering", "index", "sla", "timeout", "retry", "steps", "onError");
    private static final List<String> STEP_ORDER = List.of("id", "name", "description", "action", "connection", "if",
            "then", "else", "foreach", "as", "chunk", "parallel", "steps", "call", "stop", "fail", "with", "retry",
            "timeout", "onError");
    private static final List<String> STEP_LISTS = List.of("steps", "then", "else");

    /**
     * The definition with its fields in the order people write them: PostgreSQL's jsonb keeps keys
     * in its own order, and neither the UI nor a rendered YAML should start with {@code name} and
     * end with {@code slug}. Only recipe and step fields are reordered; values stay as stored.
     */
    static JsonNode ordered(JsonNode definition) {
        return definition.isObject() ? reorder((ObjectNode) definition, RECIPE_ORDER) : definition;
    }

    private static ObjectNode reorder(ObjectNode node, List<String> order) {
        ObjectNode out = NODES.objectNode();
        for (String key : order) {
            if (node.has(key)) {
                out.set(key, node.get(key));
            }
        }
        node.properties().forEach(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        for (String list : STEP_LISTS) {
            JsonNode steps = out.get(list);
            if (steps != null && steps.isArray()) {
                var reordered = NODES.arrayNode();
                steps.forEach(step -> reordered.add(step.isObject() ? reorder((ObjectNode) step, STEP_ORDER) : step));
                out.set(list, reordered);
            }
        }
        return out;
    }

    /** JSON as the plain maps, lists and scalars SnakeYAML writes. */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(plain(n)));
            return list;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        return node.asString();
    }
}
