package dev.braid.app.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stats API and the Prometheus counters against the runs table, after a known mix of webhooks:
 * successes, failures, duplicates and slow runs over the recipe's SLA. And the fold's crash semantics: a
 * fold whose connection dies mid-flush (as a node killed with SIGKILL) loses nothing and counts nothing twice.
 */
class StatsIT extends BraidIntegrationTest {

    private static final int OK = 240;
    private static final int FAILING = 60;
    private static final int SLOW = 20;
    private static final int DUPLICATES = 40;

    @Autowired
    StatsFold fold;

    private static String recipe(String slug) {
        return """
                slug: %s
                name: Stats mix
                trigger:
                  webhook:
                    idempotencyKey: "trigger.body.id"
                sla: { maxLatency: 300ms }
                steps:
                  - id: slow
                    if: "trigger.body.kind = 'slow'"
                    then:
                      - id: nap
                        action: core.delay
                        with: { duration: 400ms }
                  - id: bad
                    if: "trigger.body.kind = 'fail'"
                    then:
                      - id: refuse
                        fail: { message: "refused on purpose" }
                  - id: done
                    action: core.transform
                    with: { value: "{{ trigger.body.id }}" }
                """.formatted(slug);
    }

    @Test
    void statsTotalsPercentilesAndSeriesEqualTheRunsTableAndPrometheusAgrees() {
        String slug = "stats-mix-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        braid.saveRecipe(recipe(slug));
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < OK + FAILING + SLOW; i++) {
            String kind = i < OK ? "ok" : i < OK + FAILING ? "fail" : "slow";
            runIds.add(braid.webhook(slug, "{\"id\": \"e-" + i + "\", \"kind\": \"" + kind + "\"}"));
        }
        for (int i = 0; i < DUPLICATES; i++) {
            ApiClient.Response again = anonymous.postJson("/hooks/" + slug, "{\"id\": \"e-" + i + "\", \"kind\": \"ok\"}");
            assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        }
        await().atMost(Duration.ofSeconds(90)).until(() ->
                sql.count("select count(*) from runs where recipe = ? and finished_at is null", slug) == 0);
        // The background fold may be mid-round (holding the fold's lock): wait until this recipe's journal is folded.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            fold.foldAll();
            return sql.count("select count(*) from stats_journal where recipe = ?", slug) == 0;
        });

        JsonNode stats = api.get("/api/v1/stats?recipe=" + slug + "&window=1h").json();

        long succeeded = sql.count("select count(*) from runs where recipe = ? and status = 'succeeded'", slug);
        long failed = sql.count("select count(*) from runs where recipe = ? and status = 'failed'", slug);
        assertThat(succeeded).isEqualTo(OK + SLOW);
        assertThat(failed).isEqualTo(FAILING);
        JsonNode totals = stats.path("totals");
        assertThat(totals.path("started").asLong()).isEqualTo(sql.runCount(slug)).isEqualTo(runIds.size());
        assertThat(totals.path("succeeded").asLong()).isEqualTo(succeeded);
        assertThat(totals.path("failed").asLong()).isEqualTo(failed);
        assertThat(totals.path("cancelled").asLong()).isZero();
        assertThat(totals.path("duplicates").asLong()).isEqualTo(DUPLICATES);

        List<Long> latencies = jdbc.sql("""
                select floor(extract(epoch from finished_at - created_at) * 1000)::bigint from runs
                 where recipe = ? order by 1""").param(slug).query(Long.class).list();
        for (String p : List.of("p50", "p95", "p99")) {
            double q = Integer.parseInt(p.substring(1)) / 100.0;
            long exact = latencies.get((int) Math.ceil(q * latencies.size()) - 1);
            assertThat(stats.path("latency").path(p).asLong()).as(p + " against the runs table's " + exact)
                    .isBetween(exact - exact / 32 - 1, exact + exact / 32 + 1);
        }
        long overSla = latencies.stream().filter(l -> l > 300).count();
        assertThat(overSla).isGreaterThanOrEqualTo(SLOW);
        assertThat(stats.path("sla").path("maxLatency").asLong()).isEqualTo(300);
        assertThat(stats.path("sla").path("breaches").asLong()).isEqualTo(overSla);

        Map<String, long[]> perMinute = new HashMap<>();
        jdbc.sql("""
                select date_trunc('minute', finished_at) as at, count(*) filter (where status = 'succeeded') as ok,
                       count(*) filter (where status = 'failed') as failed
                  from runs where recipe = ? group by 1""").param(slug)
                .query((rs, n) -> perMinute.put(rs.getTimestamp("at").toInstant().toString(),
                        new long[] {rs.getLong("ok"), rs.getLong("failed")})).list();
        assertThat(stats.path("bucket").asString()).isEqualTo("1m");
        long seriesOk = 0;
        for (JsonNode point : stats.path("series")) {
            long[] expected = perMinute.getOrDefault(point.path("at").asString(), new long[2]);
            assertThat(point.path("succeeded").asLong()).as("succeeded at " + point.path("at")).isEqualTo(expected[0]);
            assertThat(point.path("failed").asLong()).as("failed at " + point.path("at")).isEqualTo(expected[1]);
            seriesOk += point.path("succeeded").asLong();
        }
        assertThat(seriesOk).isEqualTo(succeeded);
        assertThat(stats.path("queue").path("queued").isNumber()).isTrue();
        assertThat(stats.path("deadLetters").path("open").asLong())
                .isEqualTo(sql.count("select count(*) from dead_letters where recipe = ? and status = 'open'", slug));

        String scraped = await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/actuator/prometheus").body(),
                body -> sample(body, "braid_runs_total", "recipe=\"" + slug + "\"") == succeeded + failed);
        assertThat(sample(scraped, "braid_runs_total", "recipe=\"" + slug + "\"", "status=\"succeeded\"")).isEqualTo(succeeded);
        assertThat(sample(scraped, "braid_runs_total", "recipe=\"" + slug + "\"", "status=\"failed\"")).isEqualTo(failed);
        assertThat(sample(scraped, "braid_run_latency_seconds_count", "recipe=\"" + slug + "\"")).isEqualTo(succeeded + failed);
        assertThat(sample(scraped, "braid_sla_breaches_total", "recipe=\"" + slug + "\"")).isEqualTo(overSla);
        assertThat(sample(scraped, "braid_trigger_events_total", "recipe=\"" + slug + "\"", "outcome=\"duplicate\""))
                .isEqualTo(DUPLICATES);
        assertThat(sample(scraped, "braid_trigger_events_total", "recipe=\"" + slug + "\"", "outcome=\"accepted\""))
                .isEqualTo(runIds.size());
        assertThat(scraped).contains("braid_queue_depth{", "braid_queue_lag_seconds", "jvm_memory_used_bytes",
                "hikaricp_connections_active", "http_server_requests_seconds");

        // a day's window reads the five-minute tier: the same counts and the same histogram, in fewer rows
        JsonNode day = api.get("/api/v1/stats?recipe=" + slug + "&window=24h").json();
        assertThat(day.path("bucket").asString()).isEqualTo("5m");
        assertThat(day.path("totals")).isEqualTo(totals);
        assertThat(day.path("latency")).isEqualTo(stats.path("latency"));
        assertThat(day.path("sla").path("breaches").asLong()).isEqualTo(overSla);
        long daySeriesOk = 0;
        for (JsonNode point : day.path("series")) {
            daySeriesOk += point.path("succeeded").asLong();
        }
        assertThat(daySeriesOk).isEqualTo(succeeded);
        assertThat(sql.count("select count(*) from stats_rollups where tier = 'five_minutes' and recipe = ?", slug))
                .isBetween(1L, sql.count("select count(*) from stats_rollups where tier = 'minute' and recipe = ?", slug));

        ApiClient.Response all = api.get("/api/v1/stats?window=24h");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().path("bucket").asString()).isEqualTo("5m");
        assertThat(all.json().path("totals").path("succeeded").asLong()).isGreaterThanOrEqualTo(succeeded);
    }

    @Test
    void prometheusNeedsCredentialsAndTheStatsRefuseWhatTheyCannotAnswer() {
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        ApiClient.Response bad = api.get("/api/v1/stats?window=90d");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("path").asString()).isEqualTo("window");
        assertThat(api.get("/api/v1/stats?recipe=no-such-recipe").status()).isEqualTo(404);
    }

    @Test
    void theOpenApiDescriptionCoversTheRestInterface() {
        ApiClient.Response docs = api.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode paths = docs.json().path("paths");
        assertThat(paths.has("/api/v1/stats")).isTrue();
        assertThat(paths.has("/api/v1/runs")).isTrue();
        assertThat(paths.has("/api/v1/recipes")).isTrue();
        assertThat(paths.has("/api/v1/dead-letters")).isTrue();
        assertThat(paths.path("/api/v1/stats").path("get").path("parameters").toString()).contains("window", "bucket", "recipe");
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(401);
    }

    /**
     * A fold whose database session dies between taking the journal rows and its commit — what a node killed
     * with SIGKILL mid-flush does to its transaction — leaves every row in the journal; a later fold counts
     * each exactly once. The recipe's day rollup row is held by another session, so every fold that reaches
     * this recipe's rows waits there, after its delete and before its commit, until it is killed.
     */
    @Test
    void aFoldKilledMidFlushNeitherLosesNorDoublesCounts() throws Exception {
        String slug = "stats-kill-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        braid.saveRecipe("""
                slug: %s
                name: Killed fold
                trigger: { manual: {} }
                steps:
                  - id: done
                    action: core.transform
                    with: { value: 1 }
                """.formatted(slug));
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> held = new CompletableFuture<>();
        Thread holder = Thread.ofPlatform().start(() -> holdDayRows(slug, held, release));
        held.get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            for (int i = 0; i < 500; i++) {
                braid.startRun(slug, "{}");
            }
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    sql.count("select count(*) from runs where recipe = ? and status = 'succeeded'", slug) == 500);
            for (int kill = 0; kill < 2; kill++) {   // the background fold, then its next round
                await().atMost(Duration.ofSeconds(10)).until(() -> sql.count(WAITING_FOLDS) >= 1);
                jdbc.sql("select pg_terminate_backend(pid) from pg_stat_activity where " + WAITING_FOLD)
                        .query(Boolean.class).list();
            }
            assertThat(sql.count("select count(*) from stats_journal where recipe = ?", slug))
                    .as("after two killed folds every journal row is still there").isEqualTo(1000);
        } finally {
            release.complete(null);
            holder.join(10_000);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            fold.foldAll();
            return sql.count("select count(*) from stats_journal where recipe = ?", slug) == 0;
        });
        JsonNode totals = api.get("/api/v1/stats?recipe=" + slug + "&window=1h").json().path("totals");
        assertThat(totals.path("started").asLong()).isEqualTo(500);
        assertThat(totals.path("succeeded").asLong()).isEqualTo(500);
        fold.foldAll();
        assertThat(api.get("/api/v1/stats?recipe=" + slug + "&window=1h").json().path("totals").path("succeeded").asLong())
                .isEqualTo(500);
        assertThat(sample(api.get("/actuator/prometheus").body(), "braid_runs_total", "recipe=\"" + slug + "\""))
                .isEqualTo(500);
    }

    private static final String WAITING_FOLD = "query like '%insert into stats_rollups%' and wait_event_type = 'Lock'"
            + " and application_name <> 'stats-it-holder'";
    private static final String WAITING_FOLDS = "select count(*) from pg_stat_activity where " + WAITING_FOLD;

    /** In a session of its own: creates and locks the recipe's day rollup rows (today, tomorrow) until {@code release}. */
    private static void holdDayRows(String slug, CompletableFuture<Void> held, CompletableFuture<Void> release) {
        try (var con = java.sql.DriverManager.getConnection(dev.braid.app.support.TestDatabase.jdbcUrl(), "postgres", "postgres")) {
            try (var st = con.createStatement()) {
                st.execute("set application_name = 'stats-it-holder'");
            }
            con.setAutoCommit(false);
            Instant today = StatsWindow.Tier.DAY.floor(Instant.now());
            try (var ps = con.prepareStatement("insert into stats_rollups (tier, recipe, at) values ('day', ?, ?)")) {
                for (Instant day : List.of(today, today.plus(Duration.ofDays(1)))) {
                    ps.setString(1, slug);
                    ps.setTimestamp(2, java.sql.Timestamp.from(day));
                    ps.executeUpdate();
                }
            }
            held.complete(null);
            release.get();
            con.rollback();
        } catch (Exception e) {
            held.completeExceptionally(e);
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}; -1 when there is none. */
    static long sample(String scraped, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scraped);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            String set = m.group(1);
            boolean all = true;
            for (String l : labels) {
                all &= set.contains(l);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        return found ? Math.round(sum) : -1;
    }
}
