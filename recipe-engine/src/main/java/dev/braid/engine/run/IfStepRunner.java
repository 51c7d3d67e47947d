package dev.braid.engine.run;

import java.time.Instant;
import java.util.Optional;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An {@code if}: decide the branch, record the decision, run the branch's steps under
 * {@code <ifId>.}. Their outputs stay visible after the if (an if opens no scope). The steps of the
 * branch not taken are not recorded.
 *
 * <p>Journal records (not durable): RUNNING with input {@code {condition}} and output
 * {@code {branch, result}} before the branch runs, so a resumed run takes the recorded branch even if
 * the data the condition read has changed; SUCCEEDED after it (or FAILED/RETRYING when a step of the
 * branch ended the run).
 */
final class IfStepRunner {

    private final Walk walk;

    IfStepRunner(Walk walk) {
        this.walk = walk;
    }

    Flow run(Step.IfStep step, String path, Scope scope, Optional<StepRecord> previous) {
        boolean finished = previous.map(r -> r.status() == StepStatus.SUCCEEDED).orElse(false);
        int attempt = Walk.attemptAfter(previous);
        Instant startedAt = walk.now();
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("condition", step.condition());

        Optional<Boolean> recorded = previous.flatMap(IfStepRunner::recordedResult);
        boolean result;
        if (recorded.isPresent()) {
            result = recorded.get();
        } else {
            try {
                result = walk.expressions.test(step.condition(), scope.context());
            } catch (ExpressionException e) {
                return walk.failed(path, attempt, input, startedAt, new StepError("expression", e.getMessage(), false), false);
            }
        }
        ObjectNode output = JsonNodeFactory.instance.objectNode()
                .put("branch", result ? "then" : "else")
                .put("result", result);
        if (!finished) {
            walk.checkpoints.record(new StepRecord(path, StepStatus.RUNNING, attempt, input, output, null, startedAt, null), false);
        }
        Flow branch = walk.steps(result ? step.then() : step.otherwise(), path + ".", scope);
        if (branch instanceof Flow.End end) {
            if (!finished) {
                walk.closeContainer(path, attempt, input, output, startedAt, end);
            }
            return end;
        }
        if (!finished) {
            walk.checkpoints.record(new StepRecord(path, StepStatus.SUCCEEDED, attempt, input, output, null, startedAt, walk.now()), false);
        }
        return new Flow.Next(output);
    }

    private static Optional<Boolean> recordedResult(StepRecord record) {
        JsonNode branch = record.output() == null ? null : record.output().get("branch");
        if (branch == null || !branch.isString()) {
            return Optional.empty();
        }
        return Optional.of("then".equals(branch.asString()));
    }
}
