package dev.braid.app.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

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
import dev.braid.app.support.TestDatabase;
import dev.braid.app.support.TestKafka;

/**
 * Hybrid processing (ARCHITECTURE §11): ONE recipe — its steps map {@code trigger.events} into a target table
 * with an upsert — gives the same table, row for row, when it runs per event, in micro-batches
 * ({@code batch: {maxSize: 100}}) and as a replay of its stored events, over the same 2,000 Kafka events
 * sent with 200 duplicates and with the recipe's consumer stopped and started in the middle.
 */
class HybridEquivalenceIT extends BraidIntegrationTest {

    private static final int EVENTS = 2_000;
    private static final int DUPLICATES = 200;
    private static final int ORDERS = 400;

    /** The one recipe; only slug, topic and {@code batch} differ between the modes. */
    private static final String RECIPE = """
            slug: %s
            name: Order totals (hybrid)
            trigger:
              kafka: { topic: %s, startFrom: earliest, idempotencyKey: "trigger.body.eventId"%s }
            steps:
              - id: upsert
                action: sql.execute
                connection: hybrid-db
                with:
                  sql: >-
                    insert into hybrid_it.order_totals (order_id, customer, amount, version)
                    select distinct on ((e ->> 'orderId')::int) (e ->> 'orderId')::int, e ->> 'customer',
                           (e ->> 'amount')::numeric, (e ->> 'version')::int
                      from jsonb_array_elements(:rows::jsonb) e
                     order by (e ->> 'orderId')::int, (e ->> 'version')::int desc
                    on conflict (order_id) do update
                       set customer = excluded.customer, amount = excluded.amount, version = excluded.version
                     where order_totals.version < excluded.version
                  params: { rows: "{{ [trigger.events.body] }}" }
            """;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient api;
    KafkaProducer<String, String> producer;

