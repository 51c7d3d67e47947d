package dev.braid.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import dev.braid.app.support.ProcCpu;
import dev.braid.app.support.ServerProcess;

/**
 * The inputs of the README's capacity model (issue 19 item 8): the set-up of {@link dev.braid.app.cluster.ThreeNodeClusterIT}
 * (nodes on one external PostgreSQL and one Kafka broker process) with 1, then 2, then 3 nodes. For each it measures
 * a closed-loop webhook load (64 clients spread over the nodes, the 3-step in-process recipe) and a Kafka topic of
 * records consumed one run per record, and prints per run and per Kafka event: PostgreSQL CPU time (its processes'
 * utime + stime from /proc), WAL bytes ({@code pg_current_wal_lsn()} differences) and the nodes' CPU time, plus
 * runs/s in all and per node. The idle cost (heartbeats, polls) over the same time is subtracted. On a small
 * machine everything shares the cores, so the throughput is CPU bound: the per-run costs are the portable figures.
 * Not part of the default test run; run it with
 *
 * <pre>./mvnw -o -pl app -am verify -Dit.test=ClusterCapacityBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.nodes=1,2,3 -Dbench.seconds=20 -Dbench.clients=64 -Dbench.records=20000</pre>
 *
 * and read the lines starting with "BENCH".
 */
class ClusterCapacityBenchmark {

