package dev.braid.app.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;

/**
 * {@code concurrency: {limit, key}} (ARCHITECTURE §2): cluster-wide slots that are the leased running rows
 * themselves, so the limit holds under a burst of webhooks, per key, and a dead node's slots come back
 * when its leases expire. The stub measures how many requests are in flight at once; the runs'
 * start and end times in the database are checked as well.
 */
class ConcurrencyLimitIT extends BraidIntegrationTest {

    /** How long the stub takes to answer each call: long enough that runs overlap if they may. */
    private static final Duration CALL_TIME = Duration.ofMillis(150);

    @Test
    void twoHundredConcurrentWebhooksNeverRunMoreThanTheLimitAtOnce() throws Exception {
        InFlight inFlight = new InFlight();
        stub.reply("/limited", inFlight.slowReply("all"));
        create("limit-three", "{ limit: 3 }", stub.url("/limited"));

        long started = System.nanoTime();
        List<String> runIds = postConcurrently("limit-three", 200, 32, i -> "{\"order\":" + i + "}");
        await().atMost(Duration.ofSeconds(90)).until(() -> sql.runCount("limit-three", "succeeded") == 200);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(runIds).hasSize(200).doesNotHaveDuplicates();
        assertThat(stub.received("/limited")).hasSize(200);
        assertThat(inFlight.max("all")).as("most calls in flight at once").isEqualTo(3);
        assertThat(maxOverlap("limit-three")).as("most runs running at once, from their start and end times").isLessThanOrEqualTo(3);
        assertThat(sql.count("select count(*) from runs where recipe = 'limit-three' and concurrency_key = 'limit-three' and concurrency_limit = 3"))
                .isEqualTo(200);
        System.out.printf("[concurrency] 200 webhooks, limit 3: max in flight %d, db overlap %d, all succeeded in %d ms%n",
                inFlight.max("all"), maxOverlap("limit-three"), took.toMillis());
    }

