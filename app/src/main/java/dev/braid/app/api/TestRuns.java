package dev.braid.app.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.RunSecrets;
import dev.braid.app.store.Ids;
import dev.braid.app.store.RunLogStore;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.run.RunExecutor;
import dev.braid.engine.run.RunOutcome;
import dev.braid.engine.run.RunRequest;
import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.StepError;
import dev.braid.engine.run.StepJournal;
import dev.braid.engine.run.StepRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a recipe once, synchronously, with a sample trigger and nothing persisted (the test endpoints):
 * the engine writes its step records to memory, and the answer is the run shape of {@link RunView}
 * plus the run's log lines. With {@code dryRun} the executor describes side-effecting actions
 * instead of calling them. A retryable failure is not retried here: it is reported as {@code failed}
 * with the time a real run would have tried again.
 */
@Component
public class TestRuns {

    /** A test holds an HTTP request open: it never runs longer than this, whatever the recipe's timeout. */
    static final Duration MAX_TEST_DURATION = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(TestRuns.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RunExecutor executor;
    private final RunSecrets runSecrets;
    private final Clock clock;
    private final Duration defaultTimeout;

    public TestRuns(RunExecutor executor, RunSecrets runSecrets, Clock clock, BraidProperties properties) {
        this.executor = executor;
        this.runSecrets = runSecrets;
        this.clock = clock;
        this.defaultTimeout = properties.worker().defaultRunTimeout();
    }

    /**
     * @param version the saved version tested, or null for a recipe that is not saved
     * @param trigger the sample trigger {@code {body, headers, query, ...}}, or null
     */
    public ObjectNode run(Recipe recipe, Integer version, JsonNode trigger, boolean dryRun) {
        String runId = Ids.next().toString();
        Instant started = clock.instant();
        Duration timeout = recipe.runTimeout().orElse(defaultTimeout);
        if (timeout.compareTo(MAX_TEST_DURATION) > 0) {
            timeout = MAX_TEST_DURATION;
        }
        MemoryJournal journal = new MemoryJournal();
        List<RunLogStore.LogLine> lines = new ArrayList<>();
        RunSecrets.Scope scope = runSecrets.open();
        RunRequest request = new RunRequest(runId, recipe, context(recipe, trigger), 1, scope.secrets(),
                scope::connection, dryRun, started.plus(timeout), (step, level, message) -> {
                    synchronized (lines) {
                        lines.add(new RunLogStore.LogLine(step, level.name().toLowerCase(Locale.ROOT), message, clock.instant()));
                    }
                });
        RunOutcome outcome;
        try {
            outcome = executor.execute(request, journal);
        } catch (RuntimeException e) {
            log.error("Test run {} of recipe {} crashed in the engine", runId, recipe.slug(), e);
            outcome = new RunOutcome.Failed(null, new StepError("engine.crashed", String.valueOf(e.getMessage()), false));
        }
        Instant finished = clock.instant();

        ObjectNode out = NODES.objectNode();
        out.put("id", runId);
        out.put("recipe", recipe.slug());
        if (version == null) {
            out.putNull("recipeVersion");
        } else {
            out.put("recipeVersion", version);
        }
        switch (outcome) {
            case RunOutcome.Succeeded s -> {
                out.put("status", RunStatus.SUCCEEDED.wire());
                out.set("output", s.output() == null ? NODES.nullNode() : s.output());
                out.putNull("error");
            }
            case RunOutcome.Failed f -> {
                out.put("status", RunStatus.FAILED.wire());
                out.putNull("output");
                out.set("error", RunView.runError(f.stepPath(), f.error()));
            }
            case RunOutcome.Retry r -> {
                out.put("status", RunStatus.FAILED.wire());
                out.putNull("output");
                ObjectNode error = RunView.runError(r.stepPath(), r.error());
                error.put("retryAt", r.nextAttemptAt().toString());
                error.put("note", "A test run does not retry; a real run would try step '" + r.stepPath()
                        + "' again at " + r.nextAttemptAt());
                out.set("error", error);
            }
            case RunOutcome.Waiting w -> {
                // A test run answers at once; it cannot park in the queue.
                out.put("status", RunStatus.WAITING.wire());
                out.putNull("output");
                ObjectNode error = RunView.runError(w.stepPath(), new StepError("run.waiting",
                        "A test run does not wait; a real run would wait (" + w.reason() + ") at step '" + w.stepPath()
                                + "'" + (w.wakeAt() == null ? "" : " until " + w.wakeAt()), false));
                out.set("error", error);
            }
        }
        out.put("origin", "test");
        out.putNull("replayOf");
        out.putNull("eventId");
        out.put("attempt", 1);
        out.put("createdAt", started.toString());
        out.put("startedAt", started.toString());
        out.put("finishedAt", finished.toString());
        out.putNull("nextAttemptAt");
        out.putNull("deadLetterId");
        out.put("dryRun", dryRun);
        out.set("trigger", request.trigger());
        out.set("steps", RunView.steps(journal.records()));
        synchronized (lines) {
            out.set("logs", RunView.logLines(lines));
        }
        // The answer holds no secret a step or log line used: the same masking as run history.
        return (ObjectNode) scope.masker().mask(out);
    }

    /**
     * The trigger context the recipe sees: what the caller gave, with the recipe's trigger type,
     * lower-case header names and {@code body}, {@code headers}, {@code query} always present.
     */
    static ObjectNode context(Recipe recipe, JsonNode given) {
        ObjectNode trigger = NODES.objectNode();
        if (given != null && given.isObject()) {
            trigger.setAll((ObjectNode) given.deepCopy());
        }
        if (!trigger.hasNonNull("type")) {
            trigger.put("type", recipe.trigger().type().wire());
        }
        if (!trigger.has("body")) {
            trigger.putNull("body");
        }
        ObjectNode headers = NODES.objectNode();
        JsonNode givenHeaders = trigger.get("headers");
        if (givenHeaders != null && givenHeaders.isObject()) {
            for (Map.Entry<String, JsonNode> h : givenHeaders.properties()) {
                headers.set(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
            }
        }
        trigger.set("headers", headers);
        JsonNode query = trigger.get("query");
        if (query == null || !query.isObject()) {
            trigger.set("query", NODES.objectNode());
        }
        return trigger;
    }

    /** Step records in memory, in the order the steps first appeared; a fresh run has nothing to resume. */
    private static final class MemoryJournal implements StepJournal {

        private final Map<String, StepRecord> records = new LinkedHashMap<>();

        @Override
        public Optional<StepRecord> find(String path) {
            return Optional.empty();
        }

        @Override
        public synchronized void record(StepRecord record, boolean durable) {
            records.put(record.path(), record);
        }

        synchronized List<StepRecord> records() {
            return new ArrayList<>(records.values());
        }
    }
}
