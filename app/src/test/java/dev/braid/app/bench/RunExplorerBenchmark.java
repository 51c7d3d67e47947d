package dev.braid.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;

/**
 * The run explorer's budget (issue 16, ARCHITECTURE §9): its first page within 300 ms of server time with a
 * million runs stored. Generates {@code bench.runs} runs (default 1,000,000) over 20 recipes, 3 % of them failed,
 * straight into runs, then times the pages the explorer asks for through the API — all runs, one recipe, the
 * failed ones, failed of one recipe, a time range, and the next page by cursor — each 20 times after a warm-up,
 * and prints the median and the slowest. Not part of the default test run; run it with
 *
 * <pre>./mvnw -o -pl app -am verify -Dit.test=RunExplorerBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * and read the lines starting with "BENCH". On loopback the client's clock is the server time plus well under a
 * millisecond.
 */
@TestPropertySource(properties = "braid.worker.enabled=false")
class RunExplorerBenchmark extends BraidIntegrationTest {

    @Test
    void firstPagesAmongAMillionRuns() {
        int runs = Integer.getInteger("bench.runs", 1_000_000);
        for (int r = 0; r < 20; r++) {
            braid.saveRecipe("""
                    slug: explore-%d
                    name: Explorer benchmark %d
                    trigger:
                      webhook: {}
                    steps:
                      - { id: t, action: core.transform, with: { value: 1 } }
                    """.formatted(r, r));
        }
        long began = System.nanoTime();
        jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, created_at, started_at,
                                  finished_at, output, error)
                select ('01910000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'explore-' || (n % 20), 1,
                       case when n % 33 = 0 then 'failed' else 'succeeded' end, 'trigger',
                       jsonb_build_object('type', 'webhook', 'body', jsonb_build_object('id', 'ORD-' || n, 'amount', n % 1000)),
                       1, now() - make_interval(secs => (? - n) / 10.0), now() - make_interval(secs => (? - n) / 10.0),
                       now() - make_interval(secs => (? - n) / 10.0 - 0.05),
                       case when n % 33 = 0 then null else jsonb_build_object('ok', true) end,
                       case when n % 33 = 0 then jsonb_build_object('type', 'http.status', 'message', 'answered 503') end
                  from generate_series(1, ?) as n""").params(runs, runs, runs, runs).update();
        jdbc.sql("analyze runs").update();
        System.out.printf("BENCH run explorer: %,d runs generated in %.1f s%n",
                sql.count("select count(*) from runs where recipe like 'explore-%'"), (System.nanoTime() - began) / 1e9);

        String from = java.time.Instant.now().minusSeconds(runs / 20).toString();
        String to = java.time.Instant.now().minusSeconds(runs / 40).toString();
        List<String> pages = new ArrayList<>(List.of("", "recipe=explore-7", "status=failed", "recipe=explore-7&status=failed",
                "from=" + from + "&to=" + to));
        String cursor = api.get("/api/v1/runs?recipe=explore-3").json().path("nextCursor").asString();
        assertThat(cursor).isNotBlank();
        pages.add("recipe=explore-3&cursor=" + cursor);
        for (String query : pages) {
            String path = "/api/v1/runs" + (query.isEmpty() ? "" : "?" + query);
            ApiClient.Response first = api.get(path);
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(first.json().path("items").size()).isPositive();
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                api.get(path);
                millis.add((System.nanoTime() - t) / 1e6);
            }
            Collections.sort(millis);
            System.out.printf("BENCH run explorer: GET %s — %d items, median %.1f ms, slowest %.1f ms (budget 300 ms)%n",
                    path.length() > 90 ? path.substring(0, 90) + "…" : path, first.json().path("items").size(),
                    millis.get(millis.size() / 2), millis.getLast());
        }
    }
}
