package dev.braid.engine.run;

import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * The runs {@code call:} steps start (ARCHITECTURE §2 "call"). The engine never starts a run itself: it
 * asks for an id, records it in the step's WAITING checkpoint and answers {@link RunOutcome.Waiting}
 * with a {@link RunOutcome.Call}; the app creates the child run in the same transaction that parks
 * the parent, and wakes the parent when the child ends. On resume the engine asks for the result.
 */
public interface ChildRuns {

    /** For runs that cannot call (tests, dry runs): every call is refused. */
    ChildRuns NONE = new ChildRuns() {
        @Override
        public Optional<String> refusal(String recipe) {
            return Optional.of("Sub-recipe calls are not available here");
        }

        @Override
        public String newRunId() {
            throw new IllegalStateException("No child runs here");
        }

        @Override
        public Optional<ChildResult> result(String runId) {
            return Optional.empty();
        }

        @Override
        public void abandon(String runId) {
        }
    };

    /** Why {@code recipe} cannot be called (unknown, or its trigger is not {@code manual}); empty when it can. */
    Optional<String> refusal(String recipe);

    /** A fresh id for a child run. */
    String newRunId();

    /** How the child run ended; empty while it has not ended. */
    Optional<ChildResult> result(String runId);

    /**
     * The caller stopped waiting (its {@code timeout} passed): the child is cancelled if it has not
     * ended, so no work goes on whose result nobody will read.
     */
    void abandon(String runId);

    /** A child's end: its output when it succeeded, else its error (a cancelled child is a failure too). */
    record ChildResult(boolean succeeded, JsonNode output, StepError error) {}
}
