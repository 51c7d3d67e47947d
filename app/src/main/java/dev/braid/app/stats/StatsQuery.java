package dev.braid.app.stats;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.refusal.NotFound;
import dev.braid.engine.model.Durations;

/**
 * Reads the stats of one recipe or all: the rollups of the window's tier (never {@code runs} rows by the
 * window), plus what is true now — queue depth and lag, open dead letters — from indexed counts of the
 * unfinished runs and open dead letters.
 */
@Component
public class StatsQuery {

    private static final String ROLLUPS = """
            select at, started, succeeded, failed, cancelled, duplicates, sla_breaches, latency_sum_ms,
                   wait_count, wait_sum_ms, latency_histogram
              from stats_rollups
             where tier = ? and at >= ? and at <= ? and (?::text is null or recipe = ?::text)""";

    private static final String QUEUE = """
            select count(*) filter (where status = 'queued') as queued,
                   count(*) filter (where status = 'retrying') as retrying,
                   count(*) filter (where status = 'waiting') as waiting,
                   count(*) filter (where status = 'running') as running,
                   coalesce(extract(epoch from now() - min(next_attempt_at)
                       filter (where status in ('queued', 'retrying', 'waiting') and next_attempt_at <= now())), 0) as lag
              from runs
             where status in ('queued', 'retrying', 'waiting', 'running') and (?::text is null or recipe = ?::text)""";

    private static final String OPEN_DEAD_LETTERS =
            "select count(*) from dead_letters where status = 'open' and (?::text is null or recipe = ?::text)";

    private static final String RECIPE_SLA = """
            select v.definition -> 'sla' ->> 'maxLatency'
              from recipes r join recipe_versions v on v.slug = r.slug and v.version = r.version
             where r.slug = ?""";

    private final JdbcClient jdbc;
    private final Clock clock;

    public StatsQuery(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The stats of {@code recipe} (null: all recipes); a recipe that does not exist is refused. */
    public Stats of(String recipe, String window, String bucket) {
        StatsWindow range = StatsWindow.of(window, bucket, clock.instant());
        Long maxLatency = null;
        if (recipe != null) {
            List<String> sla = jdbc.sql(RECIPE_SLA).param(recipe).query((rs, n) -> rs.getString(1)).list();
            if (sla.isEmpty()) {
                throw new NotFound("There is no recipe '" + recipe + "'; GET /api/v1/recipes lists them");
            }
            maxLatency = sla.getFirst() == null ? null : Durations.parse(sla.getFirst()).toMillis();
        }
        TreeMap<Instant, Bucket> series = new TreeMap<>();
        for (int i = 0; i < range.buckets(); i++) {
            series.put(range.from().plus(range.bucket().multipliedBy(i)), new Bucket());
        }
        Bucket whole = new Bucket();
        jdbc.sql(ROLLUPS).params(range.tier().wire(), Timestamp.from(range.from()), Timestamp.from(range.to()), recipe, recipe)
                .query((ResultSet rs) -> {
                    Instant at = rs.getTimestamp("at").toInstant();
                    Bucket b = series.computeIfAbsent(range.bucketOf(at), k -> new Bucket());
                    b.add(rs);
                    whole.add(rs);
                });
        List<Stats.Point> points = new ArrayList<>(series.size());
        series.forEach((at, b) -> points.add(new Stats.Point(at.toString(), b.started, b.succeeded, b.failed, b.cancelled,
                b.histogram.percentile(0.95))));
        long ended = whole.histogram.count();
        Stats.Latency latency = new Stats.Latency(whole.histogram.percentile(0.50), whole.histogram.percentile(0.95),
                whole.histogram.percentile(0.99), ended == 0 ? null : Math.round((double) whole.latencySum / ended),
                whole.waitCount == 0 ? null : Math.round((double) whole.waitSum / whole.waitCount));
        Stats.Queue queue = jdbc.sql(QUEUE).params(recipe, recipe).query((rs, n) -> new Stats.Queue(rs.getLong("queued"),
                rs.getLong("retrying"), rs.getLong("waiting"), rs.getLong("running"), rs.getDouble("lag"))).single();
        long open = jdbc.sql(OPEN_DEAD_LETTERS).params(recipe, recipe).query(Long.class).single();
        return new Stats(recipe, Durations.format(range.window()), Durations.format(range.bucket()), range.from().toString(),
                range.to().toString(),
                new Stats.Totals(whole.started, whole.succeeded, whole.failed, whole.cancelled, whole.duplicates),
                latency, points, queue, new Stats.DeadLetters(open), new Stats.Sla(maxLatency, whole.breaches));
    }

    /** Rollup rows added up. */
    private static final class Bucket {
        long started, succeeded, failed, cancelled, duplicates, breaches, latencySum, waitCount, waitSum;
        final LatencyHistogram histogram = new LatencyHistogram();

        void add(ResultSet rs) throws SQLException {
            started += rs.getLong("started");
            succeeded += rs.getLong("succeeded");
            failed += rs.getLong("failed");
            cancelled += rs.getLong("cancelled");
            duplicates += rs.getLong("duplicates");
            breaches += rs.getLong("sla_breaches");
            latencySum += rs.getLong("latency_sum_ms");
            waitCount += rs.getLong("wait_count");
            waitSum += rs.getLong("wait_sum_ms");
            Array counts = rs.getArray("latency_histogram");
            Long[] values = (Long[]) counts.getArray();
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null && values[i] != 0) {
                    histogram.add(i, values[i]);
                }
            }
        }
    }

}
