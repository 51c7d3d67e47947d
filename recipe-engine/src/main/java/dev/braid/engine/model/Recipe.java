package dev.braid.engine.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * A parsed, validated recipe (DESIGN §2). {@code definition} is the document as JSON, normalised
 * (what the API stores and answers); the other fields are its typed reading.
 */
public record Recipe(
        String slug,
        String name,
        String description,
        boolean enabled,
        Trigger trigger,
        List<Step> steps,
        RetrySpec retry,
        Duration timeout,
        Concurrency concurrency,
        OnError onError,
        JsonNode definition) {

    public Recipe {
        steps = List.copyOf(steps);
        retry = retry == null ? RetrySpec.NONE : retry;
        onError = onError == null ? OnError.DEFAULT : onError;
    }

    public Optional<Duration> runTimeout() {
        return Optional.ofNullable(timeout);
    }

    public Optional<Concurrency> concurrencyLimit() {
        return Optional.ofNullable(concurrency);
    }

    /** {@code concurrency: {limit, key}}; {@code key} is a bare expression or null. */
    public record Concurrency(int limit, String key) {}

    /** {@code onError: {deadLetter, notify: {recipe}}}. */
    public record OnError(boolean deadLetter, String notifyRecipe) {
        public static final OnError DEFAULT = new OnError(true, null);
    }
}
