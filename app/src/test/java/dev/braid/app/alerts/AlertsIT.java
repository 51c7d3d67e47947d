package dev.braid.app.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.stats.StatsFold;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SLA notifications and alert rules through the real path: webhooks make runs, the stats fold counts
 * them, the watch reads the rollups and starts the notify recipe once when a rule trips and once when it
 * clears. The server's own watch is paused so that only the test's (with its own clock) evaluates.
 */
class AlertsIT extends BraidIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    AlertWatch serverWatch;
    @Autowired
    StatsFold fold;

    @BeforeEach
    void pauseTheServersWatch() {
        serverWatch.stop();
        if (api.get("/api/v1/recipes/alert-sink").status() == 200) {
            return;
        }
        braid.saveRecipe("""
                slug: alert-sink
                name: Alert sink
                trigger: { manual: {} }
                steps:
                  - { id: seen, action: core.transform, with: { value: "{{ trigger.body.alert }}" } }
                """);
    }

    @AfterEach
    void resumeIt() {
        serverWatch.start();
    }

    @Test
    void anErrorRateTripsOnceAndClearsOnce() {
        braid.saveRecipe("""
                slug: flaky-orders
                name: Flaky orders
                trigger: { webhook: {} }
                alerts:
                  - errorRate: { above: 0.5, window: 10m }
                    notify: { recipe: alert-sink }
                steps:
                  - id: check
                    action: core.transform
                    with: { value: "{{ trigger.body.ok ? 'fine' : $error('refused') }}" }
                """);
        for (int i = 0; i < 3; i++) {
            braid.awaitEnd(braid.webhook("flaky-orders", "{\"ok\": false, \"n\": " + i + "}")); // distinct: equal bodies dedupe
        }
        awaitFolded("flaky-orders", 3);
        AlertWatch watch = serverWatch.withClock(Clock.systemUTC());
        assertThat(notified(watch.checkNow())).singleElement().satisfies(alert -> {
            assertThat(alert.path("recipe").asString()).isEqualTo("flaky-orders");
            assertThat(alert.path("rule").asString()).isEqualTo("errorRate");
            assertThat(alert.path("state").asString()).isEqualTo("firing");
            assertThat(alert.path("value").asDouble()).isEqualTo(1.0);
        });
        assertThat(notified(watch.checkNow())).as("still firing: no second notification").isEmpty();

        for (int i = 0; i < 4; i++) {
            braid.awaitEnd(braid.webhook("flaky-orders", "{\"ok\": true, \"n\": " + i + "}"));
        }
        awaitFolded("flaky-orders", 7);
        assertThat(notified(watch.checkNow())).singleElement().satisfies(alert -> {
            assertThat(alert.path("state").asString()).isEqualTo("cleared");
            assertThat(alert.path("value").asDouble()).isCloseTo(3.0 / 7, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(alert.has("firingSince")).isTrue();
        });
        List<JsonNode> sinkRuns = sinkAlerts("flaky-orders");
        assertThat(sinkRuns).extracting(a -> a.path("state").asString()).containsExactly("firing", "cleared");
    }

    @Test
    void slaBreachesNotifyOncePerQuietTime() {
        braid.saveRecipe("""
                slug: slow-orders
                name: Slow orders
                trigger: { webhook: {} }
                sla: { maxLatency: 50ms, notify: { recipe: alert-sink }, quiet: 5m }
                steps:
                  - { id: wait, action: core.delay, with: { duration: 300ms } }
                """);
        braid.awaitEnd(braid.webhook("slow-orders", "{\"n\": 1}"));
        braid.awaitEnd(braid.webhook("slow-orders", "{\"n\": 2}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.count(
                "select coalesce(sum(sla_breaches), 0) from stats_rollups where tier = 'minute' and recipe = 'slow-orders'") == 2);
        AlertWatch watch = serverWatch.withClock(Clock.systemUTC());
        assertThat(notified(watch.checkNow())).singleElement().satisfies(alert -> {
            assertThat(alert.path("rule").asString()).isEqualTo("sla");
            assertThat(alert.path("state").asString()).isEqualTo("breached");
            assertThat(alert.path("breaches").asLong()).isEqualTo(2);
            assertThat(alert.path("maxLatency").asString()).isEqualTo("50ms");
        });
        braid.awaitEnd(braid.webhook("slow-orders", "{\"n\": 3}"));
        assertThat(notified(watch.checkNow())).as("inside the quiet time").isEmpty();
        assertThat(sinkAlerts("slow-orders")).hasSize(1);
    }

    @Test
    void silenceTripsWhenNoRunComesAndClearsWhenOneDoes() {
        braid.saveRecipe("""
                slug: nightly-feed
                name: Nightly feed
                trigger: { webhook: {} }
                alerts:
                  - { silence: { for: 1h }, notify: { recipe: alert-sink } }
                steps:
                  - { id: take, action: core.log, with: { message: "fed" } }
                """);
        braid.awaitEnd(braid.webhook("nightly-feed", "{\"night\": 1}"));
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        Clock clock = new Clock() {
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now.get();
            }
        };
        AlertWatch watch = serverWatch.withClock(clock);
        assertThat(notified(watch.checkNow())).isEmpty();
        now.set(Instant.now().plus(Duration.ofMinutes(90))); // the feed stopped
        assertThat(notified(watch.checkNow())).singleElement().satisfies(alert -> {
            assertThat(alert.path("rule").asString()).isEqualTo("silence");
            assertThat(alert.path("state").asString()).isEqualTo("firing");
            assertThat(alert.path("for").asString()).isEqualTo("1h");
        });
        now.set(Instant.now().plus(Duration.ofMinutes(91)));
        assertThat(notified(watch.checkNow())).isEmpty();
        String late = braid.webhook("nightly-feed", "{\"night\": 2}");
        braid.awaitEnd(late);
        now.set(Instant.now().plusSeconds(5)); // it runs again
        assertThat(notified(watch.checkNow())).singleElement()
                .satisfies(alert -> assertThat(alert.path("state").asString()).isEqualTo("cleared"));
        assertThat(sinkAlerts("nightly-feed")).extracting(a -> a.path("state").asString()).containsExactly("firing", "cleared");
    }

    private void awaitFolded(String recipe, long ended) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            fold.foldAll();
            assertThat(sql.count("select coalesce(sum(succeeded + failed), 0) from stats_rollups where tier = 'minute' and recipe = ?",
                    recipe)).as(() -> "rollups " + jdbc.sql("select tier || ' ' || at || ' s=' || succeeded || ' f=' || failed from stats_rollups where recipe = ?")
                    .param(recipe).query(String.class).list() + ", runs " + jdbc.sql("select status from runs where recipe = ?")
                    .param(recipe).query(String.class).list() + ", journal " + sql.count("select count(*) from stats_journal where recipe = ?", recipe))
                    .isEqualTo(ended);
        });
    }

    private static List<JsonNode> notified(AlertWatch.Check check) {
        assertThat(check.skipped()).isFalse();
        return check.notified().stream().map(b -> (JsonNode) b.path("alert")).toList();
    }

    /** The alert bodies the sink's runs were started with, oldest first, for one watched recipe. */
    private List<JsonNode> sinkAlerts(String recipe) {
        return jdbc.sql("select trigger::text from runs where recipe = 'alert-sink' order by id").query(String.class).list()
                .stream().map(t -> JSON.readTree(t).path("body").path("alert"))
                .filter(a -> recipe.equals(a.path("recipe").asString())).toList();
    }
}
