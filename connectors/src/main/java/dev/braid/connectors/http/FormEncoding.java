package dev.braid.connectors.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * {@code name=value&...} from a JSON object whose values are scalars or arrays of scalars; an array
 * repeats the name ({@code tag=a&tag=b}), the convention most servers read as a list.
 */
final class FormEncoding {

    private FormEncoding() {}

    static String encode(JsonNode object, String path) throws ActionException {
        StringJoiner pairs = new StringJoiner("&");
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            JsonNode value = e.getValue();
            if (value.isArray()) {
                for (JsonNode item : value) {
                    pairs.add(pair(e.getKey(), item, path));
                }
            } else {
                pairs.add(pair(e.getKey(), value, path));
            }
        }
        return pairs.toString();
    }

    private static String pair(String name, JsonNode value, String path) throws ActionException {
        if (!(value.isString() || value.isNumber() || value.isBoolean())) {
            throw ActionException.fatal(JsonSchema.INVALID, path + "." + name
                    + ": expected a string, number, boolean or an array of them");
        }
        return component(name) + "=" + component(value.asString());
    }

    // URLEncoder writes a space as '+', which only form bodies read as a space; %20 means a space everywhere.
    private static String component(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
