package dev.braid.engine.run;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Step;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@link RunExecutor#execute} call: walks the recipe's steps in order, reuses what the journal
 * says is done, and hands every other step to the runner of its kind. Step kinds with children
 * (if, foreach) call back into {@link #steps} for them.
 */
final class Walk {

    final RunRequest request;
    final Checkpoints checkpoints;
    final Expressions expressions;
    final Clock clock;
    final RandomGenerator random;

    private final ActionStepRunner actions;
    private final CallStepRunner calls;
    private final IfStepRunner ifs;
    private final ForeachStepRunner foreachs;
    private final EndStepRunner ends;

    Walk(RunRequest request, StepJournal journal, ConnectorRegistry connectors, Expressions expressions, Clock clock,
         RandomGenerator random) {
        this.request = request;
        this.checkpoints = new Checkpoints(journal);
        this.expressions = expressions;
        this.clock = clock;
        this.random = random;
        this.actions = new ActionStepRunner(this, connectors);
        this.calls = new CallStepRunner(this);
        this.ifs = new IfStepRunner(this);
        this.foreachs = new ForeachStepRunner(this);
        this.ends = new EndStepRunner(this);
    }

    RunOutcome run() {
        return switch (steps(request.recipe().steps(), "", Scope.root(request))) {
            case Flow.Next next -> new RunOutcome.Succeeded(next.output());
            case Flow.End end -> end.outcome();
        };
    }

    /**
     * Runs a list of steps whose paths start with {@code prefix}. Ends early when a step ends the run;
     * otherwise answers the output of the last step (JSON null for an empty list).
     */
    Flow steps(List<Step> steps, String prefix, Scope scope) {
        JsonNode last = NullNode.getInstance();
        for (Step step : steps) {
            Flow flow = step(step, prefix + step.id(), scope);
            if (flow instanceof Flow.End) {
                return flow;
            }
            last = ((Flow.Next) flow).output();
            scope.put(step.id(), last);
        }
        return new Flow.Next(last);
    }

    private Flow step(Step step, String path, Scope scope) {
        Optional<StepRecord> previous = checkpoints.find(path);
        Optional<Flow> reused = previous.flatMap(r -> reuse(step, r));
        if (reused.isPresent()) {
            return reused.get();
        }
        // A finished if/foreach is only walked again to look its children up; nothing of it starts.
        boolean rewalk = previous.map(r -> r.status() == StepStatus.SUCCEEDED).orElse(false);
        if (!rewalk && pastDeadline()) {
            return new Flow.End(new RunOutcome.Failed(path, new StepError("run.timeout",
                    "The run passed its deadline (" + request.deadline() + ") before step '" + path + "' could start",
                    false)));
        }
        return switch (step) {
            case Step.ActionStep s -> actions.run(s, path, scope, previous);
            case Step.CallStep s -> calls.run(s, path, scope, previous);
            case Step.IfStep s -> ifs.run(s, path, scope, previous);
            case Step.ForeachStep s -> foreachs.run(s, path, scope, previous);
            case Step.StopStep s -> ends.stop(s, path, scope, previous);
            case Step.FailStep s -> ends.fail(s, path, scope, previous);
        };
    }

    /**
     * What a journal record from an earlier attempt settles. A finished action or stop is never
     * repeated; if and foreach are walked again instead (their children decide what is left to do).
     * A failure that {@code onError: continue} already let the run get past stays as it was.
     */
    private static Optional<Flow> reuse(Step step, StepRecord record) {
        JsonNode output = record.output() == null ? NullNode.getInstance() : record.output();
        if (record.status() == StepStatus.SKIPPED) {
            return Optional.of(new Flow.Next(output));
        }
        return switch (step) {
            case Step.ActionStep s when record.status() == StepStatus.SUCCEEDED -> Optional.of(new Flow.Next(output));
            case Step.ActionStep s when record.status() == StepStatus.FAILED && s.continueOnError()
                    && record.output() != null -> Optional.of(new Flow.Next(output));
            case Step.CallStep s when record.status() == StepStatus.SUCCEEDED -> Optional.of(new Flow.Next(output));
            case Step.CallStep s when record.status() == StepStatus.FAILED && s.continueOnError()
                    && record.output() != null -> Optional.of(new Flow.Next(output));
            case Step.StopStep s when record.status() == StepStatus.SUCCEEDED ->
                    Optional.of(new Flow.End(new RunOutcome.Succeeded(output)));
            default -> Optional.empty();
        };
    }

    /**
     * The attempt number of a step about to run: one more than its journal record says were made; the
     * same one when the step was parked waiting (a durable delay, a called run) in the middle of it.
     */
    static int attemptAfter(Optional<StepRecord> previous) {
        return previous.map(r -> parkedMidAttempt(r) ? r.attempts() : Math.max(0, r.attempts()) + 1).orElse(1);
    }

    /** Output field of a WAITING record that a connection guard deferred: no attempt had started. */
    static final String DEFERRED = "waitingFor";

    private static boolean parkedMidAttempt(StepRecord r) {
        return r.status() == StepStatus.WAITING && r.attempts() > 0
                && !(r.output() != null && r.output().has(DEFERRED));
    }

    Instant now() {
        return clock.instant();
    }

    private boolean pastDeadline() {
        return request.deadline() != null && !now().isBefore(request.deadline());
    }

    /**
     * Records a step that failed before or outside any action call (an expression, a fail step)
     * and ends the run there.
     */
    Flow failed(String path, int attempt, JsonNode input, Instant startedAt, StepError error, boolean durable) {
        checkpoints.record(new StepRecord(path, StepStatus.FAILED, attempt, input, null, error, startedAt, now()), durable);
        return new Flow.End(new RunOutcome.Failed(path, error));
    }

    /**
     * A step (action or call) that failed for good: the run fails there, unless the step says
     * {@code onError: continue}, in which case later steps see {@code {error: {type, message}}} as its
     * output. Durable either way: the failure happened outside the run.
     */
    Flow stepFailed(String path, int attempt, JsonNode input, Instant startedAt, StepError error, boolean continueOnError) {
        Instant now = now();
        if (continueOnError) {
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            output.putObject("error").put("type", error.type()).put("message", error.message());
            checkpoints.record(new StepRecord(path, StepStatus.FAILED, attempt, input, output, error, startedAt, now), true);
            return new Flow.Next(output);
        }
        checkpoints.record(new StepRecord(path, StepStatus.FAILED, attempt, input, null, error, startedAt, now), true);
        return new Flow.End(new RunOutcome.Failed(path, error));
    }

    /**
     * Records how an if or foreach ended when one of its children ended the run: a stop inside it
     * finishes it, a failure fails it, a retry leaves it retrying with the child. Pure bookkeeping:
     * the records that matter (the child's) were written durably already.
     */
    void closeContainer(String path, int attempt, JsonNode input, JsonNode output, Instant startedAt, Flow.End end) {
        StepRecord record = switch (end.outcome()) {
            case RunOutcome.Succeeded s -> new StepRecord(path, StepStatus.SUCCEEDED, attempt, input, output, null, startedAt, now());
            case RunOutcome.Failed f -> new StepRecord(path, StepStatus.FAILED, attempt, input, output, f.error(), startedAt, now());
            case RunOutcome.Retry r -> new StepRecord(path, StepStatus.RETRYING, attempt, input, output, r.error(), startedAt, now());
            case RunOutcome.Waiting w -> new StepRecord(path, StepStatus.WAITING, attempt, input, output, null, startedAt, null);
        };
        checkpoints.record(record, false);
    }
}
