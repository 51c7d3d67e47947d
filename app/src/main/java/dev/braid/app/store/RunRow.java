package dev.braid.app.store;

import java.time.Instant;
import java.util.UUID;

import dev.braid.engine.run.RunStatus;
import tools.jackson.databind.JsonNode;

/** One row of the runs table (the queue). */
public record RunRow(
        UUID id,
        String recipe,
        int recipeVersion,
        RunStatus status,
        String origin,
        UUID replayOf,
        UUID eventId,
        JsonNode trigger,
        int attempt,
        Instant nextAttemptAt,
        String lockedBy,
        Instant lockedUntil,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        JsonNode output,
        JsonNode error,
        UUID deadLetterId,
        UUID parentRunId,
        String waitReason,
        JsonNode keys) {

    /** A run without business keys. */
    public RunRow(UUID id, String recipe, int recipeVersion, RunStatus status, String origin, UUID replayOf, UUID eventId,
                  JsonNode trigger, int attempt, Instant nextAttemptAt, String lockedBy, Instant lockedUntil,
                  Instant createdAt, Instant startedAt, Instant finishedAt, JsonNode output, JsonNode error,
                  UUID deadLetterId, UUID parentRunId, String waitReason) {
        this(id, recipe, recipeVersion, status, origin, replayOf, eventId, trigger, attempt, nextAttemptAt, lockedBy,
                lockedUntil, createdAt, startedAt, finishedAt, output, error, deadLetterId, parentRunId, waitReason, null);
    }

    /** A run that is nobody's child and waits for nothing (webhook sync runs are built this way). */
    public RunRow(UUID id, String recipe, int recipeVersion, RunStatus status, String origin, UUID replayOf, UUID eventId,
                  JsonNode trigger, int attempt, Instant nextAttemptAt, String lockedBy, Instant lockedUntil,
                  Instant createdAt, Instant startedAt, Instant finishedAt, JsonNode output, JsonNode error,
                  UUID deadLetterId) {
        this(id, recipe, recipeVersion, status, origin, replayOf, eventId, trigger, attempt, nextAttemptAt, lockedBy,
                lockedUntil, createdAt, startedAt, finishedAt, output, error, deadLetterId, null, null);
    }
}
