package dev.braid.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kafka.publish} and {@code kafka.publishAll} against the embedded broker, through
 * {@code braid-kafka} (a step without a connection), read back with a plain consumer; and the hybrid
 * end to end: one recipe publishes, another's Kafka trigger runs on what it published.
 */
class KafkaPublishIT extends BraidIntegrationTest {

    @Test
    void publishSendsTheJsonValueKeyHeadersAndTheStepsIdempotencyKey() {
        braid.saveRecipe("""
                slug: order-publisher
                name: Order publisher
                trigger:
                  webhook: {}
                steps:
                  - id: publish
                    action: kafka.publish
                    with:
                      topic: published-orders
                      key: "{{ trigger.body.id }}"
                      value: "{{ trigger.body }}"
                      headers: { source: braid }
                """);
        String runId = braid.webhook("order-publisher", "{\"id\": \"A-17\", \"total\": 12.5}");
        JsonNode run = braid.awaitStatus(runId, "succeeded");
        assertThat(run.path("output").path("topic").asString()).isEqualTo("published-orders");
        assertThat(run.path("output").path("offset").isNumber()).isTrue();

        List<ConsumerRecord<String, String>> records = TestKafka.consume("published-orders", 1);
        ConsumerRecord<String, String> record = records.getFirst();
        assertThat(record.key()).isEqualTo("A-17");
        assertThat(JsonMapper.shared().readTree(record.value())).isEqualTo(JsonMapper.shared().readTree("{\"id\": \"A-17\", \"total\": 12.5}"));
        assertThat(header(record, "source")).isEqualTo("braid");
        assertThat(header(record, "Idempotency-Key")).isEqualTo(runId + "/publish");
    }

    @Test
    void publishAllSendsEveryRecordInOrderWithItsOwnKey() {
        braid.saveRecipe("""
                slug: bulk-publisher
                name: Bulk publisher
                trigger:
                  webhook: {}
                steps:
                  - id: fanout
                    action: kafka.publishAll
                    with:
                      topic: published-lines
                      records: "{{ trigger.body.lines.{'key': 'one-key', 'value': $} }}"
                """);
        StringBuilder lines = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            lines.append(i == 0 ? "" : ",").append("{\"n\":").append(i).append('}');
        }
        String runId = braid.webhook("bulk-publisher", "{\"lines\": " + lines + "]}");
        JsonNode run = braid.awaitStatus(runId, "succeeded");
        assertThat(run.path("output").path("published").asInt()).isEqualTo(500);

        List<ConsumerRecord<String, String>> records = TestKafka.consume("published-lines", 500);
        assertThat(records).hasSize(500);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            assertThat(JsonMapper.shared().readTree(records.get(i).value()).path("n").asInt()).as("one key keeps its order").isEqualTo(i);
            keys.add(header(records.get(i), "Idempotency-Key"));
        }
        assertThat(keys).hasSize(500).contains(runId + "/fanout/0", runId + "/fanout/499");
    }

    @Test
    void whatOneRecipePublishesAnotherRecipesKafkaTriggerRuns() {
        braid.saveRecipe("""
                slug: relay-consumer
                name: Relay consumer
                trigger:
                  kafka: { topic: relayed, startFrom: earliest }
                steps:
                  - id: seen
                    action: core.transform
                    with: { value: "{{ trigger.body.greeting & ', relayed' }}" }
                """);
        braid.saveRecipe("""
                slug: relay-producer
                name: Relay producer
                trigger:
                  webhook: {}
                steps:
                  - id: publish
                    action: kafka.publish
                    with: { topic: relayed, value: "{{ trigger.body }}" }
                """);
        braid.awaitStatus(braid.webhook("relay-producer", "{\"greeting\": \"hello\"}"), "succeeded");

        String output = await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                        "select output ->> 'value' from runs where recipe = 'relay-consumer' and status = 'succeeded'")
                .query(String.class).optional().orElse(null), v -> v != null);
        assertThat(output).isEqualTo("hello, relayed");
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