    @BeforeEach
    void setUp() {
        api = ApiClient.admin(port, ADMIN_PASSWORD);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers(), "linger.ms", 5),
                new StringSerializer(), new StringSerializer());
        jdbc.sql("create schema if not exists hybrid_it").update();
        jdbc.sql("drop table if exists hybrid_it.order_totals").update();
        jdbc.sql("create table hybrid_it.order_totals (order_id int primary key, customer text not null, amount numeric not null, version int not null)")
                .update();
        ApiClient.Response saved = api.postJson("/api/v1/connections", Map.of("name", "hybrid-db", "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres")));
        assertThat(saved.status()).as(saved.body()).isIn(200, 201, 409);
    }

    @AfterEach
    void tearDown() {
        producer.close();
    }

    @Test
    void perEventBatchAndReplayWriteTheSameTable() {
        Instant before = Instant.now().minusSeconds(1);
        long perEventRuns = run("hybrid-each", "");
        List<String> perEvent = table();

        jdbc.sql("truncate hybrid_it.order_totals").update();
        long batchRuns = run("hybrid-batch", ", batch: { maxSize: 100, maxWait: 1s }");
        List<String> batched = table();
        assertThat(jdbc.sql("select max(jsonb_array_length(trigger -> 'events')) from runs where recipe = 'hybrid-batch'")
                .query(Integer.class).single()).isBetween(2, 100);

        jdbc.sql("truncate hybrid_it.order_totals").update();
        ApiClient.Response replayed = api.postJson("/api/v1/recipes/hybrid-each/replay",
                Map.of("from", before.toString(), "to", Instant.now().plusSeconds(1).toString()));
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        assertThat(replayed.json().path("replayed").asInt()).isEqualTo(EVENTS);
        await().atMost(Duration.ofSeconds(180)).until(() -> runs("hybrid-each", "replay", "succeeded") == EVENTS);
        List<String> replay = table();

        List<String> expected = expected();
        assertThat(perEvent).hasSize(ORDERS).containsExactlyElementsOf(expected);
        assertThat(batched).containsExactlyElementsOf(perEvent);
        assertThat(replay).containsExactlyElementsOf(perEvent);
        System.out.printf("Hybrid: %d events + %d duplicates -> per event %d runs, batch %d runs, replay %d runs; %d rows equal in all three%n",
                EVENTS, DUPLICATES, perEventRuns, batchRuns, EVENTS, expected.size());
    }

    /**
     * Sends the events (half, then a stop and start of the recipe's consumer, then the rest) to a new topic
     * read by the recipe with {@code batch}; waits until every event is stored once and every run succeeded.
     */
    private long run(String slug, String batch) {
        String topic = "hybrid-" + UUID.randomUUID();
        create(RECIPE.formatted(slug, topic, batch));
        List<String> records = records();
        int half = records.size() / 2;
        send(topic, records.subList(0, half));
        await().atMost(Duration.ofSeconds(120)).until(() -> events(slug) >= half / 4);
        // The restart: the consumer stops (what it ingested is committed) and a new one continues from the offsets.
        assertThat(api.post("/api/v1/recipes/" + slug + "/disable", "application/json", "").status()).isEqualTo(200);
        assertThat(api.post("/api/v1/recipes/" + slug + "/enable", "application/json", "").status()).isEqualTo(200);
        send(topic, records.subList(half, records.size()));
        await().atMost(Duration.ofSeconds(180)).until(() -> events(slug) == EVENTS
                && runs(slug, "trigger", null) == runs(slug, "trigger", "succeeded"));
        assertThat(api.post("/api/v1/recipes/" + slug + "/disable", "application/json", "").status()).isEqualTo(200);
        return runs(slug, "trigger", "succeeded");
    }

    /** 2,000 events, each an order's new version, and 200 of them sent again (some across the restart). */
    private static List<String> records() {
        List<String> out = new ArrayList<>();
        for (int e = 1; e <= EVENTS; e++) {
            out.add(event(e));
            if (e % 10 == 0) {
                out.add(event(e % 20 == 0 ? e : Math.max(1, e - 1_100 + 1))); // again at once, or one from before the restart
            }
        }
        return out;
    }

    private static String event(int e) {
        return "{\"eventId\": %d, \"orderId\": %d, \"version\": %d, \"customer\": \"c%d\", \"amount\": \"%s\"}"
                .formatted(e, e % ORDERS, e, e % 37, new BigDecimal(e).multiply(new BigDecimal("1.25")).toPlainString());
    }

    /** What the table must hold: per order its highest version. */
    private static List<String> expected() {
        Map<Integer, Integer> latest = new TreeMap<>();
        for (int e = 1; e <= EVENTS; e++) {
            latest.merge(e % ORDERS, e, Math::max);
        }
        List<String> rows = new ArrayList<>();
        latest.forEach((order, e) -> rows.add(order + "|c" + (e % 37) + "|"
                + new BigDecimal(e).multiply(new BigDecimal("1.25")).stripTrailingZeros().toPlainString() + "|" + e));
        return rows;
    }

    private List<String> table() {
        return jdbc.sql("select order_id, customer, amount, version from hybrid_it.order_totals order by order_id")
                .query((rs, n) -> rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3).stripTrailingZeros().toPlainString()
                        + "|" + rs.getInt(4))
                .list();
    }

    private void send(String topic, List<String> records) {
        for (String r : records) {
            producer.send(new ProducerRecord<>(topic, null, r));
        }
        producer.flush();
    }

    private void create(String yaml) {
        ApiClient.Response created = api.postYaml("/api/v1/recipes", yaml);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private long events(String slug) {
        return jdbc.sql("select count(*) from trigger_events where recipe = ?").param(slug).query(Long.class).single();
    }

    private long runs(String slug, String origin, String status) {
        return jdbc.sql("select count(*) from runs where recipe = ? and origin = ? and (?::text is null or status = ?)")
                .params(slug, origin, status, status).query(Long.class).single();
    }
}
