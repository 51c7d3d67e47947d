package dev.braid.connectors.openapi;

import java.util.ArrayList;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.path.NodePath;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A value checked against one schema of a document, in the document's dialect (OpenAPI 3.0's {@code nullable},
 * 3.1's JSON Schema 2020-12). The schema is validated as the root of a copy that carries the document's
 * {@code components}, so its {@code #/components/schemas/...} references resolve as they do in the document.
 */
final class SchemaCheck {

    /**
     * @param path where below the checked value: property names and array indexes
     */
    record Violation(List<Object> path, String message) {}

    private final Schema schema;

    SchemaCheck(SchemaRegistry registry, JsonNode schemaNode, JsonNode components) {
        if (schemaNode == null || !schemaNode.isObject()) {
            schema = null;   // no schema, or true: anything goes
            return;
        }
        ObjectNode rooted = ((ObjectNode) schemaNode).deepCopy();
        if (components.isObject()) {
            rooted.set("components", components);
        }
        schema = registry.getSchema(rooted);
    }

    List<Violation> violations(JsonNode value) {
        List<Violation> out = new ArrayList<>();
        if (schema == null) {
            return out;
        }
        for (Error error : schema.validate(value)) {
            List<Object> path = segments(error.getInstanceLocation());
            String keyword = error.getKeyword();
            if (error.getProperty() != null && ("additionalProperties".equals(keyword) || "unevaluatedProperties".equals(keyword))) {
                path.add(error.getProperty());
            }
            out.add(new Violation(path, error.getMessage()));
        }
        return out;
    }

    private static List<Object> segments(NodePath location) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; location != null && i < location.getNameCount(); i++) {
            out.add(location.getElement(i));
        }
        return out;
    }
}
