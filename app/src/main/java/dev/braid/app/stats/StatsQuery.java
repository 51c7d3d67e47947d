package dev.braid.app.stats;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.postgresql.PGStatement;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.refusal.NotFound;
import dev.braid.app.store.RunStore;
import dev.braid.engine.model.Durations;

/**
 * Reads the stats of one recipe or all: the rollups of the window's tier (never {@code runs} rows by the
 * window), plus what is true now — queue depth and lag, open dead letters — from indexed counts of the
 * unfinished runs and open dead letters.
 */
@Component
public class StatsQuery {

    /**
     * The window's rows of one tier; added up per series bucket here (a histogram array is cheaper to add in
     * Java than to unnest and regroup in SQL). The {@code %s} is the recipe condition, a fixed text: with a
     * recipe the primary key (tier, recipe, at) finds its rows alone.
     */
    private static final String ROLLUPS = """
            select at, started, succeeded, failed, cancelled, duplicates, sla_breaches, latency_sum_ms,
                   wait_count, wait_sum_ms, latency_histogram
              from stats_rollups
             where tier = ? and at >= ? and at <= ? and %s""";
    static final String ROLLUPS_OF_RECIPE = ROLLUPS.formatted("recipe = ?");
    static final String ROLLUPS_OF_ALL = ROLLUPS.formatted("true");

    /**
     * What is true now besides the queue ({@link RunStore#queueNow}): whether the recipe exists and its
     * {@code sla.maxLatency}, and the open dead letters.
     */
    private static final String NOW = """
            select (select count(*) from recipes where slug = ?::text) as known,
                   (select v.definition -> 'sla' ->> 'maxLatency'
                      from recipes r join recipe_versions v on v.slug = r.slug and v.version = r.version
                     where r.slug = ?::text) as max_latency,
                   (select count(*) from dead_letters
                     where status = 'open' and (?::text is null or recipe = ?::text)) as open""";

    private record Now(boolean known, String maxLatency, long open) {}

    private final JdbcClient jdbc;
    private final RunStore runs;
    private final JdbcTemplate template;
    private final Clock clock;

    public StatsQuery(JdbcClient jdbc, JdbcTemplate template, RunStore runs, Clock clock) {
        this.jdbc = jdbc;
        this.runs = runs;
        this.template = template;
        this.clock = clock;
    }

    /** The stats of {@code recipe} (null: all recipes); a recipe that does not exist is refused. */
    public Stats of(String recipe, String window, String bucket) {
        StatsWindow range = StatsWindow.of(window, bucket, clock.instant());
        Now now = jdbc.sql(NOW).params(recipe, recipe, recipe, recipe).query((rs, n) -> new Now(
                rs.getLong("known") > 0, rs.getString("max_latency"), rs.getLong("open"))).single();
        RunStore.QueueNow queue = runs.queueNow(recipe);
        if (recipe != null && !now.known()) {
            throw new NotFound("There is no recipe '" + recipe + "'; GET /api/v1/recipes lists them");
        }
        Long maxLatency = now.maxLatency() == null ? null : Durations.parse(now.maxLatency()).toMillis();
        TreeMap<Instant, Bucket> series = new TreeMap<>();
        for (int i = 0; i < range.buckets(); i++) {
            series.put(range.from().plus(range.bucket().multipliedBy(i)), new Bucket());
        }
        Bucket whole = new Bucket();
        List<Object> params = new ArrayList<>(List.of(range.tier().wire(), Timestamp.from(range.from()),
                Timestamp.from(range.to())));
        if (recipe != null) {
            params.add(recipe);
        }
        template.query(con -> {
            PreparedStatement ps = con.prepareStatement(recipe == null ? ROLLUPS_OF_ALL : ROLLUPS_OF_RECIPE);
            // Binary results: a 7-day read is thousands of histogram arrays, and decoding them from text costs
            // more than the database's whole read (a negative threshold makes the driver ask for binary).
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            return ps;
        }, (ResultSet rs) -> {
            Instant at = rs.getTimestamp("at").toInstant();
            series.computeIfAbsent(range.bucketOf(at), k -> new Bucket()).add(Row.of(rs));
        });
        // The window's totals from the series points, not from every row again: a point is many rows.
        series.values().forEach(whole::add);
        List<Stats.Point> points = new ArrayList<>(series.size());
        series.forEach((at, b) -> points.add(new Stats.Point(at.toString(), b.started, b.succeeded, b.failed, b.cancelled,
                b.histogram.percentile(0.95))));
        long ended = whole.histogram.count();
        Stats.Latency latency = new Stats.Latency(whole.histogram.percentile(0.50), whole.histogram.percentile(0.95),
                whole.histogram.percentile(0.99), ended == 0 ? null : Math.round((double) whole.latencySum / ended),
                whole.waitCount == 0 ? null : Math.round((double) whole.waitSum / whole.waitCount));
        return new Stats(recipe, Durations.format(range.window()), Durations.format(range.bucket()), range.from().toString(),
                range.to().toString(),
                new Stats.Totals(whole.started, whole.succeeded, whole.failed, whole.cancelled, whole.duplicates),
                latency, points, new Stats.Queue(queue.queued(), queue.retrying(), queue.waiting(), queue.running(), queue.lagSeconds()), new Stats.DeadLetters(now.open()), new Stats.Sla(maxLatency, whole.breaches));
    }

    /** One rollup row, read once. */
    private record Row(long[] counts, Long[] histogram) {
        static Row of(ResultSet rs) throws SQLException {
            long[] counts = {rs.getLong("started"), rs.getLong("succeeded"), rs.getLong("failed"), rs.getLong("cancelled"),
                    rs.getLong("duplicates"), rs.getLong("sla_breaches"), rs.getLong("latency_sum_ms"),
                    rs.getLong("wait_count"), rs.getLong("wait_sum_ms")};
            Array array = rs.getArray("latency_histogram");
            Long[] values = (Long[]) array.getArray();
            array.free();
            return new Row(counts, values);
        }
    }

    /** Rollup rows added up. */
    private static final class Bucket {
        long started, succeeded, failed, cancelled, duplicates, breaches, latencySum, waitCount, waitSum;
        final LatencyHistogram histogram = new LatencyHistogram();

        void add(Bucket other) {
            started += other.started;
            succeeded += other.succeeded;
            failed += other.failed;
            cancelled += other.cancelled;
            duplicates += other.duplicates;
            breaches += other.breaches;
            latencySum += other.latencySum;
            waitCount += other.waitCount;
            waitSum += other.waitSum;
            histogram.add(other.histogram);
        }

        void add(Row row) {
            long[] c = row.counts();
            started += c[0];
            succeeded += c[1];
            failed += c[2];
            cancelled += c[3];
            duplicates += c[4];
            breaches += c[5];
            latencySum += c[6];
            waitCount += c[7];
            waitSum += c[8];
            Long[] values = row.histogram();
            for (int i = values.length - 1; i >= 0; i--) {   // from the top: the array grows once
                if (values[i] != null && values[i] != 0) {
                    histogram.add(i, values[i]);
                }
            }
        }
    }
}
