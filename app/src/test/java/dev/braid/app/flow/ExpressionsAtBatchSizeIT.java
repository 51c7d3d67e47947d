package dev.braid.app.flow;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Expressions at batch size through the real path (issue 13, 14; ARCHITECTURE §11): a webhook starts a run
 * whose chunked {@code foreach} maps each chunk of 1,000 with one expression and whose last step maps
 * all 5,000 at once; {@code kafka.publishAll} of 500 records built by an expression; and an expression
 * that builds a string over the size limit fails its step at once, with the limit in the error and
 * without retries, while the million-character {@code $pad} that held a core for a minute answers.
 */
class ExpressionsAtBatchSizeIT extends BraidIntegrationTest {

    private static final int ITEMS = 5_000;

    @Test
    void aChunkedForeachMapsEachChunkAndTheLastStepMapsTheWholeBatch() {
        braid.saveRecipe("""
                slug: batch-mapper
                name: Batch mapper
                trigger:
                  webhook: {}
                steps:
                  - id: lines
                    foreach: "trigger.body.items"
                    as: chunk
                    chunk: 1000
                    steps:
                      - id: map
                        action: core.transform
                        with:
                          value: "{{ chunk.({'id': id, 'sku': 'SKU-' & sku, 'total': qty * price}) }}"
                  - id: summary
                    action: core.transform
                    with:
                      value: |-
                        {{ {
                          'mapped': $count(steps.lines.output.value),
                          'total': $sum(steps.lines.output.value.total),
                          'last': steps.lines.output[4].value[999],
                          'all': $count(trigger.body.items.({'id': id, 'big': qty > 2})[big])
                        } }}
                """);
        StringBuilder items = new StringBuilder("[");
        long total = 0;
        for (int i = 1; i <= ITEMS; i++) {
            items.append(i == 1 ? "" : ",").append("{\"id\":").append(i).append(",\"sku\":\"").append(i % 97)
                    .append("\",\"qty\":").append(i % 5).append(",\"price\":3}");
            total += (i % 5) * 3L;
        }
        String runId = braid.webhook("batch-mapper", "{\"items\": " + items + "]}");

        JsonNode run = braid.awaitEnd(runId);

        assertThat(run.path("status").asString()).as(run.path("error").toString()).isEqualTo("succeeded");
        JsonNode summary = run.path("output").path("value");
        assertThat(summary.path("mapped").asInt()).isEqualTo(ITEMS);
        assertThat(summary.path("total").asLong()).isEqualTo(total);
        assertThat(summary.path("last")).isEqualTo(JsonMapper.shared().readTree(
                "{\"id\": 5000, \"sku\": \"SKU-53\", \"total\": 0}"));
        assertThat(summary.path("all").asInt()).isEqualTo(ITEMS * 2 / 5); // qty 3 and 4
        assertThat(step(run, "lines[0].map").path("output").path("value").size()).isEqualTo(1000);
    }

    @Test
    void publishAllSendsFiveHundredRecordsMappedByAnExpression() {
        braid.saveRecipe("""
                slug: batch-fanout
                name: Batch fan-out
                trigger:
                  webhook: {}
                steps:
                  - id: fanout
                    action: kafka.publishAll
                    with:
                      topic: expression-batch
                      records: "{{ [1..trigger.body.count].({'key': 'k' & ($ % 7), 'value': {'n': $, 'even': $ % 2 = 0}}) }}"
                """);
        JsonNode run = braid.awaitEnd(braid.webhook("batch-fanout", "{\"count\": 500}"));

        assertThat(run.path("status").asString()).as(run.path("error").toString()).isEqualTo("succeeded");
        assertThat(run.path("output").path("published").asInt()).isEqualTo(500);
        List<ConsumerRecord<String, String>> records = TestKafka.consume("expression-batch", 500);
        assertThat(records).hasSize(500);
        assertThat(records).anySatisfy(r -> assertThat(JsonMapper.shared().readTree(r.value()))
                .isEqualTo(JsonMapper.shared().readTree("{\"n\": 500, \"even\": true}")));
    }

    @Test
    void aStringOverTheSizeLimitFailsTheStepAtOnceWithTheLimitInItsError() {
        braid.saveRecipe("""
                slug: padder
                name: Padder
                trigger:
                  webhook: {}
                retry: { maxAttempts: 3, initialDelay: 100ms }
                steps:
                  - id: fine
                    action: core.transform
                    with: { value: "{{ $length($pad('', 1000000, 'ab')) }}" }
                  - id: huge
                    action: core.transform
                    with: { value: "{{ $length($pad('', trigger.body.width, 'ab')) }}" }
                """);
        JsonNode run = braid.awaitEnd(braid.webhook("padder", "{\"width\": 100000000}"));

        assertThat(run.path("status").asString()).isEqualTo("failed");
        assertThat(step(run, "fine").path("output").path("value").asInt()).isEqualTo(1_000_000);
        JsonNode huge = step(run, "huge");
        assertThat(huge.path("status").asString()).isEqualTo("failed");
        assertThat(huge.path("attempts").asInt()).as("not retried").isEqualTo(1);
        assertThat(huge.path("error").path("type").asString()).isEqualTo("expression");
        assertThat(huge.path("error").path("retryable").asBoolean()).isFalse();
        assertThat(huge.path("error").path("message").asString())
                .contains("over the size limit of 10000000 characters");
        assertThat(run.path("error").path("message").asString()).contains("size limit");
    }
}
