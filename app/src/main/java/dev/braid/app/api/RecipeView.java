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
 * The recipe resource of DESIGN §4, {@code {slug, name, version, enabled, triggerType, definition,
 * createdAt, updatedAt}} (plus {@code description} and {@code currentVersion}), and its YAML form.
 */
final class RecipeView {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecipeView() {}

    static ObjectNode of(StoredRecipe r) {
        ObjectNode out = NODES.objectNode();
        out.put("slug", r.slug());
        out.put("name", r.name());
        JsonNode description = r.definition() == null ? null : r.definition().get("description");
        out.put("description", description == null || description.isNull() ? null : description.asString());
        out.put("version", r.version());
        out.put("currentVersion", r.currentVersion());
        out.put("enabled", r.enabled());
        out.put("triggerType", r.triggerType());
        out.set("definition", r.definition() == null ? NODES.nullNode() : r.definition());
        out.put("createdAt", RunView.text(r.createdAt()));
        out.put("updatedAt", RunView.text(r.updatedAt()));
        return out;
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
        return new Yaml(options).dump(plain(r.definition()));
    }

    /** JSON as the plain maps, lists and scalars SnakeYAML writes. */
    private static Object plain(JsonNode node) {
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
