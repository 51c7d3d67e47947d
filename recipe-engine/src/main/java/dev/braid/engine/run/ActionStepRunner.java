package dev.braid.engine.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.RetrySpec;
import dev.braid.engine.model.Step;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.ConnectorRegistry;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One attempt of an action step: render {@code with}, resolve the connection, call the action (or
 * describe it in a dry run), checkpoint the result, and turn a failure into a retry, a continue or
 * the end of the run.
 *
 * <p>Journal records: a side-effecting action writes RUNNING (durable) before the call, so the step
 * is visibly running and everything kept back before it is committed, then SUCCEEDED (durable), so a
 * resumed run never repeats it. A pure action writes only SUCCEEDED, not durable. A failure writes
 * RETRYING or FAILED, durable.
 */
final class ActionStepRunner {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Walk walk;
    private final ConnectorRegistry connectors;

    ActionStepRunner(Walk walk, ConnectorRegistry connectors) {
        this.walk = walk;
        this.connectors = connectors;
    }

    Flow run(Step.ActionStep step, String path, Scope scope, Optional<StepRecord> previous) {
        int attempt = Walk.attemptAfter(previous);
        Instant startedAt = walk.now();
        JsonNode input;
        try {
            input = step.with() == null ? NODES.objectNode() : walk.expressions.render(step.with(), scope.context());
        } catch (ExpressionException e) {
            return failed(step, path, attempt, null, startedAt, new StepError("expression", e.getMessage(), false), Optional.empty());
        }
        Optional<Action> found = connectors.action(step.action());
        if (found.isEmpty()) {
            return failed(step, path, attempt, input, startedAt, new StepError("action.unknown",
                    "Action '" + step.action() + "' does not exist", false), Optional.empty());
        }
        String connectionName = step.connection() != null ? step.connection() : defaultConnection(step.action());
        Optional<JsonNode> connection = connection(connectionName);
        if (connection.isEmpty()) {
            String which = step.connection() != null ? "Connection '" + connectionName + "'"
                    : "Connection '" + connectionName + "' (what " + step.action() + " uses when a step names none)";
            return failed(step, path, attempt, input, startedAt, new StepError("connection.unknown",
                    which + " does not exist", false), Optional.empty());
        }
        Action action = found.get();
        RunRequest request = walk.request;

        if (request.dryRun() && !action.pure()) {
            ObjectNode described = NODES.objectNode();
            described.put("dryRun", true);
            described.put("action", step.action());
            described.set("input", input);
            if (action.describesDryRun()) {
                // The connector describes what it would have sent; no guard is asked, nothing is checkpointed.
                StepContext context = new StepContext(request.runId(), path, attempt, connection.get(),
                        deadline(step, startedAt), true, log(path), walk.clock, Optional.empty());
                try {
                    JsonNode sent = action.execute(context, input).output();
                    if (sent instanceof ObjectNode o) {
                        o.remove("dryRun");
                    }
                    described.set("request", sent);
                } catch (ActionException e) {
                    // Input the real call would refuse (a bad URL, a missing parameter) fails the dry run the same way.
                    return failed(step, path, attempt, input, startedAt,
                            new StepError(e.type(), e.getMessage() == null ? e.type() : e.getMessage(), false), Optional.empty());
                }
            }
            // Nothing happened outside the run, so there is nothing to make durable.
            return succeeded(path, attempt, input, described, startedAt, false);
        }
        // A step parked by its own action (core.delay) resumes with the state it left; one parked by a
        // connection guard never started, so it has none.
        Optional<JsonNode> resumed = previous
                .filter(r -> r.status() == StepStatus.WAITING && r.output() != null && !r.output().has(Walk.DEFERRED))
                .map(StepRecord::output);
        ConnectionGuards.Ticket ticket = ConnectionGuards.Ticket.NONE;
        if (!action.pure()) {
            walk.checkpoints.record(new StepRecord(path, StepStatus.RUNNING, attempt, input, null, null, startedAt, null), true);
        }
        // Asked after the durable RUNNING record, right before the call: a rate limit's token is spent when the
        // request goes out, not a checkpoint's write earlier.
        if (!action.pure() && connectionName != null) {
            switch (request.guards().admit(connectionName)) {
                case ConnectionGuards.Admission.Deferred d -> {
                    return deferred(path, previous, input, startedAt, d);
                }
                case ConnectionGuards.Admission.Granted g -> ticket = g.ticket();
            }
        }
        StepContext context = new StepContext(request.runId(), path, attempt, connection.get(),
                deadline(step, startedAt), request.dryRun(), log(path), walk.clock, resumed);
        ActionResult result;
        // Only the action's own call is guarded: a journal failure (a lost lease) must reach the app as it is.
        try {
            result = action.execute(context, input);
        } catch (ActionException e) {
            StepError error = new StepError(e.type(), e.getMessage() == null ? e.type() : e.getMessage(), e.retryable());
            ticket.failed(error);
            return failed(step, path, attempt, input, startedAt, error, e.retryAfter());
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            context.log().error("Action " + step.action() + " crashed: " + e);
            StepError error = new StepError("action.crashed", message, false);
            ticket.failed(error);
            return failed(step, path, attempt, input, startedAt, error, Optional.empty());
        }
        ticket.succeeded();
        if (result.waiting().isPresent()) {
            Instant until = result.waiting().get();
            walk.checkpoints.record(new StepRecord(path, StepStatus.WAITING, attempt, input, result.output(), null,
                    startedAt, null), true);
            return new Flow.End(new RunOutcome.Waiting(path, "delay", until, null));
        }
        return succeeded(path, attempt, input, result.output(), startedAt, !action.pure());
    }

