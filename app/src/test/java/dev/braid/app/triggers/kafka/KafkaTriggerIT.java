package dev.braid.app.triggers.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.connections.ConnectionStore;
import dev.braid.app.embedded.EmbeddedKafka;
import dev.braid.app.kafka.BraidKafka;
import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Kafka triggers against the test JVM's embedded broker and database (ARCHITECTURE §3): one run per record,
 * micro-batches, unreadable records as dead letters, and consumers following enable and disable.
 */
class KafkaTriggerIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(KafkaTriggerIT.class);

    @Autowired
    KafkaTriggers triggers;

    @Autowired
    BraidKafka braidKafka;

    @Autowired
    JsonMapper json;

    @Autowired
    ConnectionStore connections;

    KafkaProducer<String, String> producer;
    String topic;

    @BeforeEach
    void setUp() {
        producer = TestKafka.producer();
        topic = "t-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        producer.close();
    }

    @Test
    void theSharedContextUsesTheTestBrokerAndStartsNoneOfItsOwn() {
        assertThat(braidKafka.bootstrapServers()).isEqualTo(TestKafka.bootstrapServers());
        assertThat(braidKafka.embedded()).isFalse();
    }

    @Test
    void everyRecordStartsOneRunWithTheKafkaTrigger() throws Exception {
        braid.saveRecipe("""
                slug: per-record
                name: One run per record
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                steps:
                  - id: doubled
                    action: core.transform
                    with: { value: "{{ trigger.body.n * 2 }}" }
                """.formatted(topic));
        for (int i = 0; i < 20; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\": " + i + "}"));
        }
        producer.flush();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'per-record' and status = 'succeeded'") == 20);

        assertThat(jdbc.sql("select idempotency_key from trigger_events where recipe = 'per-record' order by idempotency_key")
                .query(String.class).list()).hasSize(20).doesNotHaveDuplicates()
                .allMatch(k -> k.matches(java.util.regex.Pattern.quote(topic) + "/0/\\d+"));
        JsonNode run = api.get("/api/v1/runs/" + jdbc.sql("""
                select r.id from runs r join trigger_events e on e.id = r.event_id
                 where r.recipe = 'per-record' and e.idempotency_key = ?""").param(topic + "/0/7").query(UUID.class).single()).json();
        JsonNode trigger = json.readTree(jdbc.sql("select trigger::text from runs where id = ?::uuid")
                .param(run.path("id").asString()).query(String.class).single());
        assertThat(trigger.path("type").asString()).isEqualTo("kafka");
        assertThat(trigger.path("topic").asString()).isEqualTo(topic);
        assertThat(trigger.path("partition").asInt()).isZero();
        assertThat(trigger.path("offset").asLong()).isEqualTo(7);
        assertThat(trigger.path("key").asString()).isEqualTo("k7");
        assertThat(trigger.path("body").path("n").asInt()).isEqualTo(7);
        assertThat(Instant.parse(trigger.path("timestamp").asString())).isBefore(Instant.now());
        assertThat(run.path("output").path("value").asInt()).isEqualTo(14);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.committed("braid.per-record", topic) == 20);
    }

    @Test
    void aRecordThatIsNotJsonBecomesADeadLetterWithoutARunAndTheNextRecordsGoOn() throws Exception {
        braid.saveRecipe("""
                slug: poison
                name: Poison message
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                steps:
                  - id: log
                    action: core.log
                    with: { message: "got {{ trigger.body.n }}" }
                """.formatted(topic));
        producer.send(new ProducerRecord<>(topic, "a", "{\"n\": 1}"));
        producer.send(new ProducerRecord<>(topic, "b", "{not json"));
        producer.send(new ProducerRecord<>(topic, "c", "{\"n\": 3}"));
        producer.flush();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'poison' and status = 'succeeded'") == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.committed("braid.poison", topic) == 3);
        assertThat(sql.count("select count(*) from trigger_events where recipe = 'poison'")).isEqualTo(2);
        JsonNode letters = api.get("/api/v1/dead-letters?recipe=poison").json().path("items");
        assertThat(letters).hasSize(1);
        JsonNode letter = letters.get(0);
        assertThat(letter.path("runId").isNull()).isTrue();
        assertThat(letter.path("error").path("type").asString()).isEqualTo("trigger.unreadable");
        assertThat(letter.path("error").path("message").asString()).contains("not valid JSON");
        assertThat(letter.path("payload").path("topic").asString()).isEqualTo(topic);
        assertThat(letter.path("payload").path("offset").asLong()).isEqualTo(1);
        assertThat(letter.path("payload").path("key").asString()).isEqualTo("b");
        assertThat(letter.path("payload").path("value").asString()).isEqualTo("{not json");

        // Edit and redrive: the corrected body makes a run of its own; the dead letter records it.
        ApiClient.Response replayed = api.postJson("/api/v1/dead-letters/" + letter.path("id").asString() + "/replay",
                Map.of("payload", Map.of("n", 2)));
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        String runId = replayed.json().path("runId").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(api.get("/api/v1/runs/" + runId).json().path("status").asString()));
        assertThat(api.get("/api/v1/runs/" + runId + "/logs").json().path("items").get(0).path("message").asString()).isEqualTo("got 2");
    }

    @Test
    void aNewVersionRestartsTheConsumerAndTheNextRecordsRunOnIt() throws Exception {
        String v1 = """
                slug: versioned
                name: Versions
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                steps:
                  - id: say
                    action: core.transform
                    with: { value: "%s {{ trigger.body.n }}" }
                """;
        braid.saveRecipe(v1.formatted(topic, "v1"));
        send(2, 0);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'versioned' and status = 'succeeded'") == 2);

        ApiClient.Response saved = api.put("/api/v1/recipes/versioned", "application/yaml", v1.formatted(topic, "v2"));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        // The old consumer flushed and committed before it stopped; records from here on are the new version's.
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(2).equals(triggers.versions().get("versioned")));
        send(3, 2);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'versioned' and status = 'succeeded'") == 5);
        assertThat(jdbc.sql("select recipe_version || ':' || (output ->> 'value') from runs where recipe = 'versioned' order by (trigger ->> 'offset')::int")
                .query(String.class).list()).containsExactly("1:v1 0", "1:v1 1", "2:v2 2", "2:v2 3", "2:v2 4");
    }

    @Test
    void aTriggerWithAKafkaConnectionConsumesThroughItsBootstrapServers() throws Exception {
        connections.put("other-cluster", "kafka", json.readTree("{\"bootstrapServers\": \"" + TestKafka.bootstrapServers() + "\"}"),
                JsonNodeFactory.instance.objectNode());
        braid.saveRecipe("""
                slug: via-connection
                name: Through a kafka connection
                trigger:
                  kafka: { topic: %s, connection: other-cluster, startFrom: earliest, format: text }
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """.formatted(topic));
        producer.send(new ProducerRecord<>(topic, "k", "plain words")).get();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'via-connection' and status = 'succeeded'") == 1);
        assertThat(jdbc.sql("select output ->> 'value' from runs where recipe = 'via-connection'").query(String.class).single())
                .isEqualTo("plain words");
    }

    /**
     * A consumer's last offset commit and its leaving the group wait for a coordinator; with the cluster gone they
     * used to wait a minute and half a minute, holding the trigger reconciler (and a node's stop) for the 30 s
     * the stop waits. Now each is bounded by 5 s, and the runs already made stay exactly as they were.
     */
    @Test
    void aTriggerWhoseClusterIsGoneStopsWithinSeconds(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka doomed = EmbeddedKafka.start(dir);
             KafkaProducer<String, String> itsProducer = TestKafka.producer(doomed.bootstrapServers())) {
            connections.put("doomed-cluster", "kafka",
                    json.readTree("{\"bootstrapServers\": \"" + doomed.bootstrapServers() + "\"}"),
                    JsonNodeFactory.instance.objectNode());
            braid.saveRecipe("""
                    slug: doomed-cluster
                    name: On a cluster that goes away
                    trigger:
                      kafka: { topic: %s, connection: doomed-cluster, startFrom: earliest }
                    steps:
                      - id: log
                        action: core.log
                        with: { message: "{{ trigger.body }}" }
                    """.formatted(topic));
            send(itsProducer, 5, 0);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    sql.count("select count(*) from runs where recipe = 'doomed-cluster' and status = 'succeeded'") == 5);
        }
        long asked = System.nanoTime();
        assertThat(api.post("/api/v1/recipes/doomed-cluster/disable", "application/json", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !triggers.versions().containsKey("doomed-cluster"));
        log.info("A consumer whose cluster is gone stopped {} ms after its recipe was disabled",
                (System.nanoTime() - asked) / 1_000_000);
        assertThat(sql.count("select count(*) from runs where recipe = 'doomed-cluster'")).isEqualTo(5);
    }

    @Test
    void twentyFiveEventsWithMaxSizeTenMakeBatchRunsOfTenTenAndFive() throws Exception {
        // All 25 are in the topic before the consumer starts, so the slices do not depend on how polls split them.
        for (int i = 0; i < 25; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\": " + i + "}"));
        }
        producer.flush();
        braid.saveRecipe("""
                slug: batched
                name: Micro-batches
                trigger:
                  kafka: { topic: %s, startFrom: earliest, batch: { maxSize: 10, maxWait: 3s } }
                steps:
                  - id: sum
                    action: core.transform
                    with: { value: "{{ $sum(trigger.events.body.n) }}" }
                  - id: size
                    action: core.transform
                    with: { value: "{{ $count(trigger.events) }}" }
                """.formatted(topic));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'batched' and status = 'succeeded'") >= 3);
        List<Integer> sizes = jdbc.sql("select jsonb_array_length(trigger -> 'events') from runs where recipe = 'batched' order by id")
                .query(Integer.class).list();
        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(jdbc.sql("select (output -> 'value')::int from runs where recipe = 'batched' order by id").query(Integer.class).list())
                .as("the steps saw trigger.events").containsExactly(10, 10, 5);
        assertThat(sql.count("select count(*) from trigger_events where recipe = 'batched'")).isEqualTo(25);
        assertThat(sql.count("select count(distinct idempotency_key) from trigger_events where recipe = 'batched'"))
                .isEqualTo(25);
        assertThat(sql.count("""
                select count(*) from trigger_events e join runs r on r.id = e.first_run_id
                 where e.recipe = 'batched' and r.event_id is null""")).as("every event points at its batch run").isEqualTo(25);
        // The two full batches were written as soon as their events arrived, together with the 5 others; the
        // partial batch waited for maxWait after that (recorded times, not a wall-clock window). The clock started
        // when the events arrived, a little before the first full batch's statement began: hence the margin.
        List<Timestamp> created = jdbc.sql("select created_at from runs where recipe = 'batched' order by id")
                .query(Timestamp.class).list();
        Duration waited = Duration.between(created.get(0).toInstant(), created.get(2).toInstant());
        log.info("The partial batch of 5 was written {} ms after the full ones (maxWait 3s)", waited.toMillis());
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(2_500)).isLessThan(Duration.ofSeconds(13));
        await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.committed("braid.batched", topic) == 25);
    }

    @Test
    void aBatchKeySplitsBatchesPerKeyValue() throws Exception {
        for (int i = 0; i < 12; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + i, "{\"store\": \"" + (i % 2 == 0 ? "north" : "south") + "\", \"n\": " + i + "}"));
        }
        producer.flush();
        braid.saveRecipe("""
                slug: per-store
                name: Batches per store
                trigger:
                  kafka: { topic: %s, startFrom: earliest, batch: { maxSize: 100, maxWait: 1s, key: "trigger.body.store" } }
                steps:
                  - id: stores
                    action: core.transform
                    with: { value: "{{ $distinct(trigger.events.body.store) }}" }
                """.formatted(topic));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'per-store' and status = 'succeeded'") >= 2);
        List<Map<String, Object>> runs = jdbc.sql("""
                select trigger ->> 'key' as key, jsonb_array_length(trigger -> 'events') as size, output ->> 'value' as stores
                  from runs where recipe = 'per-store' order by trigger ->> 'key'""").query().listOfRows();
        assertThat(runs).extracting(r -> r.get("key")).containsExactly("north", "south");
        assertThat(runs).extracting(r -> ((Number) r.get("size")).intValue()).containsExactly(6, 6);
        assertThat(runs).extracting(r -> (String) r.get("stores")).as("each run saw one store only")
                .allMatch(stores -> stores.contains("north") != stores.contains("south"));
    }

    @Test
    void aDisabledRecipeConsumesNothingAndPicksTheRecordsUpWhenEnabledAgain() throws Exception {
        braid.saveRecipe("""
                slug: switched
                name: Enable and disable
                trigger:
                  kafka: { topic: %s }
                steps:
                  - id: log
                    action: core.log
                    with: { message: "{{ trigger.body }}" }
                """.formatted(topic));
        // startFrom latest: only records produced after the group has its partition count.
        await().atMost(Duration.ofSeconds(30)).until(() -> !triggers.assignments().getOrDefault("switched", java.util.Set.of()).isEmpty());
        send(3, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.count("select count(*) from runs where recipe = 'switched'") == 3);

        assertThat(api.post("/api/v1/recipes/switched/disable", "application/json", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !triggers.assignments().containsKey("switched"));
        send(4, 3);
        // Nothing consumes while disabled: the group's committed offset stays at 3 and no run appears.
        Thread.sleep(2_000);
        assertThat(sql.count("select count(*) from runs where recipe = 'switched'")).isEqualTo(3);
        assertThat(TestKafka.committed("braid.switched", topic)).isEqualTo(3);

        assertThat(api.post("/api/v1/recipes/switched/enable", "application/json", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.count("select count(*) from runs where recipe = 'switched'") == 7);
        assertThat(sql.count("select count(distinct idempotency_key) from trigger_events where recipe = 'switched'"))
                .isEqualTo(7);
    }

    private void send(int count, int from) {
        send(producer, count, from);
    }

    private void send(KafkaProducer<String, String> producer, int count, int from) {
        for (int i = from; i < from + count; i++) {
            producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\": " + i + "}"));
        }
        producer.flush();
    }
}
