package dev.braid.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
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
        create("""
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
        String runId = webhook("order-publisher", "{\"id\": \"A-17\", \"total\": 12.5}");
        JsonNode run = awaitSucceeded(runId);
        assertThat(run.path("output").path("topic").asString()).isEqualTo("published-orders");
        assertThat(run.path("output").path("offset").isNumber()).isTrue();

        List<ConsumerRecord<String, String>> records = consume("published-orders", 1);
        ConsumerRecord<String, String> record = records.getFirst();
        assertThat(record.key()).isEqualTo("A-17");
        assertThat(JsonMapper.shared().readTree(record.value())).isEqualTo(JsonMapper.shared().readTree("{\"id\": \"A-17\", \"total\": 12.5}"));
        assertThat(header(record, "source")).isEqualTo("braid");
        assertThat(header(record, "Idempotency-Key")).isEqualTo(runId + "/publish");
    }

    @Test
    void publishAllSendsEveryRecordInOrderWithItsOwnKey() {
        create("""
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
        String runId = webhook("bulk-publisher", "{\"lines\": " + lines + "]}");
        JsonNode run = awaitSucceeded(runId);
        assertThat(run.path("output").path("published").asInt()).isEqualTo(500);

        List<ConsumerRecord<String, String>> records = consume("published-lines", 500);
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
        create("""
                slug: relay-consumer
                name: Relay consumer
                trigger:
                  kafka: { topic: relayed, startFrom: earliest }
                steps:
                  - id: seen
                    action: core.transform
                    with: { value: "{{ trigger.body.greeting & ', relayed' }}" }
                """);
        create("""
                slug: relay-producer
                name: Relay producer
                trigger:
                  webhook: {}
                steps:
                  - id: publish
                    action: kafka.publish
                    with: { topic: relayed, value: "{{ trigger.body }}" }
                """);
        awaitSucceeded(webhook("relay-producer", "{\"greeting\": \"hello\"}"));

        String output = await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                        "select output ->> 'value' from runs where recipe = 'relay-consumer' and status = 'succeeded'")
                .query(String.class).optional().orElse(null), v -> v != null);
        assertThat(output).isEqualTo("hello, relayed");
    }

    private List<ConsumerRecord<String, String>> consume(String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "publish-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void create(String yaml) {
        ApiClient.Response created = api.postYaml("/api/v1/recipes", yaml);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private String webhook(String slug, String body) {
        ApiClient.Response accepted = anonymous.postJson("/hooks/" + slug, body);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().path("runId").asString();
    }

    private JsonNode awaitSucceeded(String runId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String status = api.get("/api/v1/runs/" + runId).json().path("status").asString();
            assertThat(status).as("run %s", runId).isNotEqualTo("failed");
            return "succeeded".equals(status);
        });
        return api.get("/api/v1/runs/" + runId).json();
    }
}
