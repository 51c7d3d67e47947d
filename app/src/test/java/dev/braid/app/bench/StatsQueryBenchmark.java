package dev.braid.app.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.stats.Stats;
import dev.braid.app.stats.StatsQuery;
import dev.braid.app.stats.StatsWindow;
import dev.braid.app.support.BraidIntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stats API over the rollups of 10 million runs (ARCHITECTURE §10: a 7-day window in ≤ 100 ms):
 * 20 recipes, 50 runs per recipe per minute for 7 days (10,080,000 runs), as the fold writes them —
 * minute, five-minute, hour and day rows, each with a latency histogram of 200 buckets. Prints the median and worst
 * of 50 queries per shape (end to end through {@link StatsQuery}) and the database's own execution time of
 * the rollup read ({@code explain analyze}), which machine load inflates less; no timed assertion. Not part of the default test run; run it with
 *
 * <pre>./mvnw -o -pl app -am verify -Dit.test=StatsQueryBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * and read the lines starting with "BENCH".
 */
class StatsQueryBenchmark extends BraidIntegrationTest {

    private static final int RECIPES = 20;
    private static final int PER_MINUTE = 50;

    @Autowired
    StatsQuery stats;

    @Test
    void sevenDaysOfTenMillionRuns() {
        for (int r = 1; r <= RECIPES; r++) {
            braid.saveRecipe("""
                    slug: bench-stats-%d
                    name: Stats benchmark
                    trigger: { manual: {} }
                    steps:
                      - id: done
                        action: core.transform
                        with: { value: 1 }
                    """.formatted(r));
        }
        long started = System.nanoTime();
        for (String tier : List.of("minute", "five_minutes", "hour", "day")) {
            int factor = switch (tier) { case "minute" -> 1; case "five_minutes" -> 5; case "hour" -> 60; default -> 1440; };
            String step = tier.equals("five_minutes") ? "5 minutes" : "1 " + tier;
            String truncate = tier.equals("five_minutes") ? "hour" : tier;
            jdbc.sql("""
                    insert into stats_rollups (tier, recipe, at, started, succeeded, failed, latency_sum_ms, wait_count,
                                               wait_sum_ms, latency_histogram)
                    select ?, 'bench-stats-' || r, t, ? * ?, ? * ? * 9 / 10, ? * ? / 10, ? * ? * 120, ? * ?, ? * ? * 3,
                           (select array_agg((floor(random() * 4) * ? * ?)::bigint) from generate_series(1, 200))
                      from generate_series(1, ?) r,
                           generate_series(date_trunc(?, now() - interval '7 days'), now(), ?::interval) t
                    on conflict do nothing""")
                    .params(tier, PER_MINUTE, factor, PER_MINUTE, factor, PER_MINUTE, factor, PER_MINUTE, factor,
                            PER_MINUTE, factor, PER_MINUTE, factor, PER_MINUTE, factor, RECIPES, truncate, step)
                    .update();
        }
        jdbc.sql("analyze stats_rollups").update();
        long rows = sql.count("select count(*) from stats_rollups where recipe like 'bench-stats-%'");
        long runs = sql.count("select coalesce(sum(started), 0) from stats_rollups where tier = 'minute' and recipe like 'bench-stats-%'");
        System.out.printf("BENCH stats rollups: %,d rows for %,d runs written in %d ms%n", rows, runs,
                (System.nanoTime() - started) / 1_000_000);
        assertThat(runs).isGreaterThanOrEqualTo(10_000_000L);
        try {
            measure("one recipe, 7d (hour rows)", "bench-stats-7", "7d", null);
            measure("all recipes, 7d (hour rows)", null, "7d", null);
            measure("all recipes, 30d (hour rows)", null, "30d", null);
            measure("all recipes, 24h (five-minute rows)", null, "24h", null);
            measure("one recipe, 7d by 15m (five-minute rows)", "bench-stats-7", "7d", "15m");
            measure("all recipes, 6h by 1m (minute rows)", null, "6h", "1m");
        } finally {
            jdbc.sql("delete from stats_rollups where recipe like 'bench-stats-%'").update();
        }
    }

    private void measure(String what, String recipe, String window, String bucket) {
        List<Long> micros = new ArrayList<>();
        Stats last = null;
        for (int i = 0; i < 50; i++) {
            long t = System.nanoTime();
            last = stats.of(recipe, window, bucket);
            micros.add((System.nanoTime() - t) / 1_000);
        }
        Collections.sort(micros);
        String tier = StatsWindow.tierFor(dev.braid.engine.model.Durations.parse(last.bucket())).wire();
        String server = jdbc.sql("""
                explain (analyze, format json) select at, started, succeeded, failed, cancelled, duplicates, sla_breaches,
                       latency_sum_ms, wait_count, wait_sum_ms, latency_histogram
                  from stats_rollups where tier = ? and at >= ?::timestamptz and at <= ?::timestamptz and (? or recipe = ?)""")
                .params(tier, last.from(), last.to(), recipe == null, recipe == null ? "" : recipe)
                .query(String.class).single();
        String execution = server.replaceAll("(?s).*\"Execution Time\": ([0-9.]+).*", "$1");
        System.out.printf("BENCH stats %s: median %.1f ms, worst %.1f ms end to end; rollup read in the database %s ms"
                        + " (succeeded %,d, p95 %s ms, %d points)%n", what,
                micros.get(micros.size() / 2) / 1000.0, micros.getLast() / 1000.0, execution, last.totals().succeeded(),
                last.latency().p95(), last.series().size());
        assertThat(last.totals().succeeded()).isPositive();
    }

}
