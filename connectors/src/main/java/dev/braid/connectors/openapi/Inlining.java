package dev.braid.connectors.openapi;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A schema with its local {@code $ref}s replaced by copies of their targets, so the studio and the catalogue
 * show {@code Pet}'s properties rather than a pointer. A reference inside its own target (a tree of categories)
 * stays a {@code $ref}, as do references the document cannot resolve; nesting stops at {@value #MAX_DEPTH} levels.
 */
final class Inlining {

    static final int MAX_DEPTH = 24;

    private final JsonNode root;
    private final Deque<String> open = new ArrayDeque<>();

    private Inlining(JsonNode root) {
        this.root = root;
    }

    static JsonNode of(JsonNode root, JsonNode schema) {
        return schema == null ? null : new Inlining(root).copy(schema, 0);
    }

    private JsonNode copy(JsonNode node, int depth) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isString() && ref.stringValue().startsWith("#")) {
                String pointer = ref.stringValue();
                JsonNode target = root.at(pointer.substring(1));
                if (target.isMissingNode() || open.contains(pointer) || depth >= MAX_DEPTH) {
                    return node.deepCopy();
                }
                open.push(pointer);
                try {
                    JsonNode inlined = copy(target, depth + 1);
                    if (inlined.isObject() && !((ObjectNode) inlined).has("title")) {
                        // Keeps the name a person knows the schema by (Pet, Order).
                        ((ObjectNode) inlined).put("title", pointer.substring(pointer.lastIndexOf('/') + 1));
                    }
                    return inlined;
                } finally {
                    open.pop();
                }
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.set(e.getKey(), copy(e.getValue(), depth + 1));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(copy(item, depth + 1)));
            return out;
        }
        return node.deepCopy();
    }
}
