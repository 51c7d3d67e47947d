package dev.braid.connectors.openapi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code http.request} input an {@code openapi.call} amounts to: each parameter placed where the document's
 * {@code in:} says, serialised in its {@code style} (path and header {@code simple}; query {@code form} — an array
 * repeats the name unless {@code explode: false} —, {@code spaceDelimited}, {@code pipeDelimited} or
 * {@code deepObject}; cookies in one {@code Cookie} header), the body under the operation's media type.
 */
final class HttpInput {

    private HttpInput() {}

    /** @param with the step's input, already checked against the operation */
    static ObjectNode of(Operation operation, JsonNode with) throws ActionException {
        JsonNode values = with.path("parameters");
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.put("method", operation.method());
        String path = operation.path();
        ObjectNode query = JsonNodeFactory.instance.objectNode();
        ObjectNode headers = JsonNodeFactory.instance.objectNode();
        List<String> cookies = new ArrayList<>();
        for (Parameter p : operation.parameters()) {
            JsonNode value = values.get(p.name());
            if (value == null || value.isNull()) {
                continue;
            }
            switch (p.in()) {
                case "path" -> path = path.replace("{" + p.name() + "}", encode(ParameterValues.simple(value, p.effectiveExplode())));
                case "query" -> query(p, value, query);
                case "header" -> headers.put(p.name(), ParameterValues.simple(value, p.effectiveExplode()));
                default -> cookies.add(p.name() + "=" + encode(ParameterValues.simple(value, false)));
            }
        }
        input.put("url", path);
        if (!query.isEmpty()) {
            input.set("query", query);
        }
        if (!cookies.isEmpty()) {
            headers.put("Cookie", String.join("; ", cookies));
        }
        JsonNode body = with.get("body");
        RequestBody expected = operation.body();
        if (expected != null && body != null && !body.isNull()) {
            String type = expected.contentType().toLowerCase(Locale.ROOT);
            if (type.startsWith("multipart/")) {
                throw ActionException.fatal(JsonSchema.INVALID, "with.body: operation " + operation.key() + " takes "
                        + expected.contentType() + ", which openapi.call does not send; use http.request for uploads");
            }
            // http.request sends a string verbatim: a JSON string value must go as JSON text, quotes included.
            input.set("body", expected.isJson() && body.isString()
                    ? JsonNodeFactory.instance.stringNode(JsonMapper.shared().writeValueAsString(body)) : body);
            headers.put("Content-Type", expected.contentType());
        }
        // The step's own headers win over what the document implies.
        with.path("headers").properties().forEach(e -> headers.set(e.getKey(), e.getValue()));
        if (!headers.isEmpty()) {
            input.set("headers", headers);
        }
        for (String passed : List.of("timeout", "paginate")) {
            if (with.has(passed)) {
                input.set(passed, with.get(passed));
            }
        }
        return input;
    }

    private static void query(Parameter p, JsonNode value, ObjectNode query) {
        String style = p.effectiveStyle();
        boolean explode = p.effectiveExplode();
        if (value.isObject()) {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                if (style.equals("deepObject")) {
                    query.put(p.name() + "[" + e.getKey() + "]", ParameterValues.text(e.getValue()));
                } else if (explode) {
                    query.put(e.getKey(), ParameterValues.text(e.getValue()));
                }
            }
            if (!style.equals("deepObject") && !explode) {
                query.put(p.name(), ParameterValues.simple(value, false));
            }
            return;
        }
        if (value.isArray()) {
            String separator = switch (style) {
                case "spaceDelimited" -> " ";
                case "pipeDelimited" -> "|";
                default -> ",";
            };
            if (style.equals("form") && explode) {
                ArrayNode repeated = query.putArray(p.name());
                value.forEach(item -> repeated.add(ParameterValues.text(item)));
            } else {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(ParameterValues.text(item)));
                query.put(p.name(), String.join(separator, items));
            }
            return;
        }
        query.set(p.name(), value.isContainer() ? JsonNodeFactory.instance.stringNode(value.toString()) : value);
    }

    /** Percent-encodes all but RFC 3986's unreserved characters, so a value cannot add a path segment. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }
}
