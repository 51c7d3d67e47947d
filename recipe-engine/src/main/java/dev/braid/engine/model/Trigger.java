package dev.braid.engine.model;

import java.time.Duration;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * The one trigger of a recipe: its type and its settings as written. Webhook settings have a typed
 * reading because the skeleton's ingress needs them; the other types keep their settings as JSON
 * until their runtimes exist.
 */
public record Trigger(Type type, JsonNode settings, Webhook webhook) {

    public enum Type {
        WEBHOOK, KAFKA, CDC, SCHEDULE, POLL, MANUAL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type fromWire(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * {@code webhook:} settings. {@code idempotencyKey} is a bare JSONata expression over the trigger
     * context or null; {@code secret} a template or null.
     */
    public record Webhook(
            String secret,
            String idempotencyKey,
            Duration dedupeWindow,
            boolean syncResponse,
            Duration respondTimeout,
            RateLimit rateLimit) {

        public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofHours(24);
        public static final Duration DEFAULT_RESPOND_TIMEOUT = Duration.ofSeconds(30);
    }

    /** {@code rateLimit: {requests, per}}. */
    public record RateLimit(int requests, Duration per) {}
}
