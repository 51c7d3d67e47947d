package dev.braid.engine.run;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * The journal entry of one step path in one run: what the run detail shows and what a resumed run
 * reads back instead of repeating the step. {@code input}, {@code output}, {@code error},
 * {@code finishedAt} may be null.
 */
public record StepRecord(
        String path,
        StepStatus status,
        int attempts,
        JsonNode input,
        JsonNode output,
        StepError error,
        Instant startedAt,
        Instant finishedAt) {}
