package dev.braid.app.flow;

import java.time.Duration;
import java.util.Set;

import dev.braid.engine.model.Durations;
import tools.jackson.databind.JsonNode;

/**
 * A connection's flow control as stored in {@code connections.flow_control}:
 * {@code {circuitBreaker: {...}, rateLimit: {requests, per}}}; either part may be absent.
 */
public record FlowSettings(Breaker circuitBreaker, Limit rateLimit) {

    public static final FlowSettings NONE = new FlowSettings(null, null);

    public record Breaker(float failureRateThreshold, int minimumCalls, int slidingWindow, Duration openFor,
                          int halfOpenCalls) {}

    public record Limit(int requests, Duration per) {}

    public boolean none() {
        return circuitBreaker == null && rateLimit == null;
    }

    /** Reads the stored JSON; {@code null} or an empty object means no flow control. */
    public static FlowSettings of(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NONE;
        }
        onlyKeys(node, "", Set.of("circuitBreaker", "rateLimit"));
        JsonNode cb = node.get("circuitBreaker");
        JsonNode rl = node.get("rateLimit");
        Breaker breaker = null;
        if (cb != null && !cb.isNull()) {
            onlyKeys(cb, "circuitBreaker.", Set.of("failureRateThreshold", "minimumCalls", "slidingWindow", "openFor",
                    "halfOpenCalls"));
            int threshold = integer(cb, "circuitBreaker.", "failureRateThreshold", 50, 1);
            if (threshold > 100) {
                throw new FlowSettingsException("circuitBreaker.failureRateThreshold",
                        "is a percentage; write a number from 1 to 100");
            }
            int window = integer(cb, "circuitBreaker.", "slidingWindow", 10, 1);
            int minimum = integer(cb, "circuitBreaker.", "minimumCalls", Math.min(5, window), 1);
            breaker = new Breaker(threshold, minimum, window, duration(cb, "circuitBreaker.", "openFor",
                    Duration.ofSeconds(30)), integer(cb, "circuitBreaker.", "halfOpenCalls", 1, 1));
        }
        Limit limit = null;
        if (rl != null && !rl.isNull()) {
            onlyKeys(rl, "rateLimit.", Set.of("requests", "per"));
            if (!rl.has("requests") || !rl.has("per")) {
                throw new FlowSettingsException(rl.has("requests") ? "rateLimit.per" : "rateLimit.requests",
                        "is required; write e.g. rateLimit: {requests: 10, per: 1s}");
            }
            limit = new Limit(integer(rl, "rateLimit.", "requests", 1, 1), duration(rl, "rateLimit.", "per", null));
        }
        return new FlowSettings(breaker, limit);
    }

    private static void onlyKeys(JsonNode node, String prefix, Set<String> allowed) {
        if (!node.isObject()) {
            throw new FlowSettingsException(prefix.isEmpty() ? "flowControl" : prefix.substring(0, prefix.length() - 1),
                    "must be an object");
        }
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                throw new FlowSettingsException(prefix + key, "is not a known field; use one of " + allowed);
            }
        }
    }

    private static int integer(JsonNode node, String prefix, String key, int fallback, int min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > Integer.MAX_VALUE) {
            throw new FlowSettingsException(prefix + key, "must be a whole number of at least " + min);
        }
        return v.asInt();
    }

    private static Duration duration(JsonNode node, String prefix, String key, Duration fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        Duration d;
        try {
            d = Durations.parse(v.isString() ? v.asString() : v.toString());
        } catch (IllegalArgumentException e) {
            throw new FlowSettingsException(prefix + key, "is not a duration; write e.g. 500ms, 10s or 1m");
        }
        if (d.isZero()) {
            throw new FlowSettingsException(prefix + key, "must be longer than zero; write e.g. 1s");
        }
        return d;
    }

    /** A field of the flow control settings is wrong; {@code field} is its dotted path. */
    public static final class FlowSettingsException extends IllegalArgumentException {
        private final String field;

        public FlowSettingsException(String field, String fix) {
            super(field + " " + fix);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
