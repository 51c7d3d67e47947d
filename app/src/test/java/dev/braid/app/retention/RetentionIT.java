package dev.braid.app.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.EventStore;
import dev.braid.app.store.Ids;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import dev.braid.app.store.RunStore;
import dev.braid.app.stats.StatsFold;
import dev.braid.app.support.BraidIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Retention through the real tables: a recipe's {@code retention:} prunes step data and logs after its
 * history (ended runs only, a run with an open dead letter kept), whole runs after its summaries, and
 * old trigger events once their keys no longer dedupe. The pruner under test has its own clock, hours
 * ahead, and server defaults long enough that other tests' recipes are left alone.
 */
class RetentionIT extends BraidIntegrationTest {

    @Autowired
    RunStore runs;
    @Autowired
    EventStore events;
    @Autowired
    RecipeStore recipes;
    @Autowired
    RecipeCatalog catalog;
    @Autowired
    DataSource dataSource;
    @Autowired
    MeterRegistry meters;
    @Autowired
    StatsFold rollups;

    @Test
    void historyThenSummariesGoByTheRecipesRetentionAndOpenDeadLettersKeepTheirDetails() {
        braid.saveRecipe("""
                slug: kept-briefly
                name: Kept briefly
                trigger: { webhook: {} }
                retention: { history: 1h, summaries: 3h }
                steps:
                  - { id: note, action: core.log, with: { message: "order {{ trigger.body.n }}" } }
                  - id: check
                    action: core.transform
                    with: { value: "{{ trigger.body.n = 0 ? $error('order 0 is refused') : trigger.body.n }}" }
                """);
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 30; n++) {
            ids.add(braid.webhook("kept-briefly", "{\"n\": " + n + "}"));
        }
        ids.forEach(braid::awaitEnd);
        assertThat(sql.runCount("kept-briefly", "failed")).isEqualTo(1);
        String failed = ids.getFirst();
        long stepsBefore = stepRows("kept-briefly");
        assertThat(stepsBefore).isGreaterThanOrEqualTo(59); // two per run, the failed run's second one failing
        assertThat(logRows("kept-briefly")).isGreaterThanOrEqualTo(30);

        // Within the history nothing goes.
        RetentionPruner.Pass early = pass(pruner(Duration.ofMinutes(30), 7));
        assertThat(early.skipped()).isFalse();
        assertThat(stepRows("kept-briefly")).isEqualTo(stepsBefore);

        // After it: 29 runs lose their details in batches of 7, the dead-lettered one keeps them; all 30 summaries stay.
        RetentionPruner.Pass history = pass(pruner(Duration.ofMinutes(90), 7));
        assertThat(history.steps()).isEqualTo(stepsBefore - stepRows(failed, true));
        assertThat(stepRows("kept-briefly")).isEqualTo(stepRows(failed, true)).isPositive();
        assertThat(logRows("kept-briefly")).isEqualTo(sql.count("select count(*) from run_logs where run_id = ?::uuid", failed));
        assertThat(sql.runCount("kept-briefly")).isEqualTo(30);
        assertThat(api.get("/api/v1/runs/" + ids.get(5)).status()).as("the summary answers").isEqualTo(200);
        assertThat(sql.count("select count(*) from retention_marks where scope = 'history:kept-briefly'")).isEqualTo(1);
        // A second pass starts from its mark: nothing left to do.
        assertThat(pass(pruner(Duration.ofMinutes(90), 7)).steps()).isZero();

        // After the summaries the runs go, with their dead letter.
        RetentionPruner.Pass summaries = pass(pruner(Duration.ofHours(4), 7));
        assertThat(summaries.runs()).isEqualTo(30);
        assertThat(sql.runCount("kept-briefly")).isZero();
        assertThat(stepRows("kept-briefly")).isZero();
        assertThat(sql.count("select count(*) from dead_letters where recipe = 'kept-briefly'")).isZero();
        assertThat(meters.get("braid.pruned.rows").tag("table", "runs").counter().count()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void oldEventsGoOnceTheirKeyNoLongerDedupesAndTheirRunsKeepTheirEventId() {
        braid.saveRecipe("""
                slug: events-aged
                name: Aged events
                trigger:
                  webhook:
                    idempotencyKey: "trigger.body.id"
                    dedupe: { window: 1h }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.id }}" } }
                """);
        UUID from = Ids.floor(Instant.now().minusSeconds(1));
        String first = braid.webhook("events-aged", "{\"id\": \"a\"}");
        braid.awaitEnd(first);
        // Inside its window the key dedupes, and the pass leaves it.
        assertThat(events.prune(from, Ids.floor(Instant.now().plusSeconds(1)), 100).deleted()).isZero();
        jdbc.sql("update trigger_events set key_expires_at = now() - interval '1 minute' where recipe = 'events-aged'").update();
        EventStore.EventsPruned pruned = events.prune(from, Ids.floor(Instant.now().plusSeconds(1)), 100);
        assertThat(pruned.deleted()).isGreaterThanOrEqualTo(1);
        assertThat(sql.eventCount("events-aged")).isZero();
        assertThat(sql.count("select count(*) from runs where id = ?::uuid and event_id is not null", first))
                .as("a soft reference, kept").isEqualTo(1);
        String again = braid.webhook("events-aged", "{\"id\": \"a\"}");
        assertThat(again).as("the key no longer dedupes: a new run").isNotEqualTo(first);
    }

    @Test
    void minuteAndHourStatsRowsGoAfterTheLongestStatsWindowDayRowsStay() {
        jdbc.sql("""
                insert into stats_rollups (tier, recipe, at, started)
                values ('minute', 'old-stats', now() - interval '40 days', 1), ('hour', 'old-stats', now() - interval '40 days', 1),
                       ('day', 'old-stats', date_trunc('day', now() - interval '40 days'), 1),
                       ('minute', 'old-stats', now() - interval '20 days', 1)""").update();
        RetentionPruner.Pass pass = pass(pruner(Duration.ZERO, 1000));
        assertThat(pass.rollups()).isGreaterThanOrEqualTo(2);
        assertThat(jdbc.sql("select tier from stats_rollups where recipe = 'old-stats' order by tier, at").query(String.class).list())
                .containsExactly("day", "minute");
    }

    /** A pass of the test's pruner, again if the server's own pruner held the lock at that moment. */
    private static RetentionPruner.Pass pass(RetentionPruner pruner) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(pruner::pruneNow, p -> !p.skipped());
    }

    private RetentionPruner pruner(Duration ahead, int batchSize) {
        BraidProperties.Retention settings = new BraidProperties.Retention(Duration.ofDays(400), Duration.ofDays(400),
                Duration.ofMinutes(1), batchSize, Duration.ofSeconds(30));
        Clock clock = Clock.fixed(Instant.now().plus(ahead), ZoneOffset.UTC);
        return new RetentionPruner(runs, events, rollups, recipes, catalog, jdbc, dataSource, settings, clock, meters);
    }

    private long stepRows(String recipe) {
        return sql.count("select count(*) from step_runs s join runs r on r.id = s.run_id where r.recipe = ?", recipe);
    }

    private long stepRows(String runId, boolean byRun) {
        return sql.count("select count(*) from step_runs where run_id = ?::uuid", runId);
    }

    private long logRows(String recipe) {
        return sql.count("select count(*) from run_logs l join runs r on r.id = l.run_id where r.recipe = ?", recipe);
    }
}
