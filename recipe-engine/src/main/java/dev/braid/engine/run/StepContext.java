package dev.braid.engine.run;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;

/** The {@link ActionContext} of one attempt of one action step. */
record StepContext(
        String runId,
        String stepPath,
        int attempt,
        JsonNode connection,
        Instant deadline,
        boolean dryRun,
        RunLog log,
        Clock clock,
        Optional<JsonNode> resumedState) implements ActionContext {}
