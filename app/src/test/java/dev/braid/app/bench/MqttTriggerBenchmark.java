package dev.braid.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestMqtt;

/**
 * Throughput of the mqtt trigger: a recipe subscribes, then messages are published at QoS 1 as fast as the
 * broker takes them; the figure is events stored with their runs per second, from the first to the last
 * event's {@code received_at}. Workers are off so that only ingestion is measured. The broker is Moquette,
 * whose in-flight window of 10 unacknowledged messages per client bounds both modes (a batch holds at most
 * 10 messages); a broker with a larger window gives bigger batches. Not part of the default test run; run
 *
 * <pre>./mvnw -o -pl app -am verify -Dit.test=MqttTriggerBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.messages=5000</pre>
 *
 * and read the lines starting with "BENCH" in the output.
 */
@TestPropertySource(properties = "braid.worker.enabled=false")
class MqttTriggerBenchmark extends BraidIntegrationTest {

    @Test
    void perMessageAndBatchIngestion() {
        int messages = Integer.getInteger("bench.messages", 5_000);
        try (TestMqtt broker = new TestMqtt()) {
            braid.saveConnection(Map.of("name", "bench-broker", "connector", "mqtt", "settings", Map.of("url", broker.url())));
            measure(broker, "bench-mqtt-each", "mqtt: { connection: bench-broker, topics: [\"bench/each/+\"] }", "bench/each/", messages);
            measure(broker, "bench-mqtt-batch", "mqtt: { connection: bench-broker, topics: [\"bench/batch/+\"], "
                    + "batch: { maxSize: 1000, maxWait: 20ms } }", "bench/batch/", messages);
        }
    }

    private void measure(TestMqtt broker, String slug, String trigger, String topic, int messages) {
        ApiClient.Response created = api.postYaml("/api/v1/recipes", """
                slug: %s
                name: Benchmark
                trigger:
                  %s
                steps:
                  - id: t
                    action: core.transform
                    with: { value: "{{ trigger.type }}" }
                """.formatted(slug, trigger));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.connected("braid-" + slug));
        long began = System.nanoTime();
        broker.publish(messages, i -> topic + (i % 10), 0, 0);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.sql(
                "select count(*) from trigger_events where recipe = ?").param(slug).query(Long.class).single() == messages);
        double wall = (System.nanoTime() - began) / 1e9;
        Map<String, Object> times = jdbc.sql("""
                select min(received_at) as first, max(received_at) as last, count(distinct first_run_id) as runs
                  from trigger_events where recipe = ?""").param(slug).query().singleRow();
        double span = Duration.between(((Timestamp) times.get("first")).toInstant(), ((Timestamp) times.get("last")).toInstant())
                .toNanos() / 1e9;
        System.out.printf("BENCH %s: %d messages -> %s runs; %.0f messages/s between the first and last stored event (%.2f s); "
                        + "%.0f messages/s from the first publish (%.2f s)%n",
                slug, messages, times.get("runs"), messages / span, span, messages / wall, wall);
    }
}
