package dev.braid.app.triggers.poll;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;

/**
 * The context of a poll's source read: not a run, so its id is {@code poll/<slug>} and its log lines
 * go to the server log. The idempotency key is {@code poll/<slug>/trigger}.
 */
record PollActionContext(String runId, JsonNode connection, Instant deadline, Clock clock) implements ActionContext {

    private static final Logger log = LoggerFactory.getLogger("dev.braid.app.triggers.poll.PollSource");

    static PollActionContext of(String slug, JsonNode connection, Instant deadline, Clock clock) {
        return new PollActionContext("poll/" + slug, connection, deadline, clock);
    }

    @Override
    public String stepPath() {
        return "trigger";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public boolean dryRun() {
        return false;
    }

    @Override
    public RunLog log() {
        return (level, message) -> {
            switch (level) {
                case ERROR -> log.error("{}: {}", runId, message);
                case WARN -> log.warn("{}: {}", runId, message);
                case INFO -> log.info("{}: {}", runId, message);
                default -> log.debug("{}: {}", runId, message);
            }
        };
    }
}
