package dev.braid.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidCluster;
import dev.braid.app.support.ExternalPostgres;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.TestSql;
import tools.jackson.databind.JsonNode;

/**
 * The production shape under load (issue 19, ARCHITECTURE §12): three server processes on one external PostgreSQL
 * and one external Kafka broker process ({@link BraidCluster}). While 5,000 webhooks (spread over the three), a
 * 3-partition Kafka topic of 5,000 records and 2,000 row inserts of a CDC source arrive, and a per-second schedule
 * fires, every node is restarted in turn (SIGTERM, start, healthy), then the node reading the CDC source and the
 * node firing the schedule (one node or two) are SIGKILLed and the rest of the load is sent at once. Afterwards:
 * every webhook, record and change has exactly one event and one succeeded run, every fire time from the first to
 * the last has exactly one, and the killed nodes' CDC source, Kafka partitions, schedule and leases were taken over
 * within the bounds stated in the README's "Cluster" section for these settings. Figures are printed as
 * {@code CLUSTER ...} lines.
 */
class ThreeNodeClusterIT {

    static final int WEBHOOKS = 5_000;
    static final int RECORDS = 5_000;
    static final int CHANGES = 2_000;
    static final String TOPIC = "cluster-orders";
    static final int PARTITIONS = 3;
    /** The Kafka connection's consumer session timeout: the bound of a partition take-over after a SIGKILL. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** Shorter than the defaults so the test is quick; the bounds are computed from them. */
    // The expression limit is wall-clock time: three nodes, a database, a broker and the load on two cores can
    // starve a thread past the default 1 s inside `trigger.body.n`; this test is about exactly-once, not limits.
    static final String[] NODE_SETTINGS = {"--braid.cluster.heartbeat=1s", "--braid.worker.lease=10s",
            "--braid.worker.heartbeat=3s", "--braid.worker.reap-interval=2s", "--braid.limits.expression-time=10s"};
    /** A survivor's trigger refresh (2 s) plus the start of its Debezium engine, which is slow on a loaded machine. */
    static final Duration CDC_TAKE_OVER = Duration.ofSeconds(30);
    /**
     * Quartz sees the firer's check-in lapse (clusterCheckinInterval 5 s plus its 7.5 s grace) at a survivor's next
     * check-in; measured 5.8 s and 25.1 s at load averages of 35-50 on 2 cores (issue 19 item 7 states the bound).
     */
    static final Duration SCHEDULE_TAKE_OVER = Duration.ofSeconds(30);
    static final Duration LEASES_RETURN_WITHIN = Duration.ofSeconds(10 + 2);
    /** Share of each feed sent, paced, during the rolling restart; the rest is sent at once when nodes are killed. */
    static final double PACED_SHARE = 0.6;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final AtomicLong webhookRetries = new AtomicLong();

