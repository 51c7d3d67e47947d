package dev.braid.app.triggers.kafka;

import java.time.Duration;

import dev.braid.engine.model.Durations;
import tools.jackson.databind.JsonNode;

/**
 * The {@code kafka:} trigger of a recipe as the consumer needs it (the parser has already checked it,
 * DESIGN §2): {@code format} json (default) or text, {@code startFrom} latest (default) or earliest
 * (the consumer group's {@code auto.offset.reset}: it applies only while the group has no committed
 * offset), an optional {@code idempotencyKey} expression and an optional {@code batch}.
 */
record KafkaTriggerSettings(String topic, String connection, boolean json, String startFrom, String idempotencyKey,
                            Batch batch) {

    /** {@code batch: {maxSize, maxWait, key}}; a batch is flushed at maxSize events or maxWait after its first. */
    record Batch(int maxSize, Duration maxWait, String key) {
        static final int DEFAULT_MAX_SIZE = 500;
        static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);
    }

    static KafkaTriggerSettings of(JsonNode settings) {
        JsonNode batch = settings.path("batch");
        return new KafkaTriggerSettings(
                settings.path("topic").asString(),
                text(settings, "connection"),
                !"text".equals(text(settings, "format")),
                "earliest".equals(text(settings, "startFrom")) ? "earliest" : "latest",
                text(settings, "idempotencyKey"),
                batch.isObject() ? new Batch(
                        batch.path("maxSize").isNumber() ? batch.path("maxSize").asInt() : Batch.DEFAULT_MAX_SIZE,
                        batch.hasNonNull("maxWait") ? Durations.parse(batch.path("maxWait").asString()) : Batch.DEFAULT_MAX_WAIT,
                        text(batch, "key"))
                        : null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
