package dev.braid.connectors.openapi;

import dev.braid.connectors.schema.JsonSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schemas of {@code openapi.call}'s input and of an {@code openapi} connection. Both take what they share with
 * {@code http} — a connection's baseUrl, headers, auth and egress; a call's headers, timeout and paginate — from
 * the {@code http} connector's own schemas, so the two never drift apart.
 */
final class OpenApiSchemas {

    private OpenApiSchemas() {}

    /** @param http {@code http.request}'s input schema */
    static JsonSchema callInput(JsonNode http) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("operation").put("type", "string").put("minLength", 1)
                .put("description", "The operationId to call, as the connection's document names it (getPetById); "
                        + "or its method and path (GET /pet/{petId}). Checked when the recipe is saved.");
        properties.putObject("parameters").put("type", "object")
                .put("description", "The operation's parameters by name; each goes where the document's 'in' says "
                        + "(path, query, header or cookie). Required ones must be given; values are checked against their schemas.");
        properties.putObject("body")
                .put("description", "The request body, checked against the operation's request body schema and sent as "
                        + "its media type (JSON when it offers JSON).");
        JsonNode shared = http.path("properties");
        properties.set("headers", shared.path("headers").deepCopy());
        ((ObjectNode) properties.get("headers")).put("description", "Extra headers; they win over header parameters.");
        properties.set("timeout", shared.path("timeout").deepCopy());
        properties.set("paginate", shared.path("paginate").deepCopy());
        schema.putArray("required").add("operation");
        schema.put("additionalProperties", false);
        return JsonSchema.parse(schema.toString());
    }

    /** An {@code http} connection's schema with the {@code document} setting added and its baseUrl made optional. */
    static JsonSchema connection(JsonNode httpConnection) {
        ObjectNode schema = (ObjectNode) httpConnection.deepCopy();
        ObjectNode properties = (ObjectNode) schema.get("properties");
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.putArray("type").add("string").add("object");
        document.put("minLength", 1);
        document.put("description", "The API's OpenAPI 3.0 or 3.1 document: its text (YAML or JSON), the document as a "
                + "mapping, or the http(s) URL it is served at (fetched without the connection's auth, again every 10 minutes).");
        ObjectNode ordered = JsonNodeFactory.instance.objectNode();
        ordered.set("document", document);
        ordered.setAll(properties);
        ((ObjectNode) ordered.get("baseUrl")).put("description", "Where the API answers, such as "
                + "https://petstore3.swagger.io/api/v3; by default the document's first server.");
        schema.set("properties", ordered);
        schema.putArray("required").add("document");
        return JsonSchema.parse(schema.toString());
    }
}
