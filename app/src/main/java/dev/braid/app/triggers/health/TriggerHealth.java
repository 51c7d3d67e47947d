package dev.braid.app.triggers.health;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.JsonNode;

/**
 * One row of the trigger health board: a recipe, its trigger type, a {@code state} — {@code ok},
 * {@code starting} (not reading yet), {@code lagging} (reading, but behind) or {@code failing} (not reading,
 * {@code detail} says why) — since when that state's evidence dates ({@code since}, may be null), a sentence
 * for a person, and the figures of its type (only that one is present).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerHealth(String recipe, String name, String type, String state, Instant since, String detail,
                            Kafka kafka, Cdc cdc, Poll poll, Schedule schedule, Webhook webhook) {

    public static final String OK = "ok";
    public static final String STARTING = "starting";
    public static final String LAGGING = "lagging";
    public static final String FAILING = "failing";

    /** {@code lag}: messages not yet committed by the recipe's consumer group; {@code readers}: the hosts that hold partitions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Kafka(String topic, Long lag, Integer partitions, Integer assigned, List<String> readers, String groupState) {}

    /** The source's replication slot: lag and retained WAL in bytes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cdc(String connection, String slot, boolean exists, boolean active, boolean streaming, Long lagBytes,
                      Long retainedBytes) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Poll(JsonNode cursor, Instant lastPoll, Instant nextPoll, String every, String cron, String lastError,
                       Instant lastErrorAt) {}

    /** {@code missed}: fire times of the last 24 h (after the recipe's last save) without a recorded event. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(String cron, String timezone, Instant lastFire, Instant nextFire, int missed) {}

    /** Refusals of the last 24 h by status: 401 (signature), 413 (too large), 429 (rate limit). */
    public record Webhook(Map<Integer, Long> refusals) {}

    TriggerHealth with(String state, Instant since, String detail) {
        return new TriggerHealth(recipe, name, type, state, since, detail, kafka, cdc, poll, schedule, webhook);
    }
}
