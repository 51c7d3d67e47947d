package dev.braid.engine.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * A parsed, validated recipe (ARCHITECTURE §2). {@code definition} is the document as JSON, normalised
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
        JsonNode definition,
        Ordering ordering,
        Map<String, String> index) {

    /** At most this many business keys ({@code index:}) per recipe. */
    public static final int MAX_INDEX_KEYS = 5;

    public Recipe {
        steps = List.copyOf(steps);
        index = index == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(index));
        retry = retry == null ? RetrySpec.NONE : retry;
        onError = onError == null ? OnError.DEFAULT : onError;
    }

    /** A recipe without {@code ordering:}. */
    public Recipe(String slug, String name, String description, boolean enabled, Trigger trigger, List<Step> steps,
                  RetrySpec retry, Duration timeout, Concurrency concurrency, OnError onError, JsonNode definition) {
        this(slug, name, description, enabled, trigger, steps, retry, timeout, concurrency, onError, definition, null);
    }

    /** A recipe without {@code index:}. */
    public Recipe(String slug, String name, String description, boolean enabled, Trigger trigger, List<Step> steps,
                  RetrySpec retry, Duration timeout, Concurrency concurrency, OnError onError, JsonNode definition,
                  Ordering ordering) {
        this(slug, name, description, enabled, trigger, steps, retry, timeout, concurrency, onError, definition, ordering,
                Map.of());
    }

    public Optional<Duration> runTimeout() {
        return Optional.ofNullable(timeout);
    }

    public Optional<Concurrency> concurrencyLimit() {
        return Optional.ofNullable(concurrency);
    }

    public Optional<Ordering> orderingKey() {
        return Optional.ofNullable(ordering);
    }

    /**
     * {@code ordering: {key}} (ARCHITECTURE §11): the runs of one value of {@code key} (a bare expression over
     * {@code {trigger}}) run one after another, in the order their events were accepted.
     */
    public record Ordering(String key) {}

    /**
     * {@code index: {name: expression}} (ARCHITECTURE §10, business keys): in the order written, at most
     * {@value #MAX_INDEX_KEYS} names, each a bare expression over the trigger as steps see it, evaluated when
     * an event is accepted and stored with its run so that runs can be found by the value.
     */
    public Map<String, String> businessKeys() {
        return index;
    }

    /** {@code concurrency: {limit, key}}; {@code key} is a bare expression or null. */
    public record Concurrency(int limit, String key) {}

    /** {@code onError: {deadLetter, notify: {recipe}}}. */
    public record OnError(boolean deadLetter, String notifyRecipe) {
        public static final OnError DEFAULT = new OnError(true, null);
    }
}
