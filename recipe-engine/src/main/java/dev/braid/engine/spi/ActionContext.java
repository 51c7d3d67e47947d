package dev.braid.engine.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/** Everything an action may know about the step it runs for. */
public interface ActionContext {

    String runId();

    /** The step's path, such as {@code lines[2].reserve}. */
    String stepPath();

    /**
     * {@code <run id>/<step path>}: stable across retries and resumes of the same step, so a target
     * can recognise a repeated call (HTTP sends it as {@code Idempotency-Key}).
     */
    default String idempotencyKey() {
        return runId() + "/" + stepPath();
    }

    /** 1 for the first attempt of this step. */
    int attempt();

    /** The resolved connection settings (secrets decrypted), or an empty object when the step names none. */
    JsonNode connection();

    /** The action must give up (and throw a retryable {@link ActionException}) after this instant. */
    Instant deadline();

    /** In a dry run an action is described, not called; pure actions still run. */
    boolean dryRun();

    RunLog log();

    Clock clock();

    /**
     * The state this action left when it last asked to wait ({@link ActionResult#waitUntil}) for this
     * step; empty on a fresh call.
     */
    default Optional<JsonNode> resumedState() {
        return Optional.empty();
    }

    /** Time left until {@link #deadline()}, never negative. */
    default Duration remaining() {
        Duration left = Duration.between(clock().instant(), deadline());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
