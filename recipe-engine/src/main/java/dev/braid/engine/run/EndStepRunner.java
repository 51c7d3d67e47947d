package dev.braid.engine.run;

import java.time.Instant;
import java.util.Optional;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.StringNode;

/**
 * {@code stop} and {@code fail}: the steps that end the run on purpose, wherever they are nested.
 * Each writes one record, not durable (the end of the run commits it): stop SUCCEEDED with its
 * output, fail FAILED with an error of type {@code recipe.fail}.
 */
final class EndStepRunner {

    private final Walk walk;

    EndStepRunner(Walk walk) {
        this.walk = walk;
    }

    Flow stop(Step.StopStep step, String path, Scope scope, Optional<StepRecord> previous) {
        int attempt = Walk.attemptAfter(previous);
        Instant startedAt = walk.now();
        JsonNode output;
        try {
            output = step.output() == null ? NullNode.getInstance() : walk.expressions.render(step.output(), scope.context());
        } catch (ExpressionException e) {
            return walk.failed(path, attempt, null, startedAt, new StepError("expression", e.getMessage(), false), false);
        }
        walk.checkpoints.record(new StepRecord(path, StepStatus.SUCCEEDED, attempt, null, output, null, startedAt, walk.now()), false);
        return new Flow.End(new RunOutcome.Succeeded(output));
    }

    Flow fail(Step.FailStep step, String path, Scope scope, Optional<StepRecord> previous) {
        Instant startedAt = walk.now();
        StepError error;
        try {
            error = new StepError("recipe.fail", message(step, path, scope), false);
        } catch (ExpressionException e) {
            error = new StepError("expression", e.getMessage(), false);
        }
        return walk.failed(path, Walk.attemptAfter(previous), null, startedAt, error, false);
    }

    private String message(Step.FailStep step, String path, Scope scope) {
        if (step.message() == null || step.message().isBlank()) {
            return "The recipe failed at step '" + path + "'";
        }
        JsonNode rendered = walk.expressions.render(StringNode.valueOf(step.message()), scope.context());
        return rendered.isString() ? rendered.asString() : rendered.toString();
    }
}
