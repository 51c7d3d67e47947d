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
import dev.braid.app.support.TestAmqp;

/**
 * Throughput of the amqp trigger: messages already in a queue (Qpid Broker-J in this JVM), then a recipe
 * starts consuming it; the figure is events stored with their runs per second, from the first to the last
 * event's {@code received_at}. Workers are off so that only ingestion is measured. Not part of the default
 * test run; run
 *
 * <pre>./mvnw -o -pl app -am verify -Dit.test=AmqpTriggerBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.messages=20000</pre>
 *
 * and read the lines starting with "BENCH" in the output.
 */
@TestPropertySource(properties = "braid.worker.enabled=false")
class AmqpTriggerBenchmark extends BraidIntegrationTest {

    @Test
    void perMessageAndBatchIngestion() {
        int messages = Integer.getInteger("bench.messages", 20_000);
        try (TestAmqp broker = new TestAmqp()) {
            braid.saveConnection(Map.of("name", "bench-rabbit", "connector", "amqp", "settings", broker.connectionSettings()));
            measure(broker, "bench-amqp-each", "amqp: { connection: bench-rabbit, queue: %s, prefetch: 1000 }", messages);
            measure(broker, "bench-amqp-batch", "amqp: { connection: bench-rabbit, queue: %s, batch: { maxSize: 1000, maxWait: 1s } }",
                    messages);
        }
    }

    private void measure(TestAmqp broker, String slug, String trigger, int messages) {
        broker.declareQueue(slug);
        broker.publish(slug, messages, i -> slug + "-" + i, 0, 0);
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
                """.formatted(slug, trigger.formatted(slug)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.sql(
                "select count(*) from trigger_events where recipe = ?").param(slug).query(Long.class).single() == messages);
        double wall = (System.nanoTime() - began) / 1e9;
        Map<String, Object> times = jdbc.sql("""
                select min(received_at) as first, max(received_at) as last, count(distinct first_run_id) as runs
                  from trigger_events where recipe = ?""").param(slug).query().singleRow();
        double span = Duration.between(((Timestamp) times.get("first")).toInstant(), ((Timestamp) times.get("last")).toInstant())
                .toNanos() / 1e9;
        System.out.printf("BENCH %s: %d messages -> %s runs; %.0f messages/s between the first and last stored event (%.2f s); "
                        + "%.0f messages/s including consumer start (%.2f s)%n",
                slug, messages, times.get("runs"), messages / span, span, messages / wall, wall);
    }
}
