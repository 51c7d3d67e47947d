package dev.braid.connectors.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a dry run shows of an HTTP request: {@code {dryRun, method, url (with its query), headers, body}} exactly
 * as it would be sent, except the connection's credentials: the header its {@code auth} adds shows {@code ***}
 * (an oauth2 token is not even fetched). A JSON body is shown as JSON, any other as its text.
 */
final class DryRun {

    static final String MASK = "***";

    private DryRun() {}

    static ObjectNode describe(OutgoingRequest request, HttpAuth auth) {
        ObjectNode out = JsonNodeFactory.instance.objectNode()
                .put("dryRun", true)
                .put("method", request.method())
                .put("url", request.uri().toString());
        ObjectNode headers = out.putObject("headers");
        Map<String, String> credentials = auth.headers(MASK);
        request.headers().forEach((name, value) -> {
            if (credentials.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                headers.put(name, value);
            }
        });
        credentials.forEach((name, value) -> headers.put(name, MASK));
        byte[] bytes = request.body().bytes();
        if (bytes != null) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            String type = contentType(request.headers());
            JsonNode json = null;
            if (type != null && type.toLowerCase(Locale.ROOT).contains("json")) {
                try {
                    json = JsonMapper.shared().readTree(text);
                } catch (RuntimeException e) {
                    // a body labelled JSON that is not: shown as the text it is
                }
            }
            if (json != null) {
                out.set("body", json);
            } else {
                out.put("body", text);
            }
        }
        return out;
    }

    private static String contentType(Map<String, String> headers) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
