package dev.braid.connectors;

import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** JSON literals for tests, with single quotes and bare names so they stay readable inside Java strings. */
public final class Json {

    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES)
            .build();

    private Json() {}

    public static JsonNode json(String text) {
        return LENIENT.readTree(text);
    }

    public static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }
}
