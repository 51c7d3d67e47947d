package dev.braid.app.triggers.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.TestKafka;

/**
 * Exactly-once runs from at-least-once Kafka (ARCHITECTURE §3): the server runs as its own JVM on its own
 * database, consuming from the test broker, and is killed with SIGKILL while 1,000 records stream
 * in; a new server on the same data resumes from the committed offsets. Every record ends in exactly
 * one run (per-event recipe) and in exactly one batch run (batch recipe on the same topic).
 */
class KafkaTriggerRestartIT {

    private static final Logger log = LoggerFactory.getLogger(KafkaTriggerRestartIT.class);
    private static final String PASSWORD = "kafka-restart-pw";
    private static final int RECORDS = 1_000;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Test
    void aThousandRecordsWithASigkillInTheMiddleMakeExactlyAThousandRunsAndBatchEvents() throws Exception {
        String topic = "restart-" + UUID.randomUUID();
        ServerProcess first = start();
        first.braid().saveRecipe("""
                slug: each
                name: One run per record
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body.n }}" }
                """.formatted(topic));
        first.braid().saveRecipe("""
                slug: batched
                name: Batches of the same records
                trigger:
                  kafka: { topic: %s, startFrom: earliest, batch: { maxSize: 50, maxWait: 1s } }
                steps:
                  - id: size
                    action: core.transform
                    with: { value: "{{ $count(trigger.events) }}" }
                """.formatted(topic));

        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(topic));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'each'") >= 200);
        long before = servers.count("select count(*) from trigger_events where recipe = 'each'");
        first.kill();   // SIGKILL while records stream in: uncommitted offsets are delivered again
        log.info("Killed the server after {} records had their run", before);

        ServerProcess second = start();
        producing.join();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'each'") == RECORDS
                        && servers.count("select count(*) from trigger_events where recipe = 'batched'") == RECORDS);
        // A run is inserted by the statement that inserts its event(s): counting now is exact. Duplicates
        // could only come from records delivered again, which is what the unique key must turn into nothing.
        assertThat(servers.count("select count(*) from runs where recipe = 'each'")).isEqualTo(RECORDS);
        assertThat(servers.count("select count(distinct event_id) from runs where recipe = 'each'")).isEqualTo(RECORDS);
        assertThat(servers.count("select count(distinct idempotency_key) from trigger_events where recipe = 'each'"))
                .isEqualTo(RECORDS);
        assertThat(servers.count("select count(distinct (trigger -> 'body' ->> 'n')) from runs where recipe = 'each'"))
                .isEqualTo(RECORDS);
        assertThat(servers.count("select coalesce(sum(jsonb_array_length(trigger -> 'events')), 0) from runs where recipe = 'batched'"))
                .as("each record in exactly one batch run").isEqualTo(RECORDS);
        assertThat(servers.count("""
                select count(distinct ev ->> 'offset') from runs r, jsonb_array_elements(r.trigger -> 'events') ev
                 where r.recipe = 'batched'""")).isEqualTo(RECORDS);
        assertThat(servers.count("select count(*) from dead_letters")).isZero();
        log.info("After the SIGKILL: {} runs of 'each', {} batch runs of 'batched' holding {} events", RECORDS,
                servers.count("select count(*) from runs where recipe = 'batched'"), RECORDS);
        second.terminate(Duration.ofSeconds(60));
    }

    /**
     * Batch mode at the size it is built for (issue 18): 200,000 records already in the topic, batches of 1,000
     * written while the next polls are read (offsets committed only behind stored batches), SIGKILL once a
     * fifth of them is stored; the second server re-reads what was not committed. Every record ends in
     * exactly one batch run, its payload stored once (in the run, the event row keeping its key and place).
     */
    @Test
    void twoHundredThousandRecordsInBatchesWithASigkillMidwayEndInExactlyOneBatchRunEach() throws Exception {
        int records = 200_000;
        String topic = "restart-batch-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = TestKafka.producer()) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + (i % 1000), "{\"n\": " + i + ", \"store\": \"s" + (i % 7) + "\"}"));
            }
        }
        ServerProcess first = start();
        first.braid().saveRecipe("""
                slug: big-batches
                name: Batches of a large backlog
                trigger:
                  kafka: { topic: %s, startFrom: earliest, batch: { maxSize: 1000, maxWait: 1s } }
                steps:
                  - id: size
                    action: core.transform
                    with: { value: "{{ $count(trigger.events) }}" }
                """.formatted(topic));
        String stored = "select count(*) from trigger_events where recipe = 'big-batches'";
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(50)).until(() -> servers.count(stored) >= 40_000);
        first.kill();
        long before = servers.count(stored);
        log.info("Killed the server with {} of {} batch events stored", before, records);

        ServerProcess second = start();
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).until(() -> servers.count(stored) == records);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> servers.count(stored) == records);
        assertThat(servers.count("select count(distinct idempotency_key) from trigger_events where recipe = 'big-batches'"))
                .isEqualTo(records);
        assertThat(servers.count("select coalesce(sum(jsonb_array_length(trigger -> 'events')), 0) from runs where recipe = 'big-batches'"))
                .as("each record in exactly one batch run").isEqualTo(records);
        assertThat(servers.count("""
                select count(distinct (ev -> 'body' ->> 'n')) from runs r, jsonb_array_elements(r.trigger -> 'events') ev
                 where r.recipe = 'big-batches'""")).isEqualTo(records);
        assertThat(servers.count("""
                with stored as (
                    select r.id as run_id, (t.n - 1)::int as batch_index, t.event
                      from runs r, jsonb_array_elements(r.trigger -> 'events') with ordinality as t(event, n)
                     where r.recipe = 'big-batches')
                select count(*) from trigger_events e
                  left join stored s on s.run_id = e.first_run_id and s.batch_index = e.batch_index
                 where e.recipe = 'big-batches'
                   and coalesce(e.payload, s.event) ->> 'offset' = split_part(e.idempotency_key, '/', 3)""")).as(
                "every event's payload found from its row (each run's events read once: a lookup per event would "
                + "decompress the whole batch 200,000 times)").isEqualTo(records);
        assertThat(servers.count("select count(*) from dead_letters")).isZero();
        log.info("After the SIGKILL: {} records in {} batch runs", records,
                servers.count("select count(*) from runs where recipe = 'big-batches'"));
        second.terminate(Duration.ofSeconds(60));
    }

    private void produce(String topic) {
        try (KafkaProducer<String, String> producer = TestKafka.producer()) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\": " + i + "}"));
                if (i % 20 == 19) {
                    producer.flush();
                    Thread.sleep(50);   // a stream over a few seconds, so the kill lands in the middle of it
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ServerProcess start() {
        return servers.start(PASSWORD,
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "--braid.triggers.refresh=1s");
    }
}