    static final Duration IDLE = Duration.ofSeconds(5);

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void perRunCostsWithOneTwoAndThreeNodes() throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 20);
        int clients = Integer.getInteger("bench.clients", 64);
        int records = Integer.getInteger("bench.records", 20_000);
        List<Integer> sizes = java.util.Arrays.stream(System.getProperty("bench.nodes", "1,2,3").split(","))
                .map(String::strip).map(Integer::valueOf).toList();
        try (BraidCluster cluster = BraidCluster.infrastructure()) {
            ExternalPostgres pg = cluster.postgres();
            System.out.printf("BENCH machine: %d cores, load average %s; PostgreSQL fsync=%s synchronous_commit=%s%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage(), setting(pg, "fsync"), setting(pg, "synchronous_commit"));
            for (int size : sizes) {
                int more = size - cluster.nodes().size();
                long began = System.nanoTime();
                cluster.startNodes(more);
                System.out.printf("BENCH %d node(s): %d started in %d ms%n", size, more, (System.nanoTime() - began) / 1_000_000);
                List<ServerProcess> nodes = cluster.nodes();
                if (size == sizes.getFirst()) {
                    setUp(cluster, nodes.getFirst());
                }
                Thread.sleep(3_000); // the nodes' start-up work (trigger refresh, first heartbeats) settles
                Costs idle = Costs.measure(cluster, () -> Thread.sleep(IDLE.toMillis()));
                webhooks(cluster, size, seconds, clients, idle);
                kafka(cluster, size, records, idle);
            }
        }
    }

    private static void setUp(BraidCluster cluster, ServerProcess node) {
        ApiClient api = node.api();
        assertThat(api.postJson("/api/v1/connections", Map.of("name", "events", "connector", "kafka", "settings",
                Map.of("bootstrapServers", cluster.kafka().bootstrapServers()))).status()).isEqualTo(201);
        assertThat(api.postYaml("/api/v1/recipes", BraidCluster.THREE_STEP_WEBHOOK.formatted("bench-hook")).status()).isEqualTo(201);
    }

    private void webhooks(BraidCluster cluster, int size, int seconds, int clients, Costs idle) throws Exception {
        ExternalPostgres pg = cluster.postgres();
        List<ServerProcess> nodes = cluster.nodes();
        long before = pg.count("select count(*) from runs where recipe = 'bench-hook'");
        AtomicLong sent = new AtomicLong();
        AtomicInteger refused = new AtomicInteger();
        String tag = "n" + size;
        Costs costs = Costs.measure(cluster, () -> {
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                ServerProcess node = nodes.get(c % nodes.size());
                int client = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        if (!post(node, "{\"n\":" + i + ",\"tag\":\"" + tag + "-" + client + "-" + i + "\"}")) {
                            refused.incrementAndGet();
                        }
                        sent.incrementAndGet();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                    pg.count("select count(*) from runs where recipe = 'bench-hook' and status = 'succeeded'") - before >= sent.get() - refused.get());
        });
        long runs = pg.count("select count(*) from runs where recipe = 'bench-hook' and status = 'succeeded'") - before;
        costs.print("%d node(s) webhook (%d clients, %d s + drain, %d refused)".formatted(size, clients, seconds, refused.get()),
                "run", runs, size, idle);
    }

    private static void kafka(BraidCluster cluster, int size, int records, Costs idle) throws Exception {
        ExternalPostgres pg = cluster.postgres();
        String topic = "bench-records-" + size;
        String slug = "bench-kafka-" + size;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                cluster.kafka().bootstrapServers(), "linger.ms", 20), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\":" + i + ",\"amount\":" + (i % 250) + ".5}"));
            }
        }
        ServerProcess node = cluster.nodes().getFirst();
        Costs costs = Costs.measure(cluster, () -> {
            assertThat(node.api().postYaml("/api/v1/recipes", """
                    slug: %s
                    name: One run per record
                    trigger:
                      kafka: { topic: %s, connection: events, startFrom: earliest }
                    steps:
                      - { id: n, action: core.transform, with: { value: "{{ trigger.body.amount }}" } }
                    """.formatted(slug, topic)).status()).isEqualTo(201);
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                    pg.count("select count(*) from runs where recipe = '" + slug + "' and status = 'succeeded'") >= records);
        });
        assertThat(node.api().post("/api/v1/recipes/" + slug + "/disable", "application/json", "").status()).isEqualTo(200);
        long spread = pg.count("select (extract(epoch from max(finished_at) - min(r.created_at)) * 1000)::bigint from runs r where recipe = '"
                + slug + "'");
        costs.print("%d node(s) kafka (%d records, 3 partitions; first event -> last run %.1f s: %.0f events/s)".formatted(
                size, records, spread / 1000.0, records * 1000.0 / spread), "event", records, size, idle);
    }

    private boolean post(ServerProcess node, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/hooks/bench-hook"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 202;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String setting(ExternalPostgres pg, String name) {
        try (var c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            return "?";
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    interface Work {
        void run() throws Exception;
    }

    /** What one phase cost: wall time, PostgreSQL CPU and WAL, the nodes' and the broker's CPU. */
    record Costs(double wallSeconds, double pgCpu, long walBytes, double nodesCpu, double kafkaCpu, String load) {

        static Costs measure(BraidCluster cluster, Work work) throws Exception {
            ExternalPostgres pg = cluster.postgres();
            List<ServerProcess> nodes = cluster.nodes();
            double pg0 = pg.cpuSeconds();
            long wal0 = pg.walBytes();
            double nodes0 = nodes.stream().mapToDouble(n -> ProcCpu.seconds(n.pid())).sum();
            double kafka0 = ProcCpu.seconds(cluster.kafka().pid());
            long t0 = System.nanoTime();
            work.run();
            double wall = (System.nanoTime() - t0) / 1e9;
            return new Costs(wall, pg.cpuSeconds() - pg0, pg.walBytes() - wal0,
                    nodes.stream().mapToDouble(n -> ProcCpu.seconds(n.pid())).sum() - nodes0,
                    ProcCpu.seconds(cluster.kafka().pid()) - kafka0, loadAverage());
        }

        /** Prints the phase's totals and its cost per {@code unit}, less what the idle cluster uses in as long. */
        void print(String phase, String unit, long count, int nodes, Costs idle) {
            double f = wallSeconds / idle.wallSeconds;
            double pg = pgCpu - idle.pgCpu * f;
            double wal = walBytes - idle.walBytes * f;
            double node = nodesCpu - idle.nodesCpu * f;
            System.out.printf("BENCH %s: %d %ss in %.1f s = %.0f/s (%.0f/s per node); PostgreSQL CPU %.2f s, WAL %.1f MB, "
                            + "nodes' CPU %.2f s, broker CPU %.2f s; per %s: PostgreSQL CPU %.3f ms, WAL %.0f bytes, node CPU %.3f ms "
                            + "(idle subtracted: PostgreSQL %.2f CPU s/s, %.0f WAL bytes/s, nodes %.2f CPU s/s); load average %s%n",
                    phase, count, unit, wallSeconds, count / wallSeconds, count / wallSeconds / nodes, pgCpu, walBytes / 1e6,
                    nodesCpu, kafkaCpu, unit, pg * 1000 / count, wal / count, node * 1000 / count,
                    idle.pgCpu / idle.wallSeconds, idle.walBytes / idle.wallSeconds, idle.nodesCpu / idle.wallSeconds, load);
        }
    }
}
