package dev.braid.app.connections;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which fields of a connection are secret: those its connector's JSON Schema marks
 * {@code "x-secret": true}, at any depth of nested objects ({@code auth.clientSecret}). Settings are
 * split into a public part (stored as JSON, answered by the API) and a secret part (sealed, never
 * answered), and merged back for a run.
 */
final class SecretFields {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<List<String>> paths;

    private SecretFields(List<List<String>> paths) {
        this.paths = paths;
    }

    static SecretFields of(JsonNode schema) {
        List<List<String>> out = new ArrayList<>();
        collect(schema, new ArrayList<>(), out);
        return new SecretFields(out);
    }

    private static void collect(JsonNode schema, List<String> at, List<List<String>> out) {
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            List<String> path = new ArrayList<>(at);
            path.add(p.getKey());
            if (p.getValue().path("x-secret").asBoolean(false)) {
                out.add(path);
            } else if (p.getValue().has("properties")) {
                collect(p.getValue(), path, out);
            }
        }
    }

    /** The settings without their secret fields. */
    ObjectNode publicPart(JsonNode settings) {
        ObjectNode copy = settings.isObject() ? ((ObjectNode) settings).deepCopy() : NODES.objectNode();
        for (List<String> path : paths) {
            JsonNode parent = navigate(copy, path.subList(0, path.size() - 1));
            if (parent instanceof ObjectNode o) {
                o.remove(path.getLast());
            }
        }
        return copy;
    }

    /** Only the secret fields that {@code settings} holds, by dotted name. */
    ObjectNode secretPart(JsonNode settings) {
        ObjectNode out = NODES.objectNode();
        for (List<String> path : paths) {
            JsonNode value = navigate(settings, path);
            if (value != null && !value.isMissingNode() && !value.isNull()) {
                out.set(String.join(".", path), value);
            }
        }
        return out;
    }

    /** The public part with the secret fields put back at their places. */
    ObjectNode merge(JsonNode publicPart, JsonNode secretPart) {
        ObjectNode out = publicPart.isObject() ? ((ObjectNode) publicPart).deepCopy() : NODES.objectNode();
        for (List<String> path : paths) {
            JsonNode value = secretPart.get(String.join(".", path));
            if (value == null) {
                continue;
            }
            ObjectNode parent = out;
            for (String step : path.subList(0, path.size() - 1)) {
                JsonNode next = parent.get(step);
                if (!(next instanceof ObjectNode)) {
                    next = NODES.objectNode();
                    parent.set(step, next);
                }
                parent = (ObjectNode) next;
            }
            parent.set(path.getLast(), value);
        }
        return out;
    }

    private static JsonNode navigate(JsonNode node, List<String> path) {
        JsonNode at = node;
        for (String step : path) {
            if (at == null || !at.isObject()) {
                return null;
            }
            at = at.get(step);
        }
        return at;
    }
}
