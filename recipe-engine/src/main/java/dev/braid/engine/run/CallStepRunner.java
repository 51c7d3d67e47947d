package dev.braid.engine.run;

import java.time.Instant;
import java.util.Optional;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.Durations;
import dev.braid.engine.model.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code call: <recipe>}: starts a child run and waits for it without holding a thread. First pass:
 * the step is recorded WAITING (durable) with the child's id, and the run ends this execution with a
 * {@link RunOutcome.Waiting} carrying the {@link RunOutcome.Call}; the app creates the child in the
 * same transaction that parks this run, and wakes this run when the child ends. Next pass: the
 * child's result settles the step — its output, or its failure handled like an action's (fatal,
 * {@code onError: continue} honoured). A child that has not ended yet (a spurious wake-up) parks the
 * run again with the same call, which the app creates at most once. With a {@code timeout} the run
 * also wakes at the deadline; a child still unfinished then is abandoned (cancelled) and the step
 * fails with {@code call.timeout}, which is not retried: a second child would repeat the first's work.
 */
final class CallStepRunner {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Walk walk;

    CallStepRunner(Walk walk) {
        this.walk = walk;
    }

    Flow run(Step.CallStep step, String path, Scope scope, Optional<StepRecord> previous) {
        int attempt = Walk.attemptAfter(previous);
        Optional<StepRecord> parked = previous.filter(r -> r.status() == StepStatus.WAITING && r.output() != null
                && r.output().path("runId").isString());
        if (parked.isPresent()) {
            return resume(step, path, attempt, parked.get());
        }
        Instant startedAt = walk.now();
        JsonNode input;
        try {
            input = step.with() == null ? NODES.objectNode() : walk.expressions.render(step.with(), scope.context());
        } catch (ExpressionException e) {
            return walk.stepFailed(path, attempt, null, startedAt, new StepError("expression", e.getMessage(), false),
                    step.continueOnError());
        }
        ChildRuns calls = walk.request.calls();
        Optional<String> refusal = calls.refusal(step.recipe());
        if (refusal.isPresent()) {
            return walk.stepFailed(path, attempt, input, startedAt, new StepError("call.refused",
                    "Step '" + path + "' cannot call recipe '" + step.recipe() + "': " + refusal.get(), false),
                    step.continueOnError());
        }
        String childId = calls.newRunId();
        ObjectNode output = NODES.objectNode();
        output.put("runId", childId);
        output.put("recipe", step.recipe());
        walk.checkpoints.record(new StepRecord(path, StepStatus.WAITING, attempt, input, output, null, startedAt, null), true);
        return new Flow.End(new RunOutcome.Waiting(path, "call", deadline(step, startedAt),
                new RunOutcome.Call(childId, step.recipe(), input)));
    }

    private static Instant deadline(Step.CallStep step, Instant startedAt) {
        return step.timeout() == null ? null : startedAt.plus(step.timeout());
    }

    private Flow resume(Step.CallStep step, String path, int attempt, StepRecord parked) {
        String childId = parked.output().path("runId").asString();
        Optional<ChildRuns.ChildResult> result = walk.request.calls().result(childId);
        if (result.isEmpty()) {
            Instant deadline = deadline(step, parked.startedAt());
            if (deadline != null && !walk.now().isBefore(deadline)) {
                walk.request.calls().abandon(childId);
                return walk.stepFailed(path, attempt, parked.input(), parked.startedAt(), new StepError("call.timeout",
                        "Called recipe '" + step.recipe() + "' (run " + childId + ") did not end within "
                                + Durations.format(step.timeout()) + "; it was cancelled", false),
                        step.continueOnError());
            }
            return new Flow.End(new RunOutcome.Waiting(path, "call", deadline,
                    new RunOutcome.Call(childId, step.recipe(), parked.input())));
        }
        ChildRuns.ChildResult child = result.get();
        if (child.succeeded()) {
            JsonNode output = child.output() == null ? NODES.nullNode() : child.output();
            walk.checkpoints.record(new StepRecord(path, StepStatus.SUCCEEDED, attempt, parked.input(), output, null,
                    parked.startedAt(), walk.now()), true);
            return new Flow.Next(output);
        }
        StepError cause = child.error();
        String message = "Called recipe '" + step.recipe() + "' (run " + childId + ") failed"
                + (cause == null ? "" : ": " + cause.type() + ": " + cause.message());
        return walk.stepFailed(path, attempt, parked.input(), parked.startedAt(),
                new StepError("call.failed", message, false), step.continueOnError());
    }
}
