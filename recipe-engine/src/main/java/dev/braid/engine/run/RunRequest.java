package dev.braid.engine.run;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import dev.braid.engine.model.Recipe;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;

/**
 * One execution of a run: which recipe, the trigger context ({@code {type, body, headers, query, ...}}),
 * which attempt of the run this is, the secrets visible as {@code secrets.NAME}, how to resolve a
 * step's {@code connection}, whether it is a dry run, the run's deadline, and where log lines go.
 */
public record RunRequest(
        String runId,
        Recipe recipe,
        JsonNode trigger,
        int attempt,
        JsonNode secrets,
        Function<String, Optional<JsonNode>> connections,
        boolean dryRun,
        Instant deadline,
        RunLogSink logs,
        ChildRuns calls,
        ConnectionGuards guards) {

    public RunRequest {
        calls = calls == null ? ChildRuns.NONE : calls;
        guards = guards == null ? ConnectionGuards.NONE : guards;
    }

    /** A request without sub-recipe calls and without flow control (tests, dry runs). */
    public RunRequest(String runId, Recipe recipe, JsonNode trigger, int attempt, JsonNode secrets,
                      Function<String, Optional<JsonNode>> connections, boolean dryRun, Instant deadline,
                      RunLogSink logs) {
        this(runId, recipe, trigger, attempt, secrets, connections, dryRun, deadline, logs, null, null);
    }

    /** Log lines of a run, by step path. */
    @FunctionalInterface
    public interface RunLogSink {
        void log(String stepPath, RunLog.Level level, String message);
    }
}
