package dev.braid.engine.model;

import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A step of a recipe. Ids are unique within the recipe; a step's path prefixes its id with its
 * parents' ({@code big.alert}, {@code lines[2].reserve}).
 */
public sealed interface Step {

    String id();

    /** {@code action} + {@code with}: calls a connector. {@code with} is a template (strings may hold {@code {{ }}}). */
    record ActionStep(
            String id,
            String action,
            String connection,
            JsonNode with,
            RetrySpec retry,
            Duration timeout,
            boolean continueOnError) implements Step {
        public ActionStep {
            retry = retry == null ? RetrySpec.NONE : retry;
        }
    }

    /**
     * {@code call: <recipe slug>} with {@code with} (a template: the child run's trigger body): starts
     * that recipe's run, which must have a {@code manual} trigger, and waits for its output without
     * holding a thread. The child's failure fails the step like an action's.
     */
    record CallStep(String id, String recipe, JsonNode with, Duration timeout, boolean continueOnError) implements Step {}

    /** {@code if} (bare expression) with {@code then} and optional {@code else}. */
    record IfStep(String id, String condition, List<Step> then, List<Step> otherwise) implements Step {
        public IfStep {
            then = List.copyOf(then);
            otherwise = otherwise == null ? List.of() : List.copyOf(otherwise);
        }
    }

    /**
     * {@code foreach} (bare expression yielding an array), {@code as} (default {@code item}),
     * {@code chunk} (0: one item per iteration; N: an array of up to N items), {@code parallel}
     * (iterations at once, at least 1).
     */
    record ForeachStep(String id, String items, String as, int chunk, int parallel, List<Step> steps) implements Step {
        public ForeachStep {
            steps = List.copyOf(steps);
            as = as == null ? "item" : as;
            parallel = Math.max(1, parallel);
        }
    }

    /** {@code stop}: end the run successfully; {@code output} (a template, may be null) is the run's output. */
    record StopStep(String id, JsonNode output) implements Step {}

    /** {@code fail}: end the run with an error; {@code message} is a template. */
    record FailStep(String id, String message) implements Step {}
}
