package dev.braid.connectors.http;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bytes of a request body and the content type they imply when the step sets none: a string is
 * text, anything else JSON; an object under an explicit form content type is form-encoded.
 */
record RequestBody(byte[] bytes, String impliedContentType) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain;charset=utf-8";
    private static final String FORM = "application/x-www-form-urlencoded";

    static final RequestBody NONE = new RequestBody(null, null);

    /**
     * @param body        the step's {@code body}, or a missing or null node for none
     * @param contentType the content type the step or connection set, or {@code null}
     */
    static RequestBody of(JsonNode body, String contentType) throws ActionException {
        if (body == null || body.isMissingNode() || body.isNull()) {
            return NONE;
        }
        if (body.isString()) {
            // Sent verbatim whatever the content type: a string under application/json is JSON text the author wrote.
            return new RequestBody(body.stringValue().getBytes(StandardCharsets.UTF_8), TEXT);
        }
        if (body.isObject() && contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return new RequestBody(FormEncoding.encode(body, "with.body").getBytes(StandardCharsets.UTF_8), FORM);
        }
        return new RequestBody(JsonMapper.shared().writeValueAsString(body).getBytes(StandardCharsets.UTF_8), JSON);
    }

    boolean present() {
        return bytes != null;
    }

    HttpRequest.BodyPublisher publisher() {
        return present() ? HttpRequest.BodyPublishers.ofByteArray(bytes) : HttpRequest.BodyPublishers.noBody();
    }
}
