package dev.braid.app.triggers.health;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The trigger health board ({@code braid.trigger-health.*}, README settings table): each node reads the
 * figures at most once per {@code cache} (the page and the gauges share that read, so neither hammers the
 * broker nor the sources); a Kafka recipe is {@code lagging} from {@code kafkaLag} messages behind, a CDC
 * recipe from {@code cdcLag} of WAL behind.
 */
@ConfigurationProperties("braid.trigger-health")
public record TriggerHealthSettings(
        @DefaultValue("5s") Duration cache,
        @DefaultValue("1000") long kafkaLag,
        @DefaultValue("64MB") DataSize cdcLag) {}
