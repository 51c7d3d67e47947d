package dev.braid.app.triggers.webhook;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;

/**
 * The owner of {@code webhook_refusals}: webhooks refused with 401 (signature), 413 (too large) or 429
 * (rate limit), per recipe, counted in memory ({@link #refused}, a map lookup and an add) and added to the
 * table every {@value #FLUSH_SECONDS} s by one statement, so neither an accepted nor a refused request
 * waits for a database write, and a flood of refusals costs one row per recipe, status and minute. The
 * board reads the last 24 h from the table: the same figures on every node. A node killed between two
 * flushes loses what it counted since the last one (as may a count racing the flush by nanoseconds).
 */
@Component
public class WebhookRefusals implements SmartLifecycle {

    /** The statuses counted; others (404, 409, 400) are the sender's mistakes the board does not show. */
    public static final List<Integer> COUNTED = List.of(401, 413, 429);
    static final long FLUSH_SECONDS = 5;
    /** Rows older than this are deleted by the flush (the board shows 24 h). */
    static final Duration KEPT = Duration.ofDays(2);
    /** Counts kept in memory at most: a path is anyone's to invent, only recipe slugs are kept. */
    static final int MAX_PENDING = 10_000;
    private static final Pattern SLUG = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Logger log = LoggerFactory.getLogger(WebhookRefusals.class);

    private record Key(String recipe, int status, Instant minute) {}

    private static final String ADD = """
            insert into webhook_refusals as w (recipe, status, minute, refusals)
            select u.recipe, u.status, u.minute::timestamptz, u.refusals
              from unnest(?::text[], ?::int[], ?::text[], ?::bigint[]) as u(recipe, status, minute, refusals)
             where exists (select 1 from recipes r where r.slug = u.recipe)
            on conflict (recipe, minute, status) do update set refusals = w.refusals + excluded.refusals""";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();
    private Instant lastPrune = Instant.MIN;
    private final BackgroundLoop loop = new BackgroundLoop("braid-webhook-refusals", this::flush,
            e -> log.debug("Storing webhook refusal counts failed, kept for the next round: {}", e.toString()));

    public WebhookRefusals(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A webhook to {@code recipe} was answered {@code status}; anything but 401, 413 and 429 is ignored. */
    public void refused(String recipe, int status) {
        if (!COUNTED.contains(status) || recipe == null || !SLUG.matcher(recipe).matches()) {
            return;
        }
        Key key = new Key(recipe, status, clock.instant().truncatedTo(ChronoUnit.MINUTES));
        LongAdder count = pending.get(key);
        if (count == null) {
            if (pending.size() >= MAX_PENDING) {
                return;
            }
            count = pending.computeIfAbsent(key, k -> new LongAdder());
        }
        count.increment();
    }

    /** Adds what was counted since the last flush to the table, and forgets rows older than {@link #KEPT}. */
    public synchronized void flush() {
        if (!pending.isEmpty()) {
            List<Key> keys = new ArrayList<>(pending.keySet());
            String[] recipes = new String[keys.size()];
            Integer[] statuses = new Integer[keys.size()];
            String[] minutes = new String[keys.size()];
            Long[] counts = new Long[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                Key k = keys.get(i);
                recipes[i] = k.recipe();
                statuses[i] = k.status();
                minutes[i] = k.minute().toString();
                // Taken out before the write: what arrives meanwhile goes to a new adder for the next flush.
                counts[i] = pending.remove(k).sum();
            }
            try {
                jdbc.sql(ADD).params(recipes, statuses, minutes, counts).update();
            } catch (RuntimeException e) {
                for (int i = 0; i < keys.size(); i++) {
                    pending.computeIfAbsent(keys.get(i), k -> new LongAdder()).add(counts[i]);
                }
                throw e;
            }
        }
        Instant now = clock.instant();
        if (now.isAfter(lastPrune.plus(Duration.ofMinutes(10)))) {
            jdbc.sql("delete from webhook_refusals where minute < ?").param(Timestamp.from(now.minus(KEPT))).update();
            lastPrune = now;
        }
    }

    /**
     * Refusals since {@code since} by recipe and status, in one query for the whole board; each recipe's map
     * holds 401, 413 and 429 (maybe 0). A recipe without refusals is absent: {@link #none()}.
     */
    public Map<String, Map<Integer, Long>> since(Instant since) {
        Map<String, Map<Integer, Long>> out = new HashMap<>();
        jdbc.sql("select recipe, status, sum(refusals) from webhook_refusals where minute >= ? group by recipe, status")
                .param(Timestamp.from(since.truncatedTo(ChronoUnit.MINUTES)))
                .query((rs, n) -> out.computeIfAbsent(rs.getString(1), r -> none()).put(rs.getInt(2), rs.getLong(3))).list();
        return out;
    }

    /** 401, 413 and 429, each 0. */
    public static Map<Integer, Long> none() {
        Map<Integer, Long> out = new TreeMap<>();
        COUNTED.forEach(s -> out.put(s, 0L));
        return out;
    }

    @Override
    public void start() {
        loop.start(Duration.ofSeconds(FLUSH_SECONDS), Duration.ofSeconds(FLUSH_SECONDS));
    }

    @Override
    public void stop() {
        loop.stop();
        try {
            flush();
        } catch (RuntimeException e) {
            log.debug("Storing the last webhook refusal counts failed: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }
}
