package dev.braid.engine.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * What an action answers: the step's output, visible to later steps as {@code steps.<id>.output};
 * or a request to wait durably ({@link #waitUntil}): the run is parked in the queue, no thread
 * sleeps, and the action is called again after {@code until} with {@code output} as
 * {@link ActionContext#resumedState()} (how {@code core.delay} works).
 */
public record ActionResult(JsonNode output, Instant waitUntil) {

    public ActionResult {
        Objects.requireNonNull(output, "output");
    }

    public static ActionResult of(JsonNode output) {
        return new ActionResult(output, null);
    }

    /** Call me again after {@code until}; {@code state} comes back as {@link ActionContext#resumedState()}. */
    public static ActionResult waitUntil(Instant until, JsonNode state) {
        return new ActionResult(state, Objects.requireNonNull(until, "until"));
    }

    public Optional<Instant> waiting() {
        return Optional.ofNullable(waitUntil);
    }
}
