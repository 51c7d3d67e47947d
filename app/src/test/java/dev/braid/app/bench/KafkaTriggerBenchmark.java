package dev.braid.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestKafka;

/**
 * Throughput of the Kafka trigger (ARCHITECTURE §8): records already in a topic, then a recipe starts
 * consuming from the earliest offset; the figure is events stored with their runs per second, from
 * the first to the last event's {@code received_at} (recorded times). Workers are off so that only
 * ingestion is measured. Not part of the default test run (neither *Test nor *IT); run it with
 *
 * <pre>./mvnw -o -pl app -am verify -Dit.test=KafkaTriggerBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.perEvent=20000 -Dbench.batch=200000</pre>
 *
 * and read the lines starting with "BENCH" in the output.
 */
@TestPropertySource(properties = "braid.worker.enabled=false")
class KafkaTriggerBenchmark extends BraidIntegrationTest {

    @Test
    void perEventAndBatchIngestion() {
        int perEvent = Integer.getInteger("bench.perEvent", 20_000);
        int batch = Integer.getInteger("bench.batch", 200_000);
        measure(api, "bench-each", "kafka: { topic: %s, startFrom: earliest }", perEvent);
        measure(api, "bench-batch", "kafka: { topic: %s, startFrom: earliest, batch: { maxSize: 1000, maxWait: 1s } }", batch);
    }

    private void measure(ApiClient api, String slug, String trigger, int records) {
        String topic = slug + "-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers(),
                "linger.ms", 20, "batch.size", 262_144), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + (i % 1000),
                        "{\"order\": " + i + ", \"store\": \"s" + (i % 7) + "\", \"amount\": " + (i % 250) + ".5}"));
            }
        }
        long began = System.nanoTime();
        CpuTimes cpuBefore = cpu();
        ApiClient.Response created = api.postYaml("/api/v1/recipes", """
                slug: %s
                name: Benchmark
                trigger:
                  %s
                steps:
                  - id: t
                    action: core.transform
                    with: { value: "{{ trigger.type }}" }
                """.formatted(slug, trigger.formatted(topic)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.sql(
                "select count(*) from trigger_events where recipe = ?").param(slug).query(Long.class).single() == records);
        double wall = (System.nanoTime() - began) / 1e9;
        CpuTimes cpuAfter = cpu();
        Map<String, Object> times = jdbc.sql("""
                select min(received_at) as first, max(received_at) as last, count(distinct first_run_id) as runs
                  from trigger_events where recipe = ?""").param(slug).query().singleRow();
        double span = Duration.between(((Timestamp) times.get("first")).toInstant(), ((Timestamp) times.get("last")).toInstant())
                .toNanos() / 1e9;
        System.out.printf("BENCH %s: %d records -> %s runs; %.0f events/s between the first and last stored event (%.2f s); "
                        + "%.0f events/s including consumer start (%.2f s)%n",
                slug, records, times.get("runs"), records / span, span, records / wall, wall);
        double jvm = cpuAfter.jvmSeconds() - cpuBefore.jvmSeconds();
        double pg = cpuAfter.postgresSeconds() - cpuBefore.postgresSeconds();
        double consumer = consumerSeconds(slug);
        System.out.printf("BENCH %s cpu: test JVM (server, consumer and broker) %.1f s = %.0f %% of a core, PostgreSQL %.1f s = "
                        + "%.0f %% of a core, over %.2f s; load average %s%n",
                slug, jvm, 100 * jvm / wall, pg, 100 * pg / wall, wall, loadAverage());
        System.out.printf("BENCH %s cpu per event: consumer threads (poll, parse, ingest) %.0f us, PostgreSQL %.0f us, whole test JVM %.0f us%n",
                slug, 1e6 * consumer / records, 1e6 * pg / records, 1e6 * jvm / records);
    }

    /** CPU seconds used so far by this JVM and by the test database's server processes (Linux /proc; 0 elsewhere). */
    private record CpuTimes(double jvmSeconds, double postgresSeconds) {}

    private CpuTimes cpu() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        double pg = 0;
        try {
            long backend = jdbc.sql("select pg_backend_pid()").query(Long.class).single();
            long postmaster = ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
            // the postmaster with its ended children (cutime, cstime), and every living child
            pg = ticks(postmaster, true);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(h -> h.children().toList()).orElse(java.util.List.of())) {
                pg += ticks(child.pid(), false);
            }
        } catch (RuntimeException e) {
            // not Linux: no figure
        }
        return new CpuTimes(jvm, pg / 100.0);
    }

    /** CPU seconds of the recipe's Kafka threads so far (braid-kafka-<slug>, and its writer if it has one). */
    private static double consumerSeconds(String slug) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double total = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("braid-kafka-" + slug)) {
                long ns = threads.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, ns) / 1e9;
            }
        }
        return total;
    }

    private static long ticks(long pid, boolean withEndedChildren) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the name start at state (3): utime 14, stime 15, cutime 16, cstime 17
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withEndedChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
