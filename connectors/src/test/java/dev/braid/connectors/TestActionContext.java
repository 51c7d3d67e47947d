package dev.braid.connectors;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.braid.engine.spi.ActionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An {@link ActionContext} for tests. {@code aContext().build()} is attempt 1 of step {@code step} in
 * run {@code run-1}, no connection, one minute left on the system clock, not a dry run.
 *
 * <pre>{@code
 * ActionContext ctx = aContext().connection(json("{baseUrl: 'http://127.0.0.1:8080'}")).dryRun(true).build();
 * }</pre>
 */
public record TestActionContext(String runId, String stepPath, int attempt, JsonNode connection,
        Instant deadline, boolean dryRun, RecordingRunLog log, Clock clock, Optional<JsonNode> resumedState)
        implements ActionContext {

    public static Builder aContext() {
        return new Builder();
    }

    public static final class Builder {
        private String runId = "run-1";
        private String stepPath = "step";
        private int attempt = 1;
        private JsonNode connection = JsonNodeFactory.instance.objectNode();
        private Clock clock = Clock.systemUTC();
        private Duration timeLeft = Duration.ofMinutes(1);
        private boolean dryRun;
        private RecordingRunLog log = new RecordingRunLog();
        private Optional<JsonNode> resumedState = Optional.empty();

        /** The state the action left when it last asked to wait (a resumed step). */
        public Builder resumedState(JsonNode state) {
            this.resumedState = Optional.of(state);
            return this;
        }

        public Builder runId(String runId) {
            this.runId = runId;
            return this;
        }

        public Builder stepPath(String stepPath) {
            this.stepPath = stepPath;
            return this;
        }

        public Builder attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        public Builder connection(JsonNode connection) {
            this.connection = connection;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The deadline, as time left from the clock's now when {@link #build()} runs. */
        public Builder timeLeft(Duration timeLeft) {
            this.timeLeft = timeLeft;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public Builder log(RecordingRunLog log) {
            this.log = log;
            return this;
        }

        public TestActionContext build() {
            return new TestActionContext(runId, stepPath, attempt, connection, clock.instant().plus(timeLeft),
                    dryRun, log, clock, resumedState);
        }
    }
}
