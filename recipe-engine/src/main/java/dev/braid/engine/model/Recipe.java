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
        Retention retention,
        Sla sla,
        List<Alert> alerts,
        Map<String, String> index) {

    /** At most this many business keys ({@code index:}) per recipe. */
    public static final int MAX_INDEX_KEYS = 5;

    public Recipe {
        steps = List.copyOf(steps);
        index = index == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(index));
        retry = retry == null ? RetrySpec.NONE : retry;
        onError = onError == null ? OnError.DEFAULT : onError;
        retention = retention == null ? Retention.DEFAULT : retention;
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /** A recipe without {@code sla:}, {@code alerts:} and {@code index:}. */
    public Recipe(String slug, String name, String description, boolean enabled, Trigger trigger, List<Step> steps,
                  RetrySpec retry, Duration timeout, Concurrency concurrency, OnError onError, JsonNode definition,
                  Ordering ordering, Retention retention) {
        this(slug, name, description, enabled, trigger, steps, retry, timeout, concurrency, onError, definition, ordering,
                retention, null, null, null);
    }

    /** A recipe without {@code retention:} (the server's defaults apply), {@code sla:}, {@code alerts:} and {@code index:}. */
    public Recipe(String slug, String name, String description, boolean enabled, Trigger trigger, List<Step> steps,
                  RetrySpec retry, Duration timeout, Concurrency concurrency, OnError onError, JsonNode definition,
                  Ordering ordering) {
        this(slug, name, description, enabled, trigger, steps, retry, timeout, concurrency, onError, definition, ordering, null);
    }

    /** A recipe without {@code ordering:} either. */
    public Recipe(String slug, String name, String description, boolean enabled, Trigger trigger, List<Step> steps,
                  RetrySpec retry, Duration timeout, Concurrency concurrency, OnError onError, JsonNode definition) {
        this(slug, name, description, enabled, trigger, steps, retry, timeout, concurrency, onError, definition, null, null);
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
     * {@code retention: {history, summaries}} (ARCHITECTURE §10): how long step inputs/outputs and logs, and
     * the run summaries themselves, are kept after a run was created; null: the server's default.
     */
    public record Retention(Duration history, Duration summaries) {
        public static final Retention DEFAULT = new Retention(null, null);
    }

    /**
     * {@code sla: {maxLatency, notify: {recipe}, quiet}} (ARCHITECTURE §10): runs whose received → finished
     * time is over {@code maxLatency} are breaches; with a notify recipe, it is started with the breaches,
     * at most once per {@code quiet} (default 5 minutes).
     */
    public record Sla(Duration maxLatency, String notifyRecipe, Duration quiet) {
        public static final Duration DEFAULT_QUIET = Duration.ofMinutes(5);
    }

    /**
     * One of {@code alerts:} (ARCHITECTURE §10): {@code errorRate: {above, window}} (failed share of ended
     * runs, 0..1), {@code deadLetters: {above}} (open ones) or {@code silence: {for}} (no run created for
     * that long); {@code notify} starts a recipe when it trips and when it clears.
     */
    public record Alert(Rule rule, double above, Duration window, String notifyRecipe) {
        public enum Rule {
            ERROR_RATE("errorRate"), DEAD_LETTERS("deadLetters"), SILENCE("silence");

            private final String wire;

            Rule(String wire) {
                this.wire = wire;
            }

            public String wire() {
                return wire;
            }
        }
    }

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
