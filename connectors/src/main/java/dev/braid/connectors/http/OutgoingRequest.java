package dev.braid.connectors.http;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.model.Durations;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * One {@code http.request} step made concrete: the connection's defaults merged with the step's
 * {@code with:} block, checked, and ready to become a {@link HttpRequest}.
 *
 * @param headers final header names and values; names compare case-insensitively
 */
record OutgoingRequest(String method, URI uri, Map<String, String> headers, RequestBody body, Duration timeout) {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String CONTENT_TYPE = "Content-Type";

    /** Both arguments must already satisfy the action's input and connection schemas. */
    static OutgoingRequest from(JsonNode with, JsonNode connection, String idempotencyKey) throws ActionException {
        String method = with.path("method").asString("GET").toUpperCase(Locale.ROOT);
        JsonNode baseUrl = connection.path("baseUrl");
        URI uri = TargetUrl.resolve(with.get("url").stringValue(),
                baseUrl.isString() ? baseUrl.stringValue() : null, with.path("query"));
        Map<String, String> headers = headers(connection.path("headers"), with.path("headers"), idempotencyKey);
        RequestBody body = RequestBody.of(with.get("body"), headers.get(CONTENT_TYPE));
        if (body.present() && !headers.containsKey(CONTENT_TYPE)) {
            headers.put(CONTENT_TYPE, body.impliedContentType());
        }
        return new OutgoingRequest(method, uri, Collections.unmodifiableMap(headers), body, timeout(with.path("timeout")));
    }

    private static Map<String, String> headers(JsonNode defaults, JsonNode stepHeaders, String idempotencyKey) {
        Map<String, String> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        defaults.properties().forEach(e -> merged.put(e.getKey(), e.getValue().stringValue()));
        // A connection-wide Idempotency-Key would make every call look like a repeat of the first one,
        // so only the step may replace the step's own key.
        merged.remove(IDEMPOTENCY_KEY);
        merged.put(IDEMPOTENCY_KEY, idempotencyKey);
        stepHeaders.properties().forEach(e -> {
            merged.remove(e.getKey());   // so the step's spelling of the name is the one sent
            merged.put(e.getKey(), e.getValue().stringValue());
        });
        return merged;
    }

    private static Duration timeout(JsonNode timeout) throws ActionException {
        if (timeout.isMissingNode()) {
            return DEFAULT_TIMEOUT;
        }
        Duration parsed;
        try {
            parsed = Durations.parse(timeout.stringValue());
        } catch (IllegalArgumentException e) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.timeout: " + e.getMessage(), e);
        }
        if (parsed.isZero()) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.timeout: must be longer than 0");
        }
        return parsed;
    }

    /** The same request to another URI (a next page). */
    OutgoingRequest withUri(URI next) {
        return new OutgoingRequest(method, next, headers, body, timeout);
    }

    /**
     * The request a redirect with {@code status} to {@code next} asks for, as browsers make it: 303
     * turns any method but HEAD into a body-less GET, 301 and 302 turn POST into GET, 307 and 308 keep
     * method and body.
     */
    OutgoingRequest redirectedTo(URI next, int status) {
        boolean toGet = (status == 303 && !method.equals("HEAD")) || ((status == 301 || status == 302) && method.equals("POST"));
        if (!toGet) {
            return withUri(next);
        }
        Map<String, String> kept = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        kept.putAll(headers);
        kept.remove(CONTENT_TYPE);
        return new OutgoingRequest("GET", next, Collections.unmodifiableMap(kept), RequestBody.NONE, timeout);
    }

    /** @param timeout the time this attempt may take: the step's timeout, capped by the run's deadline */
    HttpRequest toHttpRequest(Duration timeout) throws ActionException {
        return toHttpRequest(timeout, headers);
    }

    /** @param sent the headers to send instead of {@link #headers()} (with auth added or removed) */
    HttpRequest toHttpRequest(Duration timeout, Map<String, String> sent) throws ActionException {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).method(method, body.publisher());
            sent.forEach(builder::header);
            return builder.build();
        } catch (IllegalArgumentException e) {
            // The JDK refuses some methods (CONNECT) and headers it manages itself (Host, Content-Length, ...).
            throw ActionException.fatal(JsonSchema.INVALID, describe() + ": " + e.getMessage(), e);
        }
    }

    /** {@code POST https://crm.example/orders}, without query or user info, for messages. */
    String describe() {
        return method + " " + TargetUrl.forMessage(uri);
    }
}
