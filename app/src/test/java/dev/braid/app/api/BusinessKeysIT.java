package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.JsonNode;

/**
 * Business keys ({@code index:}, ARCHITECTURE §10): stored with each run when its event is accepted, shown in
 * the run, found by exact value with {@code GET /api/v1/runs?key.<name>=}, combined with the other filters and
 * paged; a failing expression stores no value and refuses nothing.
 */
class BusinessKeysIT extends BraidIntegrationTest {

    private static final String ORDERS = """
            slug: %s
            name: Orders with business keys
            index:
              orderId: "trigger.body.id"
              customer: "trigger.body.customer.email"
              customerNo: "$number(trigger.body.customer.no)"
              lines: "$count(trigger.body.items)"
            trigger:
              %s
            steps:
              - id: check
                if: "trigger.body.fail = true"
                then:
                  - { id: refuse, fail: { message: "refused" } }
              - id: total
                action: core.transform
                with: { value: "{{ $sum(trigger.body.items.price) }}" }
            """;

    @Test
    void webhookRunsAreFoundByTheirKeysAlongsideTheOtherFiltersAndPaged() throws Exception {
        braid.saveRecipe(ORDERS.formatted("keyed-orders", "webhook: {}"));
        braid.saveRecipe(ORDERS.formatted("keyed-other", "webhook: {}"));
        int orders = 600;
        List<String> runIds = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                int n = i;
                sent.add(senders.submit(() -> braid.webhook("keyed-orders", """
                        {"id": "ORD-%d", "customer": {"email": "c%d@example.com", "no": "%s"},
                         "items": [{"price": 10}, {"price": %d}], "fail": %s}"""
                        .formatted(n, n % 7, n % 2 == 0 ? String.valueOf(n) : "not a number", n, n % 10 == 0))));
            }
            for (Future<String> f : sent) {
                runIds.add(f.get());
            }
        } finally {
            senders.shutdownNow();
        }
        // The same order id in another recipe: a key search spans recipes unless one is named.
        String otherRecipe = braid.webhook("keyed-other", "{\"id\": \"ORD-5\", \"customer\": {\"email\": \"c5@example.com\"}}");
        await().atMost(Duration.ofSeconds(60)).until(() -> sql.count("select count(*) from runs where recipe = 'keyed-orders'"
                + " and status in ('succeeded', 'failed')") == orders);

        // One order, exactly; its keys in the run and in the list item.
        JsonNode page = api.get("/api/v1/runs?recipe=keyed-orders&key.orderId=ORD-42").json();
        assertThat(page.path("items")).hasSize(1);
        JsonNode item = page.path("items").get(0);
        assertThat(item.path("id").asString()).isEqualTo(runIds.get(42));
        assertThat(item.path("keys").path("orderId").asString()).isEqualTo("ORD-42");
        JsonNode run = braid.run(runIds.get(42));
        assertThat(run.path("keys").path("orderId").asString()).isEqualTo("ORD-42");
        assertThat(run.path("keys").path("customer").asString()).isEqualTo("c0@example.com");
        assertThat(run.path("keys").path("customerNo").asString()).isEqualTo("42");
        assertThat(run.path("keys").path("lines").asString()).isEqualTo("2");

        // A failing expression ($number of "not a number") stored no value for its name, and the event was accepted.
        JsonNode odd = braid.run(runIds.get(43));
        assertThat(odd.path("status").asString()).isEqualTo("succeeded");
        assertThat(odd.path("keys").has("customerNo")).isFalse();
        assertThat(odd.path("keys").path("orderId").asString()).isEqualTo("ORD-43");

        // Across recipes unless a recipe is named.
        assertThat(api.get("/api/v1/runs?key.orderId=ORD-5").json().path("items")).extracting(i -> i.path("id").asString())
                .containsExactly(otherRecipe, runIds.get(5));

        // One customer's runs, paged newest first through every page; the cursor stays within the key.
        List<String> expected = new ArrayList<>();
        for (int i = orders - 1; i >= 0; i--) {
            if (i % 7 == 3) {
                expected.add(runIds.get(i));
            }
        }
        expected.sort(java.util.Comparator.comparing(UUID::fromString).reversed());
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode p = api.get("/api/v1/runs?recipe=keyed-orders&key.customer=c3@example.com&limit=25"
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            p.path("items").forEach(i -> paged.add(i.path("id").asString()));
            cursor = p.path("nextCursor").isNull() ? null : p.path("nextCursor").asString();
        } while (cursor != null);
        assertThat(paged).containsExactlyElementsOf(expected);

        // Combined with status and with a second key: all must hold.
        List<String> failedOfC3 = api.get("/api/v1/runs?recipe=keyed-orders&key.customer=c3@example.com&status=failed&limit=500")
                .json().path("items").valueStream().map(i -> i.path("id").asString()).toList();
        List<String> expectFailed = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            if (i % 7 == 3 && i % 10 == 0) {
                expectFailed.add(runIds.get(i));
            }
        }
        assertThat(failedOfC3).containsExactlyInAnyOrderElementsOf(expectFailed).isNotEmpty();
        assertThat(api.get("/api/v1/runs?key.customer=c3@example.com&key.orderId=ORD-10").json().path("items"))
                .extracting(i -> i.path("id").asString()).containsExactly(runIds.get(10));
        assertThat(api.get("/api/v1/runs?key.customer=c4@example.com&key.orderId=ORD-10").json().path("items")).isEmpty();
        assertThat(api.get("/api/v1/runs?key.orderId=ORD-NONE").json().path("items")).isEmpty();
    }

    @Test
    void aLongValueIsStoredBoundedAndFoundByTheWholeValue() {
        braid.saveRecipe(ORDERS.formatted("keyed-long", "webhook: {}"));
        String longId = "L".repeat(5_000);
        String runId = braid.webhook("keyed-long", "{\"id\": \"" + longId + "\"}");
        JsonNode run = braid.run(runId);
        assertThat(run.path("keys").path("orderId").asString()).startsWith("sha256:").hasSize(7 + 64);
        assertThat(api.get("/api/v1/runs?key.orderId=" + longId).json().path("items"))
                .extracting(i -> i.path("id").asString()).containsExactly(runId);
    }

    @Test
    void manualAndBatchRunsHaveKeysToo() throws Exception {
        // A manual run (no stored event): evaluated over its trigger when it is queued.
        braid.saveRecipe(ORDERS.formatted("keyed-manual", "manual: {}"));
        String manual = braid.startRun("keyed-manual", "{\"id\": \"M-1\", \"customer\": {\"email\": \"m@example.com\"}}");
        assertThat(api.get("/api/v1/runs?key.orderId=M-1").json().path("items"))
                .extracting(i -> i.path("id").asString()).containsExactly(manual);

        // A batch run: its keys are evaluated over the whole batch trigger, so trigger.events[0] names its first event.
        String topic = "keys-" + UUID.randomUUID();
        braid.saveRecipe("""
                slug: keyed-batch
                name: Batch with business keys
                index:
                  firstOrder: "trigger.events[0].body.id"
                  single: "trigger.body.id"
                trigger:
                  kafka: { topic: %s, startFrom: earliest, batch: { maxSize: 3, maxWait: 1s } }
                steps:
                  - id: n
                    action: core.transform
                    with: { value: "{{ $count(trigger.events) }}" }
                """.formatted(topic));
        try (KafkaProducer<String, String> producer = TestKafka.producer()) {
            for (int i = 1; i <= 3; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "{\"id\": \"B-" + i + "\"}")).get();
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/v1/runs?key.firstOrder=B-1").json().path("items").size() == 1);
        JsonNode batch = api.get("/api/v1/runs?key.firstOrder=B-1").json().path("items").get(0);
        assertThat(batch.path("recipe").asString()).isEqualTo("keyed-batch");
        assertThat(batch.path("keys").has("single")).as("a batch trigger has no single body").isFalse();
    }

    @Test
    void aBadKeyParameterIsAProblemNamingIt() {
        ApiClient.Response bad = api.get("/api/v1/runs?key.order-id=1");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("detail").asString()).contains("'order-id' is not a business key name");
        assertThat(api.get("/api/v1/runs?key.orderId=").status()).isEqualTo(400);
    }

    @Test
    void aRecipeWithBadKeysIsRefusedWithLines() {
        ApiClient.Response refused = api.postYaml("/api/v1/recipes", """
                slug: keyed-bad
                name: Bad keys
                index:
                  order-id: "trigger.body.id"
                  total: "trigger.body.("
                trigger:
                  webhook: {}
                steps:
                  - { id: t, action: core.transform, with: { value: 1 } }
                """);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("errors")).extracting(e -> e.path("path").asString() + "@" + e.path("line").asInt())
                .containsExactly("index.order-id@4", "index.total@5");
    }
}
