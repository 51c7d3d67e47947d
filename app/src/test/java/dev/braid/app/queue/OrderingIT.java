package dev.braid.app.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import dev.braid.app.support.StubServer.Reply;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ordering: {key}} (ARCHITECTURE §11) with a Kafka trigger on the embedded broker and a real HTTP target
 * that answers after a random delay: per key the target sees the events strictly in partition order and
 * never two at once, a run that is retrying holds its key, a failed run releases it, and different keys
 * run at the same time.
 */
class OrderingIT extends BraidIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int KEYS = 5;
    private static final int PER_KEY = 40;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient api;
    StubServer stub;
    KafkaProducer<String, String> producer;
    String topic;

    /** Per key: requests in flight now, the most ever, and the event numbers in the order they arrived. */
    final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> mostInFlight = new ConcurrentHashMap<>();
    final AtomicInteger allInFlight = new AtomicInteger();
    final AtomicInteger mostAllInFlight = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        api = ApiClient.admin(port, ADMIN_PASSWORD);
        stub = new StubServer();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers(), "linger.ms", 5),
                new StringSerializer(), new StringSerializer());
        topic = "ordered-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
    }

    @AfterEach
    void tearDown() {
        producer.close();
        stub.close();
    }

    @Test
    void theRunsOfOneKeyReachTheTargetOneAtATimeInPartitionOrderWhileKeysRunInParallel() {
        for (int k = 0; k < KEYS; k++) {
            String key = "key-" + k;
            // key-2's 11th event (calls 11 and 12 of its path) fails twice with a 503, then succeeds: the key waits for it.
            stub.reply("/target/" + key, n -> answer(key, key.equals("key-2") && (n == 11 || n == 12) ? 503 : 200));
        }
        create("""
                slug: ordered-calls
                name: Ordered calls
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                ordering: { key: "trigger.body.key" }
                retry: { maxAttempts: 3, initialDelay: 100ms, multiplier: 1 }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s/{{ trigger.body.key }}", body: "{{ trigger.body }}" }
                """.formatted(topic, stub.url("/target")));
        // Interleaved: n-th event of every key, then the next; the Kafka key spreads the keys over 3 partitions.
        for (int n = 0; n < PER_KEY; n++) {
            for (int k = 0; k < KEYS; k++) {
                producer.send(new ProducerRecord<>(topic, "key-" + k, "{\"key\": \"key-" + k + "\", \"n\": " + n + "}"));
            }
        }
        producer.flush();

        await().atMost(Duration.ofSeconds(120)).until(() -> count("ordered-calls", "succeeded") == KEYS * PER_KEY);

        int calls = 0;
        for (int k = 0; k < KEYS; k++) {
            String key = "key-" + k;
            List<Integer> seen = new ArrayList<>();
            for (StubServer.Received r : stub.received("/target/" + key)) {
                seen.add(JSON.readTree(r.body()).path("n").asInt());
            }
            calls += seen.size();
            List<Integer> expected = new ArrayList<>();
            for (int n = 0; n < PER_KEY; n++) {
                expected.add(n);
                if (key.equals("key-2") && n == 10) {
                    expected.add(10); // two retries of the same event, before the next one
                    expected.add(10);
                }
            }
            assertThat(seen).as("the events of %s as the target saw them", key).containsExactlyElementsOf(expected);
            assertThat(mostInFlight.get(key).get()).as("requests of %s at once", key).isEqualTo(1);
        }
        assertThat(mostAllInFlight.get()).as("requests of different keys at once").isGreaterThan(1);
        assertThat(jdbc.sql("select max(attempt) from runs where recipe = 'ordered-calls'").query(Integer.class).single()).isEqualTo(3);
        System.out.printf("Ordering: %d keys x %d events -> %d runs, %d target calls; at most %d calls at once across keys, 1 per key%n",
                KEYS, PER_KEY, count("ordered-calls", "succeeded"), calls, mostAllInFlight.get());
    }

    @Test
    void aFailedRunReleasesItsKeyAndARetryingOneHoldsIt() {
        stub.reply("/target/a", n -> answer("a", n == 1 ? 400 : 200)); // the first event fails for good (4xx is fatal)
        stub.reply("/target/b", n -> answer("b", n <= 2 ? 503 : 200)); // the first event retries twice
        create("""
                slug: ordered-failures
                name: Ordered failures
                trigger:
                  kafka: { topic: %s, startFrom: earliest }
                ordering: { key: "trigger.body.key" }
                retry: { maxAttempts: 3, initialDelay: 300ms, multiplier: 1 }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s/{{ trigger.body.key }}", body: "{{ trigger.body }}" }
                """.formatted(topic, stub.url("/target")));
        for (int n = 0; n < 3; n++) {
            producer.send(new ProducerRecord<>(topic, "a", "{\"key\": \"a\", \"n\": " + n + "}"));
            producer.send(new ProducerRecord<>(topic, "b", "{\"key\": \"b\", \"n\": " + n + "}"));
        }
        producer.flush();

        await().atMost(Duration.ofSeconds(60)).until(() -> count("ordered-failures", "succeeded") == 5 && count("ordered-failures", "failed") == 1);
        // a: the failed first run released the key; its dead letter is there for a redrive.
        assertThat(stub.received("/target/a")).extracting(r -> JSON.readTree(r.body()).path("n").asInt()).containsExactly(0, 1, 2);
        assertThat(jdbc.sql("select count(*) from dead_letters where recipe = 'ordered-failures'").query(Integer.class).single()).isEqualTo(1);
        // b: events 1 and 2 waited while event 0 was retrying.
        assertThat(stub.received("/target/b")).extracting(r -> JSON.readTree(r.body()).path("n").asInt()).containsExactly(0, 0, 0, 1, 2);
    }

    /** The target: counts what is in flight per key and overall, answers after 0-20 ms. */
    private Reply answer(String key, int status) {
        int now = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        mostInFlight.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        mostAllInFlight.accumulateAndGet(allInFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 21));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.get(key).decrementAndGet();
            allInFlight.decrementAndGet();
        }
        return Reply.json(status, status == 200 ? "{\"ok\":true}" : "{\"error\":\"no\"}");
    }

    private void create(String yaml) {
        ApiClient.Response created = api.postYaml("/api/v1/recipes", yaml);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private long count(String slug, String status) {
        return jdbc.sql("select count(*) from runs where recipe = ? and status = ?").params(slug, status).query(Long.class).single();
    }
}
