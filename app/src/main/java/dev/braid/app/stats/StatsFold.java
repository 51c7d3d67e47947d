package dev.braid.app.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.engine.model.Durations;

/**
 * The owner of {@code stats_rollups}: moves the rows the database journals with every run inserted or
 * ended (V10's triggers on {@code runs}) and every duplicate event ({@link StatsJournal}) into per-recipe
 * minute, five-minute, hour and day rollups. Off the hot path: every {@code braid.stats.flush-interval}, on one node at
 * a time (a transaction-scoped advisory lock; the others skip that round).
 *
 * <p><b>Exactly once.</b> One transaction deletes a slice of journal rows ({@code returning} them), and adds
 * them to the rollups with one {@code insert … on conflict do update} that adds counts and histograms.
 * The journal row itself was written in the transaction of the change it records. So a run's change
 * and its journal row commit together, and a journal row leaves the journal exactly when its counts
 * enter the rollups: a node killed before the fold's commit leaves the journal rows for the next fold
 * (nothing lost), after it they are gone (nothing counted twice). Prometheus counters ({@link RunMetrics})
 * are bumped after the commit, from the same rows.
 */
@Component
public class StatsFold implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StatsFold.class);
    /** pg advisory lock class (first key) of the fold; the second key is 0. */
    static final int LOCK_CLASS = 0x5743_0001;

    private static final String TAKE = """
            delete from stats_journal
             where ctid = any(array(select ctid from stats_journal limit ? for update skip locked))
            returning recipe, kind, origin, at, latency_ms, wait_ms""";

    private static final String ADD = """
            insert into stats_rollups as r (tier, recipe, at, started, succeeded, failed, cancelled, duplicates,
                                            sla_breaches, latency_sum_ms, wait_count, wait_sum_ms, latency_histogram)
            select u.tier, u.recipe, u.at::timestamptz, u.started, u.succeeded, u.failed, u.cancelled, u.duplicates,
                   u.breaches, u.latency_sum, u.wait_count, u.wait_sum, u.histogram::bigint[]
              from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                          ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[])
                   as u(tier, recipe, at, started, succeeded, failed, cancelled, duplicates, breaches, latency_sum,
                        wait_count, wait_sum, histogram)
            on conflict (tier, recipe, at) do update set
                started = r.started + excluded.started,
                succeeded = r.succeeded + excluded.succeeded,
                failed = r.failed + excluded.failed,
                cancelled = r.cancelled + excluded.cancelled,
                duplicates = r.duplicates + excluded.duplicates,
                sla_breaches = r.sla_breaches + excluded.sla_breaches,
                latency_sum_ms = r.latency_sum_ms + excluded.latency_sum_ms,
                wait_count = r.wait_count + excluded.wait_count,
                wait_sum_ms = r.wait_sum_ms + excluded.wait_sum_ms,
                latency_histogram = (select coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) order by i), '{}')
                                       from unnest(r.latency_histogram, excluded.latency_histogram)
                                            with ordinality as h(x, y, i))""";

    /** The current versions' {@code sla.maxLatency}, for the breaches; recipes are few, this is cheap. */
    private static final String SLAS = """
            select v.slug, v.definition -> 'sla' ->> 'maxLatency' as max_latency
              from recipes r join recipe_versions v on v.slug = r.slug and v.version = r.version
             where v.definition -> 'sla' ->> 'maxLatency' is not null""";

    /** One journal row. */
    record Entry(String recipe, String kind, String origin, Instant at, Long latencyMs, Long waitMs) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final RunMetrics metrics;
    private final StatsSettings settings;
    private final BackgroundLoop loop = new BackgroundLoop("braid-stats-fold", this::foldAll,
            e -> log.warn("Folding the stats journal failed (the rows stay for the next round): {}", e.toString()));

    public StatsFold(JdbcClient jdbc, PlatformTransactionManager transactions, RunMetrics metrics, StatsSettings settings) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.metrics = metrics;
        this.settings = settings;
    }

    /**
     * Retention of the rollups themselves: minute, five-minute and hour rows older than {@code before} go, at most
     * {@code limit} of them (no stats window reaches past {@link StatsWindow#MAX_WINDOW}); day rows stay
     * as long as run summaries do. Answers how many went.
     */
    public int pruneFineRollups(java.time.Instant before, int limit) {
        return jdbc.sql("""
                with gone as (
                    delete from stats_rollups where ctid in (
                        select ctid from stats_rollups where tier in ('minute', 'five_minutes', 'hour') and at < ? limit ?)
                    returning 1)
                select count(*) from gone""")
                .params(java.sql.Timestamp.from(before), limit).query(Integer.class).single();
    }

    /**
     * Folds journal rows until the journal is empty (or another node holds the fold); how many rows it
     * folded. Tests call it to see the rollups up to date at once.
     */
    public int foldAll() {
        int total = 0;
        int n;
        do {
            n = foldOnce();
            total += n;
        } while (n >= settings.foldBatch());
        return total;
    }

    /** One transaction: at most {@code foldBatch} journal rows taken and added; 0 when another node is folding. */
    int foldOnce() {
        Folded folded = transactions.execute(tx -> {
            Boolean mine = jdbc.sql("select pg_try_advisory_xact_lock(?, 0)").param(LOCK_CLASS).query(Boolean.class).single();
            if (!Boolean.TRUE.equals(mine)) {
                return Folded.NONE;
            }
            List<Entry> rows = jdbc.sql(TAKE).param(settings.foldBatch()).query((rs, n) -> new Entry(
                    rs.getString("recipe"), rs.getString("kind"), rs.getString("origin"),
                    rs.getTimestamp("at").toInstant(), (Long) rs.getObject("latency_ms"), (Long) rs.getObject("wait_ms")))
                    .list();
            if (rows.isEmpty()) {
                return Folded.NONE;
            }
            Additions rollups = Rollup.of(rows, slas());
            jdbc.sql(ADD).params(rollups.arrays()).update();
            return new Folded(rows, rollups);
        });
        record(folded);
        return folded.rows().size();
    }

    private record Folded(List<Entry> rows, Additions rollups) {
        static final Folded NONE = new Folded(List.of(), new Additions(List.of(), List.of()));
    }

    private Map<String, Long> slas() {
        Map<String, Long> out = new HashMap<>();
        jdbc.sql(SLAS).query((rs, n) -> {
            try {
                out.put(rs.getString("slug"), Durations.parse(rs.getString("max_latency")).toMillis());
            } catch (IllegalArgumentException e) {
                // validated on save; an unreadable stored value counts no breaches
            }
            return null;
        }).list();
        return out;
    }

    /** After the commit: the same rows into the Prometheus meters. */
    private void record(Folded done) {
        List<Entry> folded = done.rows();
        if (folded.isEmpty()) {
            return;
        }
        for (int i = 0; i < done.rollups().keys().size(); i++) {
            Rollup.Key key = done.rollups().keys().get(i);
            long breaches = done.rollups().values().get(i).breaches;
            if (key.tier() == StatsWindow.Tier.MINUTE && breaches > 0) {
                metrics.slaBreaches(key.recipe(), breaches);
            }
        }
        Map<List<String>, Long> ended = folded.stream().filter(e -> Rollup.ENDED.contains(e.kind()))
                .collect(Collectors.groupingBy(e -> List.of(e.recipe(), e.kind(), e.origin() == null ? "trigger" : e.origin()),
                        Collectors.counting()));
        ended.forEach((k, n) -> metrics.ended(k.get(0), k.get(1), k.get(2), n));
        for (Entry e : folded) {
            if (Rollup.ENDED.contains(e.kind()) && e.latencyMs() != null) {
                metrics.latency(e.recipe(), e.latencyMs());
            }
        }
    }

    /** The arrays one {@link #ADD} statement binds: one element per (tier, recipe, bucket). */
    record Additions(List<Rollup.Key> keys, List<Rollup> values) {
        Object[] arrays() {
            int n = keys.size();
            String[] tier = new String[n];
            String[] recipe = new String[n];
            String[] at = new String[n];
            Long[][] counts = new Long[9][n];
            String[] histogram = new String[n];
            for (int i = 0; i < n; i++) {
                Rollup.Key k = keys.get(i);
                Rollup v = values.get(i);
                tier[i] = k.tier().wire();
                recipe[i] = k.recipe();
                at[i] = k.at().toString();
                long[] c = {v.started, v.succeeded, v.failed, v.cancelled, v.duplicates, v.breaches, v.latencySum,
                        v.waitCount, v.waitSum};
                for (int j = 0; j < c.length; j++) {
                    counts[j][i] = c[j];
                }
                histogram[i] = java.util.Arrays.stream(v.histogram.toArray()).mapToObj(Long::toString)
                        .collect(Collectors.joining(",", "{", "}"));
            }
            Object[] out = new Object[13];
            out[0] = tier;
            out[1] = recipe;
            out[2] = at;
            for (int j = 0; j < 9; j++) {
                out[3 + j] = counts[j];
            }
            out[12] = histogram;
            return out;
        }
    }

    /** The counts of one (tier, recipe, bucket), added up from journal rows. */
    static final class Rollup {
        static final java.util.Set<String> ENDED = java.util.Set.of("succeeded", "failed", "cancelled");

        record Key(StatsWindow.Tier tier, String recipe, Instant at) implements Comparable<Key> {
            @Override
            public int compareTo(Key o) {
                int c = tier.compareTo(o.tier);
                if (c == 0) {
                    c = recipe.compareTo(o.recipe);
                }
                return c == 0 ? at.compareTo(o.at) : c;
            }
        }

        long started, succeeded, failed, cancelled, duplicates, breaches, latencySum, waitCount, waitSum;
        final LatencyHistogram histogram = new LatencyHistogram();

        /** Every tier's rollups of the rows, keys in one order (so concurrent writers could not deadlock). */
        static Additions of(List<Entry> rows, Map<String, Long> slas) {
            TreeMap<Key, Rollup> out = new TreeMap<>();
            for (Entry e : rows) {
                for (StatsWindow.Tier tier : StatsWindow.Tier.values()) {
                    out.computeIfAbsent(new Key(tier, e.recipe(), tier.floor(e.at())), k -> new Rollup()).add(e, slas);
                }
            }
            return new Additions(new ArrayList<>(out.keySet()), new ArrayList<>(out.values()));
        }

        void add(Entry e, Map<String, Long> slas) {
            switch (e.kind()) {
                case "started" -> started++;
                case "succeeded" -> succeeded++;
                case "failed" -> failed++;
                case "cancelled" -> cancelled++;
                case "duplicate" -> duplicates++;
                default -> { }
            }
            if (ENDED.contains(e.kind()) && e.latencyMs() != null) {
                histogram.record(e.latencyMs());
                latencySum += e.latencyMs();
                Long max = slas.get(e.recipe());
                if (max != null && !"cancelled".equals(e.kind()) && e.latencyMs() > max) {
                    breaches++;
                }
            }
            if (e.waitMs() != null) {
                waitCount++;
                waitSum += e.waitMs();
            }
        }
    }

    @Override
    public void start() {
        loop.start(settings.flushInterval(), settings.flushInterval());
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
