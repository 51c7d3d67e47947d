package dev.braid.connectors.http;

import java.net.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A response as the step's output: {@code {status, headers, body}}. */
final class ResponseOutput {

    // Trailing garbage after a JSON value means the body is not JSON; the author then gets the text.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResponseOutput() {}

    static ObjectNode of(int status, HttpHeaders headers, byte[] body) {
        ObjectNode out = NODES.objectNode();
        out.put("status", status);
        out.set("headers", headers(headers));
        out.set("body", body(headers, body));
        return out;
    }

    /** Lower-case names, as the trigger context has them; one value as a string, several as an array. */
    static ObjectNode headers(HttpHeaders headers) {
        Map<String, List<String>> byName = new TreeMap<>();
        headers.map().forEach((name, values) -> {
            if (!name.startsWith(":")) {   // HTTP/2 pseudo-headers are framing, not headers
                byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values);
            }
        });
        ObjectNode out = NODES.objectNode();
        byName.forEach((name, values) -> {
            if (values.size() == 1) {
                out.put(name, values.getFirst());
            } else {
                ArrayNode array = out.putArray(name);
                values.forEach(array::add);
            }
        });
        return out;
    }

    static JsonNode body(HttpHeaders headers, byte[] body) {
        if (body.length == 0) {
            return NODES.nullNode();
        }
        String contentType = headers.firstValue("content-type").orElse("");
        if (isJson(contentType)) {
            try {
                JsonNode parsed = JSON.readTree(body);
                if (parsed != null && !parsed.isMissingNode()) {
                    return parsed;
                }
            } catch (JacksonException e) {
                // Servers label error pages as JSON too; the text is still worth showing.
            }
        }
        return NODES.stringNode(new String(body, charset(contentType)));
    }

    /** {@code application/json} and the structured-syntax {@code +json} types such as {@code application/problem+json}. */
    static boolean isJson(String contentType) {
        String mediaType = mediaType(contentType);
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    /** The {@code charset} parameter, UTF-8 when absent or unknown to the JVM. */
    static Charset charset(String contentType) {
        for (String parameter : contentType.split(";")) {
            String[] kv = parameter.strip().split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
                String name = kv[1].strip().replace("\"", "");
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
