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
}
