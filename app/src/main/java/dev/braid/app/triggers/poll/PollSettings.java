package dev.braid.app.triggers.poll;

import java.time.Duration;

import dev.braid.engine.model.Durations;
import tools.jackson.databind.JsonNode;

/**
 * A recipe's {@code poll:} settings (DESIGN §2), already validated by the parser: how often
 * ({@code every} or a {@code cron} in UTC), how to read ({@code query} over the sql
 * {@code connection}, or any {@code action} with {@code with}), the row field that is the
 * {@code cursor} and its {@code initialCursor}, an optional {@code idempotencyKey} expression and
 * {@code batch: {maxSize}}.
 */
record PollSettings(String connection, Duration every, String cron, String query, String action, JsonNode with,
                    String cursor, JsonNode initialCursor, String idempotencyKey, Integer batchMaxSize) {

    static PollSettings of(JsonNode s) {
        JsonNode batch = s.path("batch");
        return new PollSettings(
                text(s, "connection"),
                s.hasNonNull("every") ? Durations.parse(s.get("every").asString()) : null,
                text(s, "cron"),
                text(s, "query"),
                text(s, "action"),
                s.get("with"),
                text(s, "cursor"),
                s.hasNonNull("initialCursor") ? s.get("initialCursor") : null,
                text(s, "idempotencyKey"),
                batch.hasNonNull("maxSize") ? batch.get("maxSize").asInt() : null);
    }

    private static String text(JsonNode s, String name) {
        return s.hasNonNull(name) ? s.get(name).asString() : null;
    }
}
