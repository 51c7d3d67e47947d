package dev.braid.connectors.openapi;

import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * An operation's request body: the media type a step's {@code body} is sent as — JSON when the document
 * offers it ({@code application/json} or a {@code +json} type), else the first one listed — and its schema.
 *
 * @param schema {@code null} when that media type has none (any body is accepted)
 */
record RequestBody(boolean required, String contentType, JsonNode schema, String description) {

    static RequestBody of(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("content").isObject() || node.path("content").isEmpty()) {
            return null;
        }
        Map.Entry<String, JsonNode> chosen = null;
        for (Map.Entry<String, JsonNode> media : node.path("content").properties()) {
            String type = media.getKey().toLowerCase(java.util.Locale.ROOT);
            boolean json = type.startsWith("application/json") || type.matches("[a-z]+/[^;]*\\+json.*");
            if (json) {
                chosen = media;
                break;
            }
            if (chosen == null) {
                chosen = media;
            }
        }
        return new RequestBody(node.path("required").asBoolean(false), chosen.getKey(), chosen.getValue().get("schema"),
                node.path("description").asString(null));
    }

    boolean isJson() {
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json");
    }
}
