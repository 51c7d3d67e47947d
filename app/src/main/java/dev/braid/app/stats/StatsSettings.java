package dev.braid.app.stats;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Stats and metrics ({@code braid.stats.*}, README settings table): the journal is folded into the
 * rollups every {@code flushInterval}, at most {@code foldBatch} journal rows per transaction (a backlog
 * is worked off in several folds back to back); the queue and dead-letter gauges of
 * {@code /actuator/prometheus} are read from the database every {@code gaugeRefresh}.
 */
@ConfigurationProperties("braid.stats")
public record StatsSettings(
        @DefaultValue("1s") Duration flushInterval,
        @DefaultValue("50000") int foldBatch,
        @DefaultValue("5s") Duration gaugeRefresh) {}
