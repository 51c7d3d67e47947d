package dev.braid.app.triggers.poll;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.secrets.Masker;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;

/**
 * The context of a poll's source read: not a run, so its id is {@code poll/<slug>} and its log lines
 * go to the server log, with the secret values its settings were rendered with masked. The idempotency
 * key is {@code poll/<slug>/trigger}.
 */
record PollActionContext(String runId, JsonNode connection, Instant deadline, Clock clock, Masker masker)
        implements ActionContext {

    private static final Logger log = LoggerFactory.getLogger("dev.braid.app.triggers.poll.PollSource");

    static PollActionContext of(String slug, JsonNode connection, Instant deadline, Clock clock, Masker masker) {
        return new PollActionContext("poll/" + slug, connection, deadline, clock, masker);
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
        return (level, text) -> {
            String message = masker.mask(text);
            switch (level) {
                case ERROR -> log.error("{}: {}", runId, message);
                case WARN -> log.warn("{}: {}", runId, message);
                case INFO -> log.info("{}: {}", runId, message);
                default -> log.debug("{}: {}", runId, message);
            }
        };
    }
}
