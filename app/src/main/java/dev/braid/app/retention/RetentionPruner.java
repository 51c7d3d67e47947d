package dev.braid.app.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.app.config.BraidProperties;
import dev.braid.app.stats.StatsFold;
import dev.braid.app.stats.StatsWindow;
import dev.braid.app.store.EventStore;
import dev.braid.app.store.Ids;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import dev.braid.app.store.RunStore;
import dev.braid.app.store.StoredRecipe;
import dev.braid.engine.model.Recipe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Keeps history from growing for ever (ARCHITECTURE §10). Every {@code braid.retention.interval} one node
 * of the cluster (the one that gets the advisory lock) makes a pass:
 * <ol>
 *   <li><b>history</b>, per recipe: the step records and logs of ended runs older than the recipe's
 *       {@code retention.history} go, walking its runs in id order from where the last pass stopped
 *       ({@code retention_marks}), so no run is looked at twice;</li>
 *   <li><b>summaries</b>, per recipe: ended runs older than {@code retention.summaries} go whole;</li>
 *   <li><b>events</b>: trigger events older than the longest history of any recipe go once their
 *       idempotency key no longer dedupes;</li>
 *   <li><b>stats</b>: minute and hour rollups older than the longest stats window (and a day).</li>
 * </ol>
 * Each statement touches at most {@code batchSize} rows and commits on its own, so ingestion never
 * waits on pruning for long; a pass stops after {@code passBudget} and the next goes on from its marks.
 */
