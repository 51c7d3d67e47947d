package dev.braid.connectors.openapi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Parameter values as a step gives them, read the way the parameter's schema types them: {@code "7"} is the
 * integer 7 for an integer parameter (a template always yields text inside a longer string, and query strings
 * are text anyway), {@code "true"} a boolean.
 */
final class ParameterValues {

    private ParameterValues() {}

    static JsonNode coerced(OpenApiDocument document, Parameter parameter, JsonNode value) {
        JsonNode schema = document.resolved(parameter.schema());
        if (schema == null) {
            return value;
        }
        if (value.isArray() && "array".equals(type(schema))) {
            JsonNode items = document.resolved(schema.get("items"));
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> out.add(scalar(items, item)));
            return out;
        }
        return scalar(schema, value);
    }

    private static JsonNode scalar(JsonNode schema, JsonNode value) {
        if (schema == null || !value.isString()) {
            return value;
        }
        String text = value.stringValue().strip();
        try {
            return switch (type(schema)) {
                case "integer" -> text.matches("[-+]?\\d{1,18}") ? JsonNodeFactory.instance.numberNode(Long.parseLong(text)) : value;
                case "number" -> JsonNodeFactory.instance.numberNode(new BigDecimal(text));
                case "boolean" -> text.equals("true") || text.equals("false")
                        ? JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text)) : value;
                default -> value;
            };
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** The schema's type; the first non-null one of a 3.1 type list. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asString())) {
                    return t.asString();
                }
            }
        }
        return type == null ? "" : type.asString("");
    }

    /** A scalar as it appears in a URL or header. */
    static String text(JsonNode value) {
        return value.isString() ? value.stringValue() : value.toString();
    }

    /** {@code simple} style: an array's items, or an object's keys and values, comma-separated. */
    static String simple(JsonNode value, boolean explode) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(text(item)));
            return String.join(",", items);
        }
        if (value.isObject()) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                parts.add(explode ? e.getKey() + "=" + text(e.getValue()) : e.getKey() + "," + text(e.getValue()));
            }
            return String.join(",", parts);
        }
        return text(value);
    }
}
