package dev.braid.engine.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.spi.ConnectorRegistry;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Everything one executor test needs: the test connector, a clock standing still at {@link #START},
 * an in-memory journal, and a request builder with sensible defaults (run {@code run-1}, attempt 1,
 * deadline an hour away).
 */
final class RunFixture {

    static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    record LogLine(String path, RunLog.Level level, String message) {}

    final TestConnector connector = new TestConnector();
    final MutableClock clock = new MutableClock(START);
    final InMemoryJournal journal = new InMemoryJournal();
    final List<LogLine> logs = Collections.synchronizedList(new ArrayList<>());
    final Map<String, JsonNode> connections = new HashMap<>();
    /** Jitter off (the random source always answers 0), so the retry delays the tests assert are exact. */
    final RunExecutor executor = new RunExecutor(new ConnectorRegistry(List.of(connector)), Expressions.withDefaults(), clock,
            () -> 0L);

    JsonNode trigger = TestRecipes.json("{'type': 'manual', 'body': {}}");
    JsonNode secrets = JsonNodeFactory.instance.objectNode();
    boolean dryRun;
    int attempt = 1;
    Instant deadline = START.plus(Duration.ofHours(1));
    ChildRuns calls = ChildRuns.NONE;
    ConnectionGuards guards = ConnectionGuards.NONE;

    RunFixture trigger(String json) {
        this.trigger = TestRecipes.json(json);
        return this;
    }

    RunFixture body(String json) {
        return trigger("{'type': 'manual', 'body': " + json + "}");
    }

    RunOutcome run(Recipe recipe) {
        return executor.execute(request(recipe), journal);
    }

    RunRequest request(Recipe recipe) {
        return new RunRequest("run-1", recipe, trigger, attempt, secrets,
                name -> Optional.ofNullable(connections.get(name)), dryRun, deadline,
                (path, level, message) -> logs.add(new LogLine(path, level, message)), calls, guards);
    }
}
