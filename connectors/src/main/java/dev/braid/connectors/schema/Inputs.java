package dev.braid.connectors.schema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** What an action sees when a step has no {@code with:} block or no connection. */
public final class Inputs {

    private Inputs() {}

    /** {@code null} and missing nodes become an empty object, so validation reports missing properties by name. */
    public static JsonNode orEmptyObject(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? JsonNodeFactory.instance.objectNode() : node;
    }
}
