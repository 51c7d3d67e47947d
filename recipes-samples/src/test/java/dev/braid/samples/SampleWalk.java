package dev.braid.samples;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.run.RunExecutor;
import dev.braid.engine.run.RunOutcome;
import dev.braid.engine.run.RunRequest;
import dev.braid.engine.run.StepJournal;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Runs a sample through the real engine: the recipe parser with the built-in connectors found by
 * ServiceLoader, and the run executor with an in-memory journal that keeps each step's output by path.
 */
final class SampleWalk {

    private static final ConnectorRegistry CONNECTORS = ConnectorRegistry.load();
    private static final Expressions EXPRESSIONS = Expressions.withDefaults();
    private static final RecipeParser PARSER = new RecipeParser(CONNECTORS, EXPRESSIONS);
    private static final RunExecutor EXECUTOR = new RunExecutor(CONNECTORS, EXPRESSIONS, Clock.systemUTC());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SampleWalk() {}

    /** {@code output}: the run's output; {@code failure}: the error message of a failed run, else null. */
    record Result(JsonNode output, String failure, Map<String, JsonNode> outputsByPath) {}

    static Result run(JsonNode recipe, JsonNode trigger) {
        Journal journal = new Journal();
        RunRequest request = new RunRequest("sample-run", PARSER.parse(JSON.writeValueAsString(recipe), SourceFormat.JSON),
                trigger, 1, JsonNodeFactory.instance.objectNode(), name -> Optional.empty(), false,
                Instant.now().plusSeconds(30), (path, level, message) -> { });
        RunOutcome outcome = EXECUTOR.execute(request, journal);
        return switch (outcome) {
            case RunOutcome.Succeeded s -> new Result(s.output(), null, journal.outputs);
            case RunOutcome.Failed f -> new Result(null, f.error().message(), journal.outputs);
            case RunOutcome.Retry r -> new Result(null, r.error().message(), journal.outputs);
            case RunOutcome.Waiting w -> new Result(null, "waiting (" + w.reason() + ") at " + w.stepPath(), journal.outputs);
        };
    }

    /** Keeps the output of every step that succeeded, in the order the steps finished. */
    private static final class Journal implements StepJournal {
        final Map<String, JsonNode> outputs = new LinkedHashMap<>();

        @Override
        public Optional<StepRecord> find(String path) {
            return Optional.empty();
        }

        @Override
        public synchronized void record(StepRecord record, boolean durable) {
            if (record.status() == StepStatus.SUCCEEDED) {
                outputs.remove(record.path());
                outputs.put(record.path(), record.output());
            }
        }
    }
}