    @Test
    void rollingRestartAndSigkillUnderLoadLoseNothingAndDoNothingTwice() throws Exception {
        long began = System.nanoTime();
        try (BraidCluster cluster = BraidCluster.infrastructure()) {
            long infra = System.nanoTime();
            List<ServerProcess> nodes = cluster.startNodes(3, ServerProcess.QUICK_START, NODE_SETTINGS);
            System.out.printf("CLUSTER start: PostgreSQL and Kafka broker process in %d ms, 3 nodes healthy in %d ms (logs in %s)%n",
                    ms(infra - began), ms(System.nanoTime() - infra), cluster.dir().toAbsolutePath());
            ExternalPostgres pg = cluster.postgres();
            setUp(cluster, nodes.getFirst());
            awaitReaders(cluster, nodes);

            Feed hooks = new Feed("webhooks", WEBHOOKS, 45);
            Feed records = new Feed("kafka records", RECORDS, 45);
            Feed changes = new Feed("cdc changes", CHANGES, 18);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                senders.add(Thread.ofVirtual().start(() -> hooks.drain(i -> postWebhook(cluster, i))));
            }
            senders.add(Thread.ofPlatform().start(() -> produce(cluster, records)));
            for (int t = 0; t < 2; t++) {
                senders.add(Thread.ofPlatform().start(() -> insertChanges(pg, changes)));
            }

            try {
                restartAndKill(cluster, nodes, hooks, records, changes);
            } catch (Exception | AssertionError e) {
                hooks.abort();
                records.abort();
                changes.abort();
                throw e;
            }
            for (Thread sender : senders) {
                sender.join(Duration.ofMinutes(3));
                assertThat(sender.isAlive()).as("a sender still running after 3 minutes").isFalse();
            }
            assertThat(hooks.failures.get() + records.failures.get() + changes.failures.get()).as("send failures").isZero();
            assertThat(hooks.next.get()).as("webhooks given out").isGreaterThanOrEqualTo(WEBHOOKS);
            verifyExactlyOnce(pg);
            System.out.printf("CLUSTER total %d s%n", ms(System.nanoTime() - began) / 1000);
        }
    }

    private void restartAndKill(BraidCluster cluster, List<ServerProcess> nodes, Feed hooks, Feed records, Feed changes)
            throws Exception {
        // Rolling restart: one node at a time, SIGTERM (the graceful drain), start again, wait healthy.
        for (ServerProcess node : nodes) {
            Duration stop = node.terminate(Duration.ofSeconds(90));
            long restart = System.nanoTime();
            node.start(BraidCluster.START_WITHIN);
            System.out.printf("CLUSTER rolling restart of node :%d: SIGTERM -> exit %d ms, start -> healthy %d ms; "
                    + "sent so far %s%n", node.port(), stop.toMillis(), ms(System.nanoTime() - restart),
                    progress(hooks, records, changes));
        }
        awaitReaders(cluster, nodes);

        killAndMeasureTakeOver(cluster, nodes, hooks, records, changes);
    }

    private void setUp(BraidCluster cluster, ServerProcess node) throws Exception {
        ExternalPostgres pg = cluster.postgres();
        pg.execute("create schema shop", "create table shop.orders (id int primary key, item text not null)");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
        }
        ApiClient api = node.api();
        assertThat(api.postJson("/api/v1/connections", Map.of("name", "shop-db", "connector", "sql", "settings",
                Map.of("url", pg.jdbcUrl(), "username", "postgres", "password", "postgres"))).status()).isEqualTo(201);
        // The consumers' session timeout is the bound of a partition take-over after a crash (default 45 s).
        assertThat(api.postJson("/api/v1/connections", Map.of("name", "events", "connector", "kafka", "settings",
                Map.of("bootstrapServers", cluster.kafka().bootstrapServers(),
                        "properties", Map.of("session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis())))))
                .status()).isEqualTo(201);
        save(node, BraidCluster.THREE_STEP_WEBHOOK.formatted("cluster-hook"));
        save(node, """
                slug: cluster-kafka
                name: One run per record
                trigger:
                  kafka: { topic: %s, connection: events, startFrom: earliest }
                steps:
                  - { id: n, action: core.transform, with: { value: "{{ trigger.body.n }}" } }
                """.formatted(TOPIC));
        save(node, """
                slug: cluster-cdc
                name: One run per order insert
                trigger:
                  cdc: { connection: shop-db, tables: [shop.orders], operations: [insert] }
                steps:
                  - { id: id, action: core.transform, with: { value: "{{ trigger.after.id }}" } }
                """);
        save(node, """
                slug: cluster-tick
                name: Every second
                trigger:
                  schedule: { cron: "*/1 * * * * ?", catchUp: all }
                steps:
                  - { id: at, action: core.transform, with: { value: "{{ trigger.scheduledAt }}" } }
                """);
    }

    private static void save(ServerProcess node, String yaml) {
        ApiClient.Response saved = node.api().postYaml("/api/v1/recipes", yaml);
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    }

    /** The CDC slot streams, all partitions are assigned to live nodes, and the schedule fires. */
    private static void awaitReaders(BraidCluster cluster, List<ServerProcess> nodes) {
        ExternalPostgres pg = cluster.postgres();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() ->
                pg.count(TestSql.streamingSlots("braid_shop_db")) == 1
                        && partitionsHeld(BraidCluster.view(nodes.getFirst()), Set.of()).size() == PARTITIONS
                        && pg.count("select count(*) from trigger_events where recipe = 'cluster-tick' "
                        + "and received_at > now() - interval '3 seconds'") > 0);
    }

    /** The partitions of cluster-kafka held by alive nodes other than {@code except} (node ids). */
    private static Set<Integer> partitionsHeld(JsonNode view, Set<String> except) {
        Set<Integer> held = new TreeSet<>();
        for (JsonNode n : view.path("nodes")) {
            if ("alive".equals(n.path("state").asString()) && !except.contains(n.path("id").asString())) {
                for (JsonNode p : n.path("readers").path("kafkaPartitions")) {
                    if ("cluster-kafka".equals(p.path("recipe").asString())) {
                        held.add(p.path("partition").asInt());
                    }
                }
            }
        }
        return held;
    }

    private static boolean readsCdc(JsonNode entry) {
        for (JsonNode s : entry.path("readers").path("cdcSources")) {
            if ("shop-db".equals(s.asString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SIGKILLs the node reading the CDC source and the node firing the schedule (one or two nodes) while the rest of
     * the load goes out at once; measures, through {@code GET /api/v1/cluster} on a survivor, when the source, the
     * partitions and the leases are on live nodes again and when a survivor fires the schedule; restarts the killed.
     */
    private void killAndMeasureTakeOver(BraidCluster cluster, List<ServerProcess> nodes, Feed... feeds) throws Exception {
        ExternalPostgres pg = cluster.postgres();
        JsonNode view = BraidCluster.view(nodes.getFirst());
        String firing;
        try (Connection c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery(
                "select payload ->> 'firedBy' from trigger_events where recipe = 'cluster-tick' order by idempotency_key desc limit 1")) {
            rs.next();
            firing = rs.getString(1);
        }
        Set<ServerProcess> victims = new LinkedHashSet<>();
        Set<String> victimIds = new LinkedHashSet<>();
        Set<String> victimQuartz = new LinkedHashSet<>();
        Set<Integer> victimPartitions = new TreeSet<>();
        boolean firerKilled = false;
        for (ServerProcess node : nodes) {
            JsonNode entry = BraidCluster.entry(view, node);
            assertThat(entry).as("node :%d in %s", node.port(), view).isNotNull();
            boolean fires = firing.equals(entry.path("readers").path("quartzInstance").asString());
            if (readsCdc(entry) || fires) {
                victims.add(node);
                victimIds.add(entry.path("id").asString());
                victimQuartz.add(entry.path("readers").path("quartzInstance").asString());
                entry.path("readers").path("kafkaPartitions").forEach(p -> victimPartitions.add(p.path("partition").asInt()));
                firerKilled |= fires;
            }
        }
        assertThat(victims).as("the CDC reader in %s", view).isNotEmpty();
        ServerProcess survivor = nodes.stream().filter(n -> !victims.contains(n)).findFirst().orElseThrow();
        System.out.printf("CLUSTER SIGKILL of %s (CDC reader%s; Kafka partitions %s) while the rest of the load is sent%n",
                victimIds, firerKilled ? ", schedule firer" : "", victimPartitions);

        String killedAt;
        try (Connection c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery("select clock_timestamp()::text")) {
            rs.next();
            killedAt = rs.getString(1);
        }
        for (Feed feed : feeds) {
            feed.release();
        }
        long killed = System.nanoTime();
        for (ServerProcess victim : victims) {
            victim.kill();
        }
        String notVictim = victimIds.stream().map(id -> "'" + id + "'").reduce((a, b) -> a + "," + b).orElseThrow();
        String notVictimQuartz = victimQuartz.stream().map(id -> "'" + id + "'").reduce((a, b) -> a + "," + b).orElseThrow();
        long[] at = new long[5]; // cdc, kafka, schedule, leases, shown dead
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            long now = ms(System.nanoTime() - killed);
            JsonNode v = BraidCluster.view(survivor);
            if (at[0] == 0) {
                for (JsonNode n : v.path("nodes")) {
                    if ("alive".equals(n.path("state").asString()) && !victimIds.contains(n.path("id").asString()) && readsCdc(n)) {
                        at[0] = now;
                    }
                }
            }
            if (at[1] == 0 && partitionsHeld(v, victimIds).size() == PARTITIONS) {
                at[1] = now;
            }
            if (at[2] == 0 && pg.count("select count(*) from trigger_events where recipe = 'cluster-tick' and received_at > '"
                    + killedAt + "' and payload ->> 'firedBy' not in (" + notVictimQuartz + ")") > 0) {
                at[2] = now;
            }
            if (at[3] == 0 && pg.count("select count(*) from runs where status = 'running' and locked_by in (" + notVictim + ")") == 0) {
                at[3] = now;
            }
            if (at[4] == 0) {
                boolean allDead = true;
                for (JsonNode n : v.path("nodes")) {
                    allDead &= !victimIds.contains(n.path("id").asString()) || "dead".equals(n.path("state").asString());
                }
                at[4] = allDead ? now : 0;
            }
            return at[0] > 0 && at[1] > 0 && at[2] > 0 && at[3] > 0 && at[4] > 0;
        });
        System.out.printf("CLUSTER take-over after SIGKILL: CDC source %d ms (bound 30 s), Kafka partitions %d ms (bound: "
                        + "session timeout %d s + 10 s), schedule fired by a survivor %d ms (%s; bound 30 s), leases back "
                        + "%d ms (bound: lease + reap %d s), shown dead %d ms (dead-after 15 s + heartbeat 1 s)%n",
                at[0], at[1], SESSION_TIMEOUT.toSeconds(), at[2], firerKilled ? "the firer was killed" : "the firer lived",
                at[3], LEASES_RETURN_WITHIN.toSeconds(), at[4]);
        assertThat(Duration.ofMillis(at[0])).as("CDC take-over").isLessThanOrEqualTo(CDC_TAKE_OVER);
        assertThat(Duration.ofMillis(at[1])).as("Kafka take-over").isLessThanOrEqualTo(SESSION_TIMEOUT.plusSeconds(10));
        assertThat(Duration.ofMillis(at[2])).as("schedule take-over").isLessThanOrEqualTo(SCHEDULE_TAKE_OVER);
        assertThat(Duration.ofMillis(at[3])).as("leases back").isLessThanOrEqualTo(LEASES_RETURN_WITHIN.plusSeconds(5));
        for (ServerProcess victim : victims) {
            long restart = System.nanoTime();
            victim.start(BraidCluster.START_WITHIN);
            System.out.printf("CLUSTER killed node :%d started again, healthy in %d ms%n", victim.port(), ms(System.nanoTime() - restart));
        }
    }

    private void verifyExactlyOnce(ExternalPostgres pg) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                pg.count("select count(*) from runs where recipe in ('cluster-hook', 'cluster-kafka', 'cluster-cdc') "
                        + "and status = 'succeeded'") >= WEBHOOKS + RECORDS + CHANGES
                        && pg.count("select count(*) from runs where status not in ('succeeded')") == 0);
        // Every fire time from the first to the last has an event (catch-up fills what a take-over skipped).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> pg.count("""
                select count(*) - (extract(epoch from max(idempotency_key::timestamptz) - min(idempotency_key::timestamptz)) + 1)
                  from trigger_events where recipe = 'cluster-tick'""") == 0
                && pg.count("select count(*) from runs where status not in ('succeeded')") == 0);

        for (String recipe : List.of("cluster-hook", "cluster-kafka", "cluster-cdc", "cluster-tick")) {
            long events = pg.count("select count(*) from trigger_events where recipe = '" + recipe + "'");
            long runs = pg.count("select count(*) from runs where recipe = '" + recipe + "'");
            long succeeded = pg.count("select count(*) from runs where recipe = '" + recipe + "' and status = 'succeeded'");
            long notOne = pg.count("select count(*) from trigger_events e where recipe = '" + recipe
                    + "' and (select count(*) from runs r where r.event_id = e.id) <> 1");
            System.out.printf("CLUSTER %s: %d events, %d runs (%d succeeded), events without exactly one run: %d%n",
                    recipe, events, runs, succeeded, notOne);
            assertThat(notOne).as(recipe + ": events without exactly one run").isZero();
            assertThat(runs).as(recipe + ": runs").isEqualTo(events).isEqualTo(succeeded);
        }
        assertThat(pg.count("select count(*) from trigger_events where recipe = 'cluster-hook'")).isEqualTo(WEBHOOKS);
        assertThat(pg.count("select count(distinct trigger -> 'body' ->> 'n') from runs where recipe = 'cluster-hook'"))
                .isEqualTo(WEBHOOKS);
        assertThat(pg.count("select count(*) from trigger_events where recipe = 'cluster-kafka'")).isEqualTo(RECORDS);
        assertThat(pg.count("select count(distinct output ->> 'value') from runs where recipe = 'cluster-kafka'")).isEqualTo(RECORDS);
        assertThat(pg.count("select count(*) from trigger_events where recipe = 'cluster-cdc'")).isEqualTo(CHANGES);
        assertThat(pg.count("select count(distinct output ->> 'value') from runs where recipe = 'cluster-cdc'")).isEqualTo(CHANGES);
        assertThat(pg.count("select count(*) from dead_letters")).as("dead letters").isZero();
        System.out.printf("CLUSTER webhook requests sent again after a failed connection or a 5xx: %d; schedule fire times: %d%n",
                webhookRetries.get(), pg.count("select count(*) from trigger_events where recipe = 'cluster-tick'"));
    }

    /** Posts webhook {@code i} to the nodes in turn until one accepts it, always with the same Idempotency-Key. */
    private void postWebhook(BraidCluster cluster, int i) {
        for (int attempt = 0; ; attempt++) {
            List<ServerProcess> alive = cluster.alive();
            if (alive.isEmpty()) {
                throw new IllegalStateException("no node is alive for webhook " + i);
            }
            ServerProcess node = alive.get((i + attempt) % alive.size());
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + node.port() + "/hooks/cluster-hook"))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                        .header("Idempotency-Key", "hook-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() / 100 == 2) {
                    return;
                }
                if (answer.statusCode() < 500 && answer.statusCode() != 429) {
                    throw new IllegalStateException("webhook " + i + " answered " + answer.statusCode());
                }
            } catch (IOException e) {
                // the node is stopping, starting or dead: the next one is asked
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            webhookRetries.incrementAndGet();
            sleep(100);
        }
    }

    private static void produce(BraidCluster cluster, Feed feed) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                cluster.kafka().bootstrapServers(), "linger.ms", 5, "acks", "all"), new StringSerializer(), new StringSerializer())) {
            feed.drain(i -> producer.send(new ProducerRecord<>(TOPIC, "k" + i, "{\"n\":" + i + "}"), (meta, error) -> {
                if (error != null) {
                    feed.failures.incrementAndGet();
                }
            }));
            producer.flush();
        }
    }

    private static void insertChanges(ExternalPostgres pg, Feed feed) {
        try (Connection c = pg.connect(); PreparedStatement insert = c.prepareStatement("insert into shop.orders values (?, ?)")) {
            feed.drain(i -> {
                try {
                    insert.setInt(1, i);
                    insert.setString(2, "item " + i);
                    insert.executeUpdate();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String progress(Feed... feeds) {
        StringBuilder out = new StringBuilder();
        for (Feed f : feeds) {
            out.append(out.isEmpty() ? "" : ", ").append(f.name).append(' ').append(Math.min(f.next.get(), f.total));
        }
        return out.toString();
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Items 0 .. total-1 handed out to sender threads: paced at {@code rate} per second up to {@link #PACED_SHARE}
     * of them, the rest held back until {@link #release()}, then as fast as the senders go.
     */
    static final class Feed {
        final String name;
        final int total;
        final double rate;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final long start = System.nanoTime();
        volatile int limit;
        volatile boolean released;
        volatile boolean aborted;

        Feed(String name, int total, double rate) {
            this.name = name;
            this.total = total;
            this.rate = rate;
            this.limit = (int) (total * PACED_SHARE);
        }

        /** The test failed: senders stop after their current item. */
        void abort() {
            aborted = true;
            release();
        }

        void release() {
            released = true;
            limit = total;
        }

        /** Sends items until all are given out; a failing item is counted, not retried. */
        void drain(java.util.function.IntConsumer send) {
            for (int i = next.getAndIncrement(); i < total && !aborted; i = next.getAndIncrement()) {
                while (!released) {
                    long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                    if (i < limit && wait <= 0) {
                        break;
                    }
                    sleep(i < limit ? Math.max(1, Math.min(wait / 1_000_000, 50)) : 20);
                }
                try {
                    send.accept(i);
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    System.out.printf("CLUSTER %s item %d failed: %s%n", name, i, e);
                }
            }
        }
    }
}
