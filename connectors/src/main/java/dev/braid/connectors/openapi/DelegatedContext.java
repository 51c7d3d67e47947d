package dev.braid.connectors.openapi;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;

/**
 * The step's own context handed to {@code http.request}, with the {@code http} connection an {@code openapi}
 * connection amounts to: same run, step, idempotency key, attempt, deadline, clock and log.
 */
record DelegatedContext(ActionContext step, JsonNode connection, boolean dryRun) implements ActionContext {

    @Override
    public String runId() {
        return step.runId();
    }

    @Override
    public String stepPath() {
        return step.stepPath();
    }

    @Override
    public String idempotencyKey() {
        return step.idempotencyKey();
    }

    @Override
    public int attempt() {
        return step.attempt();
    }

    @Override
    public Instant deadline() {
        return step.deadline();
    }

    @Override
    public RunLog log() {
        return step.log();
    }

    @Override
    public Clock clock() {
        return step.clock();
    }

    @Override
    public Optional<JsonNode> resumedState() {
        return step.resumedState();
    }
}
