package dev.braid.app.stats;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.app.store.RunStore;
import dev.braid.engine.run.RunStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The gauges of {@code /actuator/prometheus} that describe the cluster now: {@code braid_queue_depth{status}},
 * {@code braid_queue_lag_seconds} (age of the oldest due run) and {@code braid_dead_letters_open{recipe}}.
 * Read every {@code braid.stats.gauge-refresh} by one indexed query each, not per scrape, so a scraper
 * (or several) cannot load the database. Every node reports the same cluster-wide values: aggregate them
 * with {@code max}, not {@code sum}.
 */
@Component
public class QueueGauges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);
    private static final List<String> STATUSES = List.of(RunStatus.QUEUED.wire(), RunStatus.RUNNING.wire(),
            RunStatus.RETRYING.wire(), RunStatus.WAITING.wire());

    /** Only recipes that exist: a deleted recipe's label goes with it. */
    private static final String OPEN = """
            select d.recipe, count(*) from dead_letters d
             where d.status = 'open' and exists (select 1 from recipes r where r.slug = d.recipe)
             group by d.recipe""";

    private final JdbcClient jdbc;
    private final RunStore runs;
    private final StatsSettings settings;
    private final AtomicReference<double[]> depth = new AtomicReference<>(new double[STATUSES.size() + 1]);
    private final MultiGauge deadLetters;
    private final BackgroundLoop loop = new BackgroundLoop("braid-gauges", this::refresh,
            e -> log.debug("Reading the queue gauges failed: {}", e.toString()));

    public QueueGauges(JdbcClient jdbc, RunStore runs, StatsSettings settings, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.runs = runs;
        this.settings = settings;
        for (int i = 0; i < STATUSES.size(); i++) {
            int at = i;
            Gauge.builder("braid.queue.depth", depth, d -> d.get()[at]).description("Unfinished runs by status")
                    .tag("status", STATUSES.get(i)).register(registry);
        }
        Gauge.builder("braid.queue.lag", depth, d -> d.get()[STATUSES.size()]).baseUnit("seconds")
                .description("Age of the oldest due run that no worker has claimed").register(registry);
        this.deadLetters = MultiGauge.builder("braid.dead_letters.open").description("Open dead letters by recipe")
                .register(registry);
    }

    /** Reads the values now. */
    public void refresh() {
        RunStore.QueueNow now = runs.queueNow(null);
        double[] values = {now.queued(), now.running(), now.retrying(), now.waiting(), now.lagSeconds()};
        depth.set(values);
        List<MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
        jdbc.sql(OPEN).query((rs, n) -> rows.add(MultiGauge.Row.of(Tags.of("recipe", rs.getString(1)), rs.getLong(2)))).list();
        deadLetters.register(rows, true);
    }

    @Override
    public void start() {
        loop.start(java.time.Duration.ZERO, settings.gaugeRefresh());
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
