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
        Map<String, Object> times = jdbc.sql("""
                select min(received_at) as first, max(received_at) as last, count(distinct first_run_id) as runs
                  from trigger_events where recipe = ?""").param(slug).query().singleRow();
        double span = Duration.between(((Timestamp) times.get("first")).toInstant(), ((Timestamp) times.get("last")).toInstant())
                .toNanos() / 1e9;
        System.out.printf("BENCH %s: %d records -> %s runs; %.0f events/s between the first and last stored event (%.2f s); "
                        + "%.0f events/s including consumer start (%.2f s)%n",
                slug, records, times.get("runs"), records / span, span, records / wall, wall);
    }
}
