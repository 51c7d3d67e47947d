package dev.braid.app.ingest;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Back-pressure on ingestion ({@code braid.ingest.*}, README settings table and "Back-pressure"): past
 * {@code maxBacklog} runs waiting to be claimed (due and unclaimed, cluster-wide) a webhook is answered 503
 * with {@code Retry-After} instead of being queued; {@code 0} (the default) never refuses — everything is
 * accepted and queued. The backlog is counted every {@code backlogRefresh} (one index-only count), not per
 * request; between two counts each node adds the runs it queued itself.
 */
@ConfigurationProperties("braid.ingest")
public record IngestSettings(
        @DefaultValue("0") long maxBacklog,
        @DefaultValue("1s") Duration backlogRefresh) {

    public IngestSettings {
        if (maxBacklog < 0) {
            throw new IllegalArgumentException("braid.ingest.max-backlog must be 0 (no bound: accept and queue everything) "
                    + "or a positive number of waiting runs, not " + maxBacklog);
        }
        if (backlogRefresh.isNegative() || backlogRefresh.isZero()) {
            throw new IllegalArgumentException("braid.ingest.backlog-refresh must be a positive duration such as 1s, not "
                    + backlogRefresh);
        }
    }

    public boolean bounded() {
        return maxBacklog > 0;
    }
}
