package dev.braid.app.api;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Live events ({@code GET /api/v1/events}, ARCHITECTURE §10), per node: {@code clientQueue} events may wait
 * for a client before it is dropped as too slow; the last {@code replayEvents} events of the last
 * {@code replayWindow} are kept for {@code Last-Event-ID} resumes; {@code heartbeat} is how often an idle
 * stream gets a comment so proxies keep it open; at most {@code maxClients} streams at once; {@code compress}:
 * a client whose {@code Accept-Encoding} takes gzip gets the stream compressed (each batch compressed once for
 * every client); announcements are gathered for {@code coalesce} and sent as one batch.
 */
@ConfigurationProperties("braid.events")
public record LiveEventSettings(
        @DefaultValue("5000") int clientQueue,
        @DefaultValue("5m") Duration replayWindow,
        @DefaultValue("10000") int replayEvents,
        @DefaultValue("15s") Duration heartbeat,
        @DefaultValue("500") int maxClients,
        @DefaultValue("true") boolean compress,
        @DefaultValue("250ms") Duration coalesce) {
}
