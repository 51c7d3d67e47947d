package dev.braid.app.jobs;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code braid.jobs.*} (README settings table): how often a node looks for a bulk job to work on, how long
 * it holds one (renewed after every chunk; a dead node's job is taken over when this runs out), how many
 * items a chunk has, and how many items one job may select.
 */
@ConfigurationProperties("braid.jobs")
public record JobSettings(
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("100") int chunk,
        @DefaultValue("100000") int maxItems) {

    public JobSettings {
        if (chunk < 1) {
            throw new IllegalArgumentException("braid.jobs.chunk must be at least 1; it was " + chunk);
        }
        if (maxItems < 1) {
            throw new IllegalArgumentException("braid.jobs.max-items must be at least 1; it was " + maxItems);
        }
    }
}
