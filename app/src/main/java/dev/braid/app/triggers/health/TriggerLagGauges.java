package dev.braid.app.triggers.health;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * {@code braid_kafka_consumer_lag{recipe}} (messages) and {@code braid_cdc_lag_bytes{recipe}} (WAL bytes after the
 * position the source's reader confirmed), from the {@link TriggerBoard}'s read every
 * {@code braid.trigger-health.cache}, not per scrape. Labels are the enabled recipes of those triggers whose lag
 * could be read; a recipe disabled, deleted or unreadable loses its series. Like the queue gauges, every node
 * reports the same cluster-wide values: aggregate with {@code max}, not {@code sum}.
 */
@Component
public class TriggerLagGauges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TriggerLagGauges.class);

    private final TriggerBoard board;
    private final TriggerHealthSettings settings;
    private final MultiGauge kafkaLag;
    private final MultiGauge cdcLag;
    private final BackgroundLoop loop = new BackgroundLoop("braid-trigger-gauges", this::refresh,
            e -> log.debug("Reading the trigger lag gauges failed: {}", e.toString()));

    public TriggerLagGauges(TriggerBoard board, TriggerHealthSettings settings, MeterRegistry registry) {
        this.board = board;
        this.settings = settings;
        this.kafkaLag = MultiGauge.builder("braid.kafka.consumer.lag")
                .description("Messages of a kafka recipe's topic its consumer group has not committed").register(registry);
        this.cdcLag = MultiGauge.builder("braid.cdc.lag").baseUnit("bytes")
                .description("WAL of a cdc recipe's source written after the position its reader confirmed").register(registry);
    }

    /** Reads the board (or its cached read) and sets the gauges. */
    public void refresh() {
        List<MultiGauge.Row<?>> kafka = new ArrayList<>();
        List<MultiGauge.Row<?>> cdc = new ArrayList<>();
        for (TriggerHealth h : board.board()) {
            if (h.kafka() != null && h.kafka().lag() != null) {
                kafka.add(MultiGauge.Row.of(Tags.of("recipe", h.recipe()), h.kafka().lag()));
            }
            if (h.cdc() != null && h.cdc().lagBytes() != null) {
                cdc.add(MultiGauge.Row.of(Tags.of("recipe", h.recipe()), h.cdc().lagBytes()));
            }
        }
        kafkaLag.register(kafka, true);
        cdcLag.register(cdc, true);
    }

    @Override
    public void start() {
        loop.start(settings.cache(), settings.cache());
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }
}
