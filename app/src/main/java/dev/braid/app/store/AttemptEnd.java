package dev.braid.app.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * How an attempt ends ({@link RunStore#finish}): succeeded with an output; failed with an error and
 * maybe a dead letter; {@code retrying} at its next attempt time; or {@code waiting} for
 * {@code waitReason} until {@code nextAttemptAt}, or — with {@code untilWoken} — until a child run
 * wakes it. {@code started} are runs to create with it (the called child, the notified recipe's run).
 */
public record AttemptEnd(RunChange change, String outputJson, String errorJson, Instant nextAttemptAt,
                         boolean untilWoken, String waitReason, DeadLetter deadLetter, List<StartedRun> started) {

    /** The changes that end an attempt; the others are the queue's and the operators'. */
    static final Set<RunChange> ENDINGS = EnumSet.of(RunChange.SUCCEED, RunChange.FAIL, RunChange.RETRY_AT, RunChange.WAIT);

    public AttemptEnd {
        started = started == null ? List.of() : List.copyOf(started);
        if (!ENDINGS.contains(change)) {
            throw new IllegalArgumentException(change + " does not end an attempt; an attempt ends with one of " + ENDINGS);
        }
    }

    public static AttemptEnd succeeded(String outputJson) {
        return new AttemptEnd(RunChange.SUCCEED, outputJson, null, null, false, null, null, List.of());
    }

    public static AttemptEnd failed(String errorJson, DeadLetter deadLetter, List<StartedRun> started) {
        return new AttemptEnd(RunChange.FAIL, null, errorJson, null, false, null, deadLetter, started);
    }

    public static AttemptEnd retrying(String errorJson, Instant nextAttemptAt) {
        return new AttemptEnd(RunChange.RETRY_AT, null, errorJson, nextAttemptAt, false, null, null, List.of());
    }

    public static AttemptEnd waiting(String reason, Instant until, StartedRun child) {
        return new AttemptEnd(RunChange.WAIT, null, null, until, until == null, reason, null,
                child == null ? List.of() : List.of(child));
    }

    /** Ends the run for good (finished_at is set, a parent waiting for it is woken). */
    public boolean finished() {
        return change.to().terminal();
    }

    /**
     * A run created by the statement that ends another: {@code origin} {@code call} (its parent is the
     * ending run, {@code parentStep} the call step) or {@code notify}. Queued, never pre-leased.
     */
    public record StartedRun(UUID id, String recipe, int version, String origin, String parentStep, String triggerJson,
                             String concurrencyKey, Integer concurrencyLimit) {}

    /** The dead letter a failed run leaves, written by the same statement ({@link DeadLetterStore#FOR_ENDED_RUN}). */
    public record DeadLetter(UUID id, String recipe, String step, String errorJson, String payloadJson) {}
}
