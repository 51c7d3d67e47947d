package dev.braid.engine.run;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/** How an execution of a run ended. */
public sealed interface RunOutcome {

    /** The run finished; {@code output} is the stop step's output, else the last top-level step's. */
    record Succeeded(JsonNode output) implements RunOutcome {}

    /** The run failed at {@code stepPath} (null when not at a step, e.g. the run timed out). */
    record Failed(String stepPath, StepError error) implements RunOutcome {}

    /** A step failed retryably and has attempts left: run it again at {@code nextAttemptAt}. */
    record Retry(String stepPath, StepError error, Instant nextAttemptAt) implements RunOutcome {}

    /**
     * The run waits without holding a thread (ARCHITECTURE §3 status {@code waiting}): until {@code wakeAt}
     * for a durable delay, an open circuit or a rate limit, or until the run named in {@code call}
     * ends, for a {@code call:} step ({@code wakeAt} then is its timeout's deadline, or null without
     * one). {@code reason} is {@code delay}, {@code circuit}, {@code rate-limit} or {@code call}. No
     * attempt of the step is spent.
     */
    record Waiting(String stepPath, String reason, Instant wakeAt, Call call) implements RunOutcome {
        public Waiting {
            if (wakeAt == null && call == null) {
                throw new IllegalArgumentException("A wait needs a wake time, a called run, or both");
            }
        }
    }

    /** The child run a {@code call:} step starts: its id (from {@link ChildRuns#newRunId}), recipe and trigger body. */
    record Call(String runId, String recipe, JsonNode input) {}
}