    /**
     * A connection guard said not now (an open circuit, a spent rate limit): the step waits in the
     * queue until {@code until} without spending an attempt — its record keeps the attempts made so far.
     * A run whose deadline comes first wakes at its deadline, and fails there with {@code run.timeout}.
     */
    private Flow deferred(String path, Optional<StepRecord> previous, JsonNode input, Instant startedAt,
                          ConnectionGuards.Admission.Deferred d) {
        int attemptsMade = previous.map(r -> Math.max(0, r.attempts())).orElse(0);
        Instant deadline = walk.request.deadline();
        if (deadline != null && deadline.isBefore(d.until())) {
            d = new ConnectionGuards.Admission.Deferred(deadline, d.reason(), d.detail());
        }
        ObjectNode output = NODES.objectNode();
        output.put(Walk.DEFERRED, d.reason());
        output.put("until", d.until().toString());
        if (d.detail() != null) {
            output.put("detail", d.detail());
        }
        walk.checkpoints.record(new StepRecord(path, StepStatus.WAITING, attemptsMade, input, output, null, startedAt, null), true);
        return new Flow.End(new RunOutcome.Waiting(path, d.reason(), d.until(), null));
    }

    private Flow succeeded(String path, int attempt, JsonNode input, JsonNode output, Instant startedAt, boolean durable) {
        walk.checkpoints.record(new StepRecord(path, StepStatus.SUCCEEDED, attempt, input, output, null, startedAt, walk.now()), durable);
        return new Flow.Next(output);
    }

    /**
     * A retryable error with attempts left becomes a Retry at the policy's time (the worker does not
     * sleep; the app stores the time). Anything else fails the step, and the run unless the step says
     * {@code onError: continue}, in which case later steps see {@code {error: {type, message}}} as
     * its output.
     */
    private Flow failed(Step.ActionStep step, String path, int attempt, JsonNode input, Instant startedAt,
                        StepError error, Optional<Duration> retryAfter) {
        Instant now = walk.now();
        if (error.retryable()) {
            RetryPolicy policy;
            try {
                policy = policy(step);
            } catch (IllegalArgumentException e) {
                return failed(step, path, attempt, input, startedAt,
                        new StepError("retry.invalid", "Step '" + path + "' has an unusable retry setting: " + e.getMessage(), false),
                        Optional.empty());
            }
            if (policy.hasAttemptLeft(attempt)) {
                walk.checkpoints.record(new StepRecord(path, StepStatus.RETRYING, attempt, input, null, error, startedAt, now), true);
                return new Flow.End(new RunOutcome.Retry(path, error, now.plus(policy.nextDelay(attempt, retryAfter))));
            }
        }
        return walk.stepFailed(path, attempt, input, startedAt, error, step.continueOnError());
    }

    /** The step's retry over the recipe's over the defaults. */
    private RetryPolicy policy(Step.ActionStep step) {
        return RetryPolicy.of(step.retry().over(walk.request.recipe().retry()).over(RetrySpec.DEFAULTS), walk.random);
    }

    /** The connector's own default connection ({@link dev.braid.engine.spi.Connector#defaultConnection}), or null. */
    private String defaultConnection(String action) {
        return connectors.connectorOf(action).map(dev.braid.engine.spi.Connector::defaultConnection).orElse(null);
    }

    private Optional<JsonNode> connection(String name) {
        if (name == null) {
            return Optional.of(NODES.objectNode());
        }
        return walk.request.connections() == null ? Optional.empty() : walk.request.connections().apply(name);
    }

    private Instant deadline(Step.ActionStep step, Instant startedAt) {
        Instant run = walk.request.deadline() == null ? Instant.MAX : walk.request.deadline();
        if (step.timeout() == null) {
            return run;
        }
        Instant own = startedAt.plus(step.timeout());
        return own.isBefore(run) ? own : run;
    }

    private RunLog log(String path) {
        RunRequest.RunLogSink sink = walk.request.logs();
        return (level, message) -> {
            if (sink != null) {
                sink.log(path, level, message);
            }
        };
    }
}
