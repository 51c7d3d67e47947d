package dev.braid.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import dev.braid.app.support.TestKafka;
import dev.braid.app.triggers.TriggerReconciler;
import dev.braid.app.triggers.schedule.ScheduleFires;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every trigger source goes through {@link Ingestion}: one idempotency rule (duplicates start nothing
 * and answer the first run), one policy for a key expression that fails (a webhook is refused, a Kafka
 * record becomes a dead letter and the consumer moves on), batches stored whole with one run, and the
 * concurrency slot worked out in one place — driven through the sources' real entry points.
 */
class IngestionIT extends BraidIntegrationTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Autowired
    Ingestion ingestion;
    @Autowired
    RecipeCatalog catalog;
    @Autowired
    ScheduleFires fires;
    @Autowired
    TriggerReconciler reconciler;
    @Autowired
    JsonMapper json;

    KafkaProducer<String, String> producer;
    String topic;

    @BeforeEach
    void setUp() {
        producer = TestKafka.producer();
        topic = "ingest-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        producer.close();
    }

    @Test
    void aDuplicateFromAnySourceStartsNoSecondRunAndAnswersTheFirstRun() throws Exception {
        // Webhook: the recipe's expression is the key.
        create("""
                slug: ingest-dup-hook
                name: Duplicate webhooks
                trigger:
                  webhook:
                    idempotencyKey: "trigger.body.orderId"
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.orderId }}" } }
                """);
        ApiClient.Response first = anonymous.postJson("/hooks/ingest-dup-hook", "{\"orderId\": 41, \"note\": \"a\"}");
        ApiClient.Response again = anonymous.postJson("/hooks/ingest-dup-hook", "{\"orderId\": 41, \"note\": \"b\"}");
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(again.json().path("runId").asString()).isEqualTo(first.json().path("runId").asString());
        assertThat(sql.count("select count(*) from runs where recipe = 'ingest-dup-hook'")).isEqualTo(1);

        // Schedule: the fire time is the key, whichever node fires.
        create("""
                slug: ingest-dup-schedule
                name: Duplicate fires
                trigger:
                  schedule: { cron: "0 0 3 * * *", timezone: UTC, catchUp: none }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.fireTime }}" } }
                """);
        Instant at = Instant.parse("2026-11-20T03:00:00Z");
        // Enabled since before that fire time (a fire outside the recipe's enabled time records nothing).
        jdbc.sql("update schedule_periods set enabled_from = '2026-11-01T00:00:00Z' where recipe = 'ingest-dup-schedule'").update();
        Ingestion.Accepted fired = fires.fire("ingest-dup-schedule", at, at, "node-a").orElseThrow();
        Ingestion.Accepted firedAgain = fires.fire("ingest-dup-schedule", at, at.plusMillis(5), "node-b").orElseThrow();
        assertThat(fired.duplicate()).isFalse();
        assertThat(firedAgain.duplicate()).isTrue();
        assertThat(firedAgain.runId()).isEqualTo(fired.runId());
        assertThat(firedAgain.eventId()).isEqualTo(fired.eventId());
        assertThat(sql.count("select count(*) from runs where recipe = 'ingest-dup-schedule'")).isEqualTo(1);

        // Kafka: the expression makes two records the same event; the second starts nothing.
        create("""
                slug: ingest-dup-kafka
                name: Duplicate records
                trigger:
                  kafka: { topic: %s, startFrom: earliest, idempotencyKey: "trigger.body.orderId" }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.orderId }}" } }
                """.formatted(topic));
        send("{\"orderId\": 7}", "{\"orderId\": 7}", "{\"orderId\": 8}");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.committed("braid.ingest-dup-kafka", topic) == 3);
        assertThat(jdbc.sql("select idempotency_key from trigger_events where recipe = 'ingest-dup-kafka' order by idempotency_key")
                .query(String.class).list()).containsExactly("key:7", "key:8");
        assertThat(sql.count("select count(*) from runs where recipe = 'ingest-dup-kafka'")).isEqualTo(2);

        // And a list handed to Ingestion directly (as a poll does): the repeated key answers the stored run.
        Ingestion.Target target = Ingestion.Target.of(catalog.current("ingest-dup-kafka").orElseThrow());
        UUID firstRun = jdbc.sql("""
                select first_run_id from trigger_events where recipe = 'ingest-dup-kafka' and idempotency_key = 'key:7'""")
                .query(UUID.class).single();
        List<Ingestion.Accepted> accepted = ingestion.accept(target, List.of(
                kafkaEvent(topic, 99, NODES.objectNode().put("orderId", 7)),
                kafkaEvent(topic, 100, NODES.objectNode().put("orderId", 9)),
                kafkaEvent(topic, 101, NODES.objectNode().put("orderId", 9))));
        assertThat(accepted).extracting(Ingestion.Accepted::outcome).containsExactly(
                Ingestion.Outcome.DUPLICATE, Ingestion.Outcome.STARTED, Ingestion.Outcome.DUPLICATE);
        assertThat(accepted.get(0).runId()).isEqualTo(firstRun);
        assertThat(accepted.get(2).runId()).as("a repeat inside the same list answers its first").isEqualTo(accepted.get(1).runId());
        assertThat(sql.count("select count(*) from runs where recipe = 'ingest-dup-kafka'")).isEqualTo(3);
        disable("ingest-dup-kafka");
    }

    @Test
    void aKeyExpressionThatFailsRefusesAWebhookAndDeadLettersAKafkaRecordWithoutStoppingTheConsumer() throws Exception {
        create("""
                slug: ingest-bad-key-hook
                name: Bad key
                trigger:
                  webhook:
                    idempotencyKey: "trigger.body.n + 'x'"
                steps:
                  - { id: echo, action: core.transform, with: { value: 1 } }
                """);
        ApiClient.Response refused = anonymous.postJson("/hooks/ingest-bad-key-hook", "{\"n\": 1}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().path("errors").get(0).path("path").asString()).isEqualTo("trigger.webhook.idempotencyKey");
        assertThat(refused.json().path("detail").asString()).contains("trigger.webhook.idempotencyKey");
        // An object is no key either.
        create("""
                slug: ingest-object-key-hook
                name: Object key
                trigger:
                  webhook:
                    idempotencyKey: "trigger.body.customer"
                steps:
                  - { id: echo, action: core.transform, with: { value: 1 } }
                """);
        ApiClient.Response object = anonymous.postJson("/hooks/ingest-object-key-hook", "{\"customer\": {\"id\": 3}}");
        assertThat(object.status()).isEqualTo(400);
        assertThat(object.json().path("detail").asString()).contains("an object");
        // Nothing (missing) is not a failure: the next rule in ARCHITECTURE §3's order, the body's hash, applies.
        assertThat(anonymous.postJson("/hooks/ingest-object-key-hook", "{\"other\": 1}").status()).isEqualTo(202);
        assertThat(sql.count("select count(*) from trigger_events where recipe like 'ingest-%-key-hook'")).isEqualTo(1);
        assertThat(sql.count("select count(*) from runs where recipe like 'ingest-%-key-hook'")).isEqualTo(1);

        create("""
                slug: ingest-bad-key-kafka
                name: Bad key
                trigger:
                  kafka: { topic: %s, startFrom: earliest, idempotencyKey: "trigger.body.id" }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.id }}" } }
                """.formatted(topic));
        send("{\"id\": 1}", "{\"id\": {\"nested\": true}}", "{\"id\": 3}");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.committed("braid.ingest-bad-key-kafka", topic) == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.count(
                "select count(*) from runs where recipe = 'ingest-bad-key-kafka' and status = 'succeeded'") == 2);
        JsonNode letters = api.get("/api/v1/dead-letters?recipe=ingest-bad-key-kafka").json().path("items");
        assertThat(letters).hasSize(1);
        JsonNode letter = letters.get(0);
        assertThat(letter.path("runId").isNull()).isTrue();
        assertThat(letter.path("error").path("type").asString()).isEqualTo("trigger.unreadable");
        assertThat(letter.path("error").path("field").asString()).isEqualTo("trigger.kafka.idempotencyKey");
        assertThat(letter.path("error").path("event").asString()).isEqualTo(topic + "/0/1");
        assertThat(letter.path("payload").path("body").path("id").path("nested").asBoolean()).isTrue();
        assertThat(sql.count("select count(*) from trigger_events where recipe = 'ingest-bad-key-kafka'")).isEqualTo(2);
        disable("ingest-bad-key-kafka");
    }

    @Test
    void aPollOfAThousandRowsIsStoredInOneTransactionWithOneBatchRun() {
        jdbc.sql("create schema if not exists demo").update();
        if (api.get("/api/v1/connections/embedded-db").status() == 404) {
            ApiClient.Response created = api.post("/api/v1/connections", "application/json", """
                    {"name": "embedded-db", "connector": "sql", "settings": {"url": "%s", "username": "postgres",
                     "password": "postgres", "schema": "demo"}}""".formatted(TestDatabase.jdbcUrl()));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        jdbc.sql("create table demo.ingest_rows (id integer primary key, amount integer not null)").update();
        jdbc.sql("insert into demo.ingest_rows select g, g % 7 from generate_series(1, 1000) g").update();
        create("""
                slug: ingest-batch-poll
                name: A thousand rows, one run
                trigger:
                  poll:
                    connection: embedded-db
                    every: 1s
                    query: "select id, amount from ingest_rows where id > :cursor order by id"
                    cursor: id
                    initialCursor: 0
                    batch: { maxSize: 1000 }
                steps:
                  - id: total
                    action: core.transform
                    with: { value: "{{ {'rows': $count(trigger.events), 'sum': $sum(trigger.events.body.amount)} }}" }
                """);
        reconciler.reconcileNow();
        await().atMost(Duration.ofSeconds(60)).until(() -> sql.count(
                "select count(*) from runs where recipe = 'ingest-batch-poll' and status = 'succeeded'") == 1);
        disable("ingest-batch-poll");

        assertThat(sql.count("select count(*) from runs where recipe = 'ingest-batch-poll'")).isEqualTo(1);
        JsonNode run = jdbc.sql("select jsonb_build_object('events', jsonb_array_length(trigger -> 'events'), "
                        + "'cursor', trigger -> 'cursor', 'output', output) from runs where recipe = 'ingest-batch-poll'")
                .query(String.class).optional().map(json::readTree).orElseThrow();
        assertThat(run.path("events").asInt()).isEqualTo(1000);
        assertThat(run.path("cursor").asInt()).isEqualTo(1000);
        assertThat(run.path("output").path("value").path("rows").asInt()).isEqualTo(1000);
        assertThat(sql.count("select count(*) from trigger_events where recipe = 'ingest-batch-poll'")).isEqualTo(1000);
        assertThat(sql.count("""
                select count(*) from trigger_events e join runs r on r.id = e.first_run_id
                 where e.recipe = 'ingest-batch-poll'""")).as("every event is owned by the batch run").isEqualTo(1000);
        // One transaction wrote all of it: the 1,000 events share their inserting transaction id (the run's row
        // has been updated by its worker since), and the events and the run share that transaction's now().
        assertThat(sql.count("select count(distinct xmin::text) from trigger_events where recipe = 'ingest-batch-poll'"))
                .isEqualTo(1);
        assertThat(sql.count("""
                select count(distinct t) from (
                    select received_at as t from trigger_events where recipe = 'ingest-batch-poll'
                    union all select created_at from runs where recipe = 'ingest-batch-poll') x""")).isEqualTo(1);

        // The same thousand events again, plus 500 new ones, in one accept: one run with only the new ones.
        Ingestion.Target target = Ingestion.Target.of(catalog.current("ingest-batch-poll").orElseThrow());
        List<TriggerEvent> events = new ArrayList<>();
        for (int id = 1; id <= 1500; id++) {
            ObjectNode trigger = NODES.objectNode().put("type", "poll");
            trigger.putObject("body").put("id", id).put("amount", id % 7);
            trigger.put("cursor", id);
            events.add(TriggerEvent.of(trigger, "cursor:" + id));
        }
        Ingestion.Accepted batch = ingestion.accept(target, new Ingestion.Batch(NODES.objectNode().put("type", "poll"), events, true));
        assertThat(batch.outcome()).isEqualTo(Ingestion.Outcome.STARTED);
        assertThat(jdbc.sql("select jsonb_array_length(trigger -> 'events') from runs where id = ?").param(batch.runId())
                .query(Integer.class).single()).isEqualTo(500);
        assertThat(jdbc.sql("select (trigger -> 'events' -> 0 -> 'body' ->> 'id')::int from runs where id = ?")
                .param(batch.runId()).query(Integer.class).single()).as("in the order given").isEqualTo(1001);
        Ingestion.Accepted repeated = ingestion.accept(target, new Ingestion.Batch(NODES.objectNode().put("type", "poll"), events, true));
        assertThat(repeated.outcome()).isEqualTo(Ingestion.Outcome.DUPLICATE);
        assertThat(repeated.runId()).isNull();
        assertThat(sql.count("select count(*) from runs where recipe = 'ingest-batch-poll'")).isEqualTo(2);
        assertThat(sql.count("select count(*) from trigger_events where recipe = 'ingest-batch-poll'")).isEqualTo(1500);
    }

    @Test
    void aConcurrencyLimitedRecipeGetsItsSlotFromIngestionWhateverTheSource() throws Exception {
        create("""
                slug: ingest-limited
                name: Limited
                trigger:
                  webhook: {}
                concurrency: { limit: 2, key: "trigger.body.customer" }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.customer }}" } }
                """);
        for (int i = 0; i < 6; i++) {
            assertThat(anonymous.postJson("/hooks/ingest-limited", "{\"customer\": \"c" + (i % 2) + "\", \"i\": " + i + "}")
                    .status()).isEqualTo(202);
        }
        create("""
                slug: ingest-limited-kafka
                name: Limited
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                concurrency: { limit: 3, key: "trigger.body.customer" }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.customer }}" } }
                """.formatted(topic));
        send("{\"customer\": \"k1\"}", "{\"customer\": \"k2\"}", "{\"customer\": \"k1\"}");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'ingest-limited-kafka'") == 3);
        // A manual run of the webhook recipe (no customer): still limited, in the group of runs without a key.
        assertThat(api.postJson("/api/v1/recipes/ingest-limited/runs", "{\"other\": true}").status()).isEqualTo(202);
        disable("ingest-limited-kafka");

        assertThat(jdbc.sql("""
                select concurrency_key || ' ' || concurrency_limit || ' ' || count(*) from runs
                 where recipe in ('ingest-limited', 'ingest-limited-kafka')
                 group by concurrency_key, concurrency_limit order by 1""").query(String.class).list())
                .containsExactly("ingest-limited-kafka/k1 3 2", "ingest-limited-kafka/k2 3 1",
                        "ingest-limited/c0 2 3", "ingest-limited/c1 2 3", "ingest-limited/null 2 1");
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.count(
                "select count(*) from runs where recipe in ('ingest-limited', 'ingest-limited-kafka') and status = 'succeeded'") == 10);
    }

    @Test
    void anOrderingKeyIsWorkedOutAtIngestionWhateverTheSourceAndAFailingOneFollowsTheKeyPolicy() throws Exception {
        create("""
                slug: ingest-ordered
                name: Ordered
                trigger:
                  webhook: {}
                ordering: { key: "trigger.body.customer" }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.customer }}" } }
                """);
        for (int i = 0; i < 6; i++) {
            assertThat(anonymous.postJson("/hooks/ingest-ordered", "{\"customer\": \"c" + (i % 2) + "\", \"i\": " + i + "}")
                    .status()).isEqualTo(202);
        }
        // A manual run (no customer) is ordered too, with the runs of key null.
        assertThat(api.postJson("/api/v1/recipes/ingest-ordered/runs", "{\"other\": true}").status()).isEqualTo(202);
        // The webhook's fast path never pre-leases an ordered run (EventStore refuses one: the 202s above say none was tried).
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.count(
                "select count(*) from runs where recipe = 'ingest-ordered' and status = 'succeeded'") == 7);
        assertThat(jdbc.sql("""
                select ordering_key || ' ' || count(*) || ' ' || (array_agg((trigger -> 'body' ->> 'i') order by ordering_seq))::text
                  from runs where recipe = 'ingest-ordered' group by ordering_key order by 1""").query(String.class).list())
                .containsExactly("c0 3 {0,2,4}", "c1 3 {1,3,5}", "null 1 {NULL}");

        create("""
                slug: ingest-bad-ordering
                name: Bad ordering
                trigger:
                  webhook: {}
                ordering: { key: "$number(trigger.body.customer)" }
                steps:
                  - { id: echo, action: core.transform, with: { value: 1 } }
                """);
        ApiClient.Response refused = anonymous.postJson("/hooks/ingest-bad-ordering", "{\"customer\": \"not a number\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("errors").get(0).path("path").asString()).isEqualTo("ordering.key");
        assertThat(sql.count("select count(*) from runs where recipe = 'ingest-bad-ordering'")).isZero();

        create("""
                slug: ingest-bad-ordering-kafka
                name: Bad ordering
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                ordering: { key: "$number(trigger.body.customer)" }
                steps:
                  - { id: echo, action: core.transform, with: { value: 1 } }
                """.formatted(topic));
        send("{\"customer\": \"7\"}", "{\"customer\": \"seven\"}", "{\"customer\": \"8\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.committed("braid.ingest-bad-ordering-kafka", topic) == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.count(
                "select count(*) from runs where recipe = 'ingest-bad-ordering-kafka' and status = 'succeeded'") == 2);
        JsonNode letters = api.get("/api/v1/dead-letters?recipe=ingest-bad-ordering-kafka").json().path("items");
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).path("error").path("type").asString()).isEqualTo("trigger.unreadable");
        assertThat(letters.get(0).path("error").path("field").asString()).isEqualTo("ordering.key");
        disable("ingest-bad-ordering-kafka");
    }

    private static TriggerEvent kafkaEvent(String topic, long offset, ObjectNode body) {
        ObjectNode trigger = NODES.objectNode().put("type", "kafka").put("topic", topic).put("partition", 0).put("offset", offset);
        trigger.set("body", body);
        return TriggerEvent.of(trigger, topic + "/0/" + offset);
    }

    private void send(String... values) {
        for (String value : values) {
            producer.send(new ProducerRecord<>(topic, null, value));
        }
        producer.flush();
    }

    /** Keys of any length are one key each: PostgreSQL refuses a unique-index entry over ~2.7 KB unless it is hashed. */
    @Test
    void longKeysFromTheExpressionOrTheHeaderDedupeAndAreStored() {
        create("""
                slug: ingest-long-key
                name: Long keys
                trigger:
                  webhook:
                    idempotencyKey: "trigger.body.reference"
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ $length(trigger.body.reference) }}" } }
                """);
        String reference = incompressible(10_000); // a repeated letter would compress under the index's limit
        ApiClient.Response first = anonymous.postJson("/hooks/ingest-long-key", "{\"reference\": \"" + reference + "\"}");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        ApiClient.Response again = anonymous.postJson("/hooks/ingest-long-key", "{\"reference\": \"" + reference + "\"}");
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(again.json().path("runId").asString()).isEqualTo(first.json().path("runId").asString());
        ApiClient.Response other = anonymous.postJson("/hooks/ingest-long-key", "{\"reference\": \"" + reference + "x\"}");
        assertThat(other.json().path("duplicate").asBoolean()).as("another long value is another key").isFalse();

        create("""
                slug: ingest-long-header
                name: Long supplied keys
                trigger: { webhook: {} }
                steps:
                  - { id: echo, action: core.transform, with: { value: ok } }
                """);
        java.util.Map<String, String> headers = java.util.Map.of("Content-Type", "application/json", "Idempotency-Key", incompressible(6_000));
        ApiClient.Response byHeader = anonymous.post("/hooks/ingest-long-header", headers, "{}".getBytes());
        assertThat(byHeader.status()).as(byHeader.body()).isEqualTo(202);
        ApiClient.Response byHeaderAgain = anonymous.post("/hooks/ingest-long-header", headers, "{\"other\": 1}".getBytes());
        assertThat(byHeaderAgain.json().path("duplicate").asBoolean()).isTrue();
        assertThat(sql.runCount("ingest-long-key")).isEqualTo(2);
        assertThat(sql.runCount("ingest-long-header")).isEqualTo(1);
    }

    private static String incompressible(int length) {
        StringBuilder out = new StringBuilder(length + 64);
        while (out.length() < length) {
            out.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return out.substring(0, length);
    }

    private void create(String yaml) {
        braid.saveRecipe(yaml);
        reconciler.reconcileNow();
    }

    private void disable(String slug) {
        api.post("/api/v1/recipes/" + slug + "/disable", "application/json", "");
        reconciler.reconcileNow();
    }
}