@Component
public class RetentionPruner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionPruner.class);
    /** The advisory lock that makes one node prune at a time ("braidRET"). */
    private static final long LOCK = 0x6272616964524554L;
    private static final UUID START = new UUID(0, 0);

    /** What a pass removed, by kind; {@code skipped} when another node was pruning. */
    public record Pass(boolean skipped, long steps, long logs, long runs, long events, long rollups) {}

    private final RunStore runs;
    private final EventStore events;
    private final StatsFold rollups;
    private final RecipeStore recipes;
    private final RecipeCatalog catalog;
    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final BraidProperties.Retention settings;
    private final Clock clock;
    private final Counter prunedSteps;
    private final Counter prunedLogs;
    private final Counter prunedRuns;
    private final Counter prunedEvents;
    private final Counter prunedRollups;
    private final BackgroundLoop loop = new BackgroundLoop("braid-retention", this::pruneNow,
            e -> log.warn("Retention pass failed; the next one goes on from where this one stopped: {}", e.getMessage()));

    @Autowired
    public RetentionPruner(RunStore runs, EventStore events, StatsFold rollups, RecipeStore recipes, RecipeCatalog catalog,
                           JdbcClient jdbc, DataSource dataSource, BraidProperties properties, Clock clock, MeterRegistry meters) {
        this(runs, events, rollups, recipes, catalog, jdbc, dataSource, properties.retention(), clock, meters);
    }

    /** With other settings and another clock: a test's pruner beside the server's. */
    RetentionPruner(RunStore runs, EventStore events, StatsFold rollups, RecipeStore recipes, RecipeCatalog catalog,
                    JdbcClient jdbc, DataSource dataSource, BraidProperties.Retention settings, Clock clock, MeterRegistry meters) {
        this.runs = runs;
        this.events = events;
        this.rollups = rollups;
        this.recipes = recipes;
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.settings = settings;
        this.clock = clock;
        this.prunedSteps = counter(meters, "step_runs");
        this.prunedLogs = counter(meters, "run_logs");
        this.prunedRuns = counter(meters, "runs");
        this.prunedEvents = counter(meters, "trigger_events");
        this.prunedRollups = counter(meters, "stats_rollups");
    }

    private static Counter counter(MeterRegistry meters, String table) {
        return Counter.builder("braid.pruned.rows").tag("table", table)
                .description("Rows removed by retention (braid.retention.*, a recipe's retention:)").register(meters);
    }

    /** One pass now, on this thread (what the schedule runs; tests call it with their own clock). */
    public Pass pruneNow() {
        try (Connection lockSession = dataSource.getConnection()) {
            if (!tryLock(lockSession)) {
                return new Pass(true, 0, 0, 0, 0, 0);
            }
            try {
                return pass(System.nanoTime() + settings.passBudget().toNanos());
            } finally {
                unlock(lockSession);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Retention could not take its lock: " + e.getMessage(), e);
        }
    }

    private Pass pass(long deadline) {
        Instant now = clock.instant();
        long steps = 0;
        long logs = 0;
        long removedRuns = 0;
        Duration longestHistory = settings.history();
        for (Recipe recipe : allRecipes()) {
            Duration history = orDefault(recipe.retention().history(), settings.history());
            Duration summaries = orDefault(recipe.retention().summaries(), settings.summaries());
            if (history.compareTo(summaries) > 0) {
                history = summaries; // a server default longer than a recipe's summaries
            }
            longestHistory = longestHistory.compareTo(history) < 0 ? history : longestHistory;
            String scope = "history:" + recipe.slug();
            UUID mark = mark(scope);
            UUID before = Ids.floor(now.minus(history));
            while (System.nanoTime() < deadline) {
                RunStore.HistoryPruned batch = runs.pruneHistory(recipe.slug(), mark, before, settings.batchSize());
                steps += batch.steps();
                logs += batch.logs();
                if (batch.last() == null) {
                    break;
                }
                mark = batch.last();
                saveMark(scope, mark);
                if (batch.runs() < settings.batchSize()) {
                    break;
                }
            }
            UUID summariesBefore = Ids.floor(now.minus(summaries));
            while (System.nanoTime() < deadline) {
                int deleted = runs.pruneSummaries(recipe.slug(), summariesBefore, settings.batchSize());
                removedRuns += deleted;
                if (deleted < settings.batchSize()) {
                    break;
                }
            }
        }
        long removedEvents = 0;
        UUID mark = mark("events");
        UUID before = Ids.floor(now.minus(longestHistory));
        while (System.nanoTime() < deadline) {
            EventStore.EventsPruned batch = events.prune(mark, before, settings.batchSize());
            removedEvents += batch.deleted();
            if (batch.last() == null) {
                break;
            }
            mark = batch.last();
            saveMark("events", mark);
        }
        long removedRollups = 0;
        // A day past the longest stats window, so a window ending now never misses its first bucket.
        Instant rollupsBefore = now.minus(StatsWindow.MAX_WINDOW).minus(Duration.ofDays(1));
        while (System.nanoTime() < deadline) {
            int deleted = rollups.pruneFineRollups(rollupsBefore, settings.batchSize());
            removedRollups += deleted;
            if (deleted < settings.batchSize()) {
                break;
            }
        }
        prunedRollups.increment(removedRollups);
        prunedSteps.increment(steps);
        prunedLogs.increment(logs);
        prunedRuns.increment(removedRuns);
        prunedEvents.increment(removedEvents);
        if (steps + logs + removedRuns + removedEvents + removedRollups > 0) {
            log.info("Retention: removed {} step records, {} log lines, {} runs, {} trigger events and {} minute/hour stats rows",
                    steps, logs, removedRuns, removedEvents, removedRollups);
        }
        return new Pass(false, steps, logs, removedRuns, removedEvents, removedRollups);
    }

    /** Every recipe, enabled or not, as its current version reads. */
    private List<Recipe> allRecipes() {
        List<Recipe> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<StoredRecipe> page = recipes.list(after, 500);
            for (StoredRecipe stored : page) {
                catalog.current(stored.slug()).ifPresent(c -> out.add(c.recipe()));
            }
            if (page.size() < 500) {
                return out;
            }
            after = page.getLast().slug();
        }
    }

    private static Duration orDefault(Duration value, Duration fallback) {
        return value != null ? value : fallback;
    }

    private UUID mark(String scope) {
        return jdbc.sql("select through from retention_marks where scope = ?").param(scope).query(UUID.class).optional()
                .orElse(START);
    }

    private void saveMark(String scope, UUID through) {
        jdbc.sql("""
                insert into retention_marks (scope, through) values (?, ?)
                on conflict (scope) do update set through = excluded.through, at = now()""")
                .params(scope, through).update();
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select pg_try_advisory_lock(?)")) {
            st.setLong(1, LOCK);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select pg_advisory_unlock(?)")) {
            st.setLong(1, LOCK);
            st.execute();
        }
    }

    @Override
    public void start() {
        loop.start(settings.interval(), settings.interval());
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