    @Test
    void aKeyedLimitHoldsPerKeyWhileKeysRunSideBySide() throws Exception {
        InFlight inFlight = new InFlight();
        stub.reply("/customer/acme", inFlight.slowReply("acme"));
        stub.reply("/customer/globex", inFlight.slowReply("globex"));
        stub.reply("/customer/", inFlight.slowReply("none"));
        create("limit-per-customer", "{ limit: 1, key: \"trigger.body.customer\" }", stub.url("/customer/{{ trigger.body.customer }}"));

        postConcurrently("limit-per-customer", 24, 8, i -> "{\"customer\":\"" + (i % 2 == 0 ? "acme" : "globex") + "\",\"n\":" + i + "}");
        await().atMost(Duration.ofSeconds(60)).until(() -> sql.runCount("limit-per-customer", "succeeded") == 24);

        assertThat(inFlight.max("acme")).isEqualTo(1);
        assertThat(inFlight.max("globex")).isEqualTo(1);
        assertThat(inFlight.max("all")).as("the two customers' runs overlap: the limit is per key").isEqualTo(2);
        assertThat(jdbc.sql("select concurrency_key, count(*) from runs where recipe = 'limit-per-customer' group by 1")
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2))).list())
                .containsExactlyInAnyOrder(Map.entry("limit-per-customer/acme", 12), Map.entry("limit-per-customer/globex", 12));

        // No customer in the body: still limited, in the null group.
        String runId = braid.webhook("limit-per-customer", "{\"n\":99}");
        await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(sql.runStatus(runId)));
        assertThat(jdbc.sql("select concurrency_key from runs where id = ?::uuid").param(runId).query(String.class).single())
                .isEqualTo("limit-per-customer/null");
        System.out.printf("[concurrency] per key (limit 1, 2 customers, 24 runs): max in flight acme %d, globex %d, overall %d%n",
                inFlight.max("acme"), inFlight.max("globex"), inFlight.max("all"));
    }

    @Test
    void aManualRunIsLimitedToo() {
        create("limit-manual", "{ limit: 2, key: \"trigger.body.customer\" }", stub.url("/manual"));
        String runId = braid.startRun("limit-manual", "{\"customer\":\"initech\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(sql.runStatus(runId)));
        Map<String, Object> slot = jdbc.sql("select concurrency_key, concurrency_limit from runs where id = ?::uuid")
                .param(runId).query().singleRow();
        assertThat(slot).containsEntry("concurrency_key", "limit-manual/initech").containsEntry("concurrency_limit", 2);
    }

    @Test
    void theSlotsOfADeadNodeComeBackWhenItsLeasesExpire() {
        InFlight inFlight = new InFlight();
        stub.reply("/healed", inFlight.slowReply("all"));
        create("limit-dead-node", "{ limit: 3 }", stub.url("/healed"));
        // A node that died while running three runs: it holds every slot until its leases run out.
        Instant leasesEnd = jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until,
                                  started_at, concurrency_key, concurrency_limit)
                select gen_random_uuid(), 'limit-dead-node', 1, 'running', 'manual',
                       jsonb_build_object('type', 'manual', 'body', jsonb_build_object('n', n)), 1,
                       'dead-node', now() + interval '3 seconds', now(), 'limit-dead-node', 3
                  from generate_series(1, 3) n
                returning locked_until""").query(Timestamp.class).list().getFirst().toInstant();

        String runId = braid.webhook("limit-dead-node", "{\"fresh\":true}");
        // While the dead node's leases are valid the new run waits for a slot, queued (a slow machine
        // that gets here late only shortens the watch, it cannot make it fail).
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofMillis(2500))
                .until(() -> !Instant.now().isBefore(leasesEnd)
                        || "queued".equals(sql.runStatus(runId)) && stub.received("/healed").isEmpty());

        await().atMost(Duration.ofSeconds(30)).until(() -> sql.runCount("limit-dead-node", "succeeded") == 4);
        Instant runStarted = jdbc.sql("select started_at from runs where id = ?::uuid").param(runId)
                .query(Timestamp.class).single().toInstant();
        assertThat(runStarted).as("the run started after the dead node's leases ended").isAfter(leasesEnd);
        assertThat(stub.received("/healed")).hasSize(4); // the new run and the dead node's three, taken over
        assertThat(inFlight.max("all")).isBetween(1, 3);
        assertThat(sql.count("select count(*) from runs where concurrency_key = 'limit-dead-node' and status = 'running'"))
                .as("no slot left taken").isZero();
        assertThat(sql.count("select count(*) from runs where recipe = 'limit-dead-node' and locked_by is not null")).isZero();
        System.out.printf("[concurrency] dead node: leases ended %s, queued run started %d ms later, max in flight %d%n",
                leasesEnd, Duration.between(leasesEnd, runStarted).toMillis(), inFlight.max("all"));
    }

    /** Counts the calls in flight in total and per name, and remembers the most at once. */
    private static final class InFlight {
        private final Map<String, AtomicInteger> now = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();

        /** A reply that takes {@link #CALL_TIME}, as a slow target would; counted under its name and "all". */
        java.util.function.Function<Integer, StubServer.Reply> slowReply(String name) {
            List<String> names = name.equals("all") ? List.of("all") : List.of(name, "all");
            return n -> {
                names.forEach(this::enter);
                try {
                    Thread.sleep(CALL_TIME.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    names.forEach(k -> now.get(k).decrementAndGet());
                }
                return StubServer.Reply.json(200, "{\"ok\":true}");
            };
        }

        private void enter(String name) {
            int current = now.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            most.computeIfAbsent(name, k -> new AtomicInteger()).accumulateAndGet(current, Math::max);
        }

        int max(String name) {
            AtomicInteger m = most.get(name);
            return m == null ? 0 : m.get();
        }
    }

    private List<String> postConcurrently(String slug, int webhooks, int clients, java.util.function.IntFunction<String> body)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<ApiClient> senders = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                senders.add(ApiClient.anonymous(port));
            }
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < webhooks; i++) {
                int n = i;
                sent.add(pool.submit(() -> {
                    ApiClient.Response r = senders.get(n % clients).postJson("/hooks/" + slug, body.apply(n));
                    assertThat(r.status()).as(r.body()).isEqualTo(202);
                    return r.json().path("runId").asString();
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : sent) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The most runs whose [started_at, finished_at] overlap; an end at the same instant as a start comes first. */
    private int maxOverlap(String recipe) {
        record Edge(Instant at, int delta) {}
        List<Edge> edges = new ArrayList<>();
        jdbc.sql("select started_at, finished_at from runs where recipe = ?").param(recipe).query((rs, n) -> {
            edges.add(new Edge(rs.getTimestamp(1).toInstant(), 1));
            edges.add(new Edge(rs.getTimestamp(2).toInstant(), -1));
            return n;
        }).list();
        edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::delta));
        int current = 0;
        int most = 0;
        for (Edge e : edges) {
            current += e.delta();
            most = Math.max(most, current);
        }
        return most;
    }

    private void create(String slug, String concurrency, String url) {
        braid.saveRecipe("""
                slug: %s
                name: %s
                concurrency: %s
                trigger:
                  webhook: {}
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s" }
                """.formatted(slug, slug, concurrency, url));
    }
}
