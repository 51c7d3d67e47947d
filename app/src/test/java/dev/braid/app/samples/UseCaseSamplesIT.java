package dev.braid.app.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import dev.braid.app.support.TestKafka;
import dev.braid.app.triggers.TriggerReconciler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The use-case samples end to end, as a newcomer meets them: loaded by {@link SampleRecipes} at start
 * (not edited), on the embedded defaults (the {@code embedded-db} connection to schema {@code demo},
 * Braid's own Kafka), fed with production-sized input, and judged by what they leave in the tables.
 */
class UseCaseSamplesIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(UseCaseSamplesIT.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofMinutes(3);

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SampleRecipes samples;
    @Autowired
    TriggerReconciler reconciler;

    ApiClient api;
    KafkaProducer<String, String> producer;

    @BeforeEach
    void embeddedDefaults() {
        api = ApiClient.admin(port, ADMIN_PASSWORD);
        // The shared test context runs on the test database, not the embedded default: write embedded-db
        // as the embedded mode does (EmbeddedDbConnection), then let the loader create the samples.
        jdbc.sql("create schema if not exists demo").update();
        if (api.get("/api/v1/connections/embedded-db").status() == 404) {
            ApiClient.Response created = api.postJson("/api/v1/connections", Map.of("name", "embedded-db", "connector", "sql",
                    "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres",
                            "schema", "demo")));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        samples.load();
        reconciler.reconcileNow();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers(), "linger.ms", 5),
                new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void closeProducer() {
        producer.close();
    }

    // --- (a) fraud screening ------------------------------------------------------------------------

    record Payment(String id, String card, double amount, String cardCountry, String ipCountry, Instant at) {
        String json() {
            return """
                    {"paymentId": "%s", "card": "%s", "amount": %s, "currency": "EUR", "cardCountry": "%s",
                     "ipCountry": "%s", "merchant": "shop-%s", "at": "%s"}""".formatted(id, card, amount, cardCountry, ipCountry,
                    card.substring(card.length() - 2), at);
        }

        /** The sample's rules, written again here so that the test does not trust the recipe's JSONata. */
        int score(int recent) {
            int points = 0;
            points += amount >= 5000 ? 60 : amount >= 1000 ? 25 : 0;
            points += cardCountry.equals(ipCountry) ? 0 : 35;
            points += recent >= 3 ? 40 : 0;
            return points;
        }
    }

    @Test
    void fraudScreeningScoresEveryPaymentOnceAndAlertsTheSuspiciousOnes() throws Exception {
        String prefix = "p" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Random random = new Random(42);
        Instant base = Instant.parse("2026-11-28T08:00:00Z");
        String[] countries = {"DE", "FR", "NL", "ES", "IT"};
        List<Payment> traffic = new ArrayList<>();
        // 300 payments of 60 cards, a minute apart: a card pays once an hour, so no velocity here.
        for (int i = 0; i < 300; i++) {
            String card = prefix + "card-" + (i % 60);
            double amount = switch (random.nextInt(20)) {
                case 0 -> 5000 + random.nextInt(5000);
                case 1, 2 -> 1000 + random.nextInt(4000);
                default -> 5 + random.nextInt(900);
            };
            String country = countries[i % 60 % countries.length];
            String ip = random.nextInt(8) == 0 ? "NG" : country;
            traffic.add(new Payment(prefix + i, card, amount, country, ip, base.plusSeconds(60L * i)));
        }
        for (Payment p : traffic) {
            producer.send(new ProducerRecord<>("payments", p.card(), p.json()));
        }
        producer.flush();
        await().atMost(WAIT).until(() -> {
            noFailedRuns("fraud-screening");
            return finished("fraud-screening", prefix) == traffic.size();
        });

        // A burst on one card, two minutes apart, each one screened before the next arrives: the 4th and 5th
        // have 3 and 4 payments in the 10 minutes before them.
        List<Payment> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Payment p = new Payment(prefix + "burst-" + i, prefix + "card-burst", 1200, "DE", "DE",
                    Instant.parse("2026-11-28T20:00:00Z").plusSeconds(120L * i));
            burst.add(p);
            producer.send(new ProducerRecord<>("payments", p.card(), p.json()));
            producer.flush();
            int expected = traffic.size() + i + 1;
            await().atMost(WAIT).until(() -> finished("fraud-screening", prefix) == expected);
        }

        Map<String, Integer> expectedScores = new HashMap<>();
        traffic.forEach(p -> expectedScores.put(p.id(), p.score(0)));
        for (int i = 0; i < burst.size(); i++) {
            expectedScores.put(burst.get(i).id(), burst.get(i).score(i));
        }
        Set<String> expectedAlerts = expectedScores.entrySet().stream().filter(e -> e.getValue() >= 50)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(expectedAlerts).as("the generated traffic has alerts and clean payments").hasSizeBetween(20, 150)
                .contains(prefix + "burst-3", prefix + "burst-4").doesNotContain(prefix + "burst-2");

        assertThat(jdbc.sql("select count(*) from runs where recipe = 'fraud-screening' and trigger -> 'body' ->> 'paymentId' like ? and status <> 'succeeded'")
                .param(prefix + "%").query(Long.class).single()).isZero();
        Map<String, Integer> scores = new HashMap<>();
        jdbc.sql("select payment_id, score from demo.payment_screenings where payment_id like ?").param(prefix + "%")
                .query((rs, n) -> scores.put(rs.getString(1), rs.getInt(2))).list();
        assertThat(scores).isEqualTo(expectedScores);
        assertThat(jdbc.sql("select rules::text from demo.payment_screenings where payment_id = ?").param(prefix + "burst-4")
                .query(String.class).single()).isEqualTo("[\"large-amount\", \"velocity\"]");
        // Every suspicious payment has exactly one alert, raised through fraud-alert (origin call).
        await().atMost(WAIT).until(() -> alerts(prefix).size() == expectedAlerts.size());
        assertThat(alerts(prefix)).isEqualTo(expectedAlerts);
        assertThat(jdbc.sql("select count(*) from runs where recipe = 'fraud-alert' and origin = 'call' and status = 'succeeded' and trigger -> 'body' ->> 'paymentId' like ?")
                .param(prefix + "%").query(Long.class).single()).isEqualTo((long) expectedAlerts.size());
        assertThat(published("fraud-alerts", prefix, expectedAlerts.size())).isEqualTo(expectedAlerts);

        // The producer sends 40 payments again (a retry after a lost acknowledgement): nothing is screened twice.
        long runsBefore = jdbc.sql("select count(*) from runs where recipe in ('fraud-screening', 'fraud-alert')").query(Long.class).single();
        for (Payment p : traffic.subList(0, 40)) {
            producer.send(new ProducerRecord<>("payments", p.card(), p.json()));
        }
        producer.flush();
        awaitConsumed("braid.fraud-screening", "payments");
        assertThat(jdbc.sql("select count(*) from runs where recipe in ('fraud-screening', 'fraud-alert')").query(Long.class).single())
                .isEqualTo(runsBefore);
        assertThat(jdbc.sql("select count(*) from demo.payment_screenings where payment_id like ?").param(prefix + "%")
                .query(Long.class).single()).isEqualTo((long) expectedScores.size());
        assertThat(alerts(prefix)).hasSize(expectedAlerts.size());
        log.info("Fraud screening: {} payments screened, {} alerts, 40 re-sent payments started nothing", expectedScores.size(),
                expectedAlerts.size());
    }

    private Set<String> alerts(String prefix) {
        return new HashSet<>(jdbc.sql("select payment_id from demo.fraud_alerts where payment_id like ?").param(prefix + "%")
                .query(String.class).list());
    }

    /** The payment ids of the alerts on {@code topic} that belong to this test, once {@code expected} arrived. */
    private Set<String> published(String topic, String prefix, int expected) {
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    String id = JSON.readTree(r.value()).path("paymentId").asString();
                    if (id.startsWith(prefix)) {
                        ids.add(id);
                    }
                }
                return ids.size() >= expected;
            });
        }
        return ids;
    }

    // --- (b) inventory sync ---------------------------------------------------------------------------

    @Test
    void inventorySyncReservesAndReleasesAtTheWarehouseOncePerChange() {
        // The README's three steps: the warehouse connection (here the stub on this server), the table, enable.
        jdbc.sql("drop table if exists demo.warehouse_reservations").update();
        jdbc.sql("drop table if exists demo.shop_orders").update();
        ApiClient.Response connection = api.postJson("/api/v1/connections", Map.of("name", "warehouse", "connector", "http",
                "settings", Map.of("baseUrl", "http://127.0.0.1:" + port + "/hooks")));
        assertThat(connection.status()).as(connection.body()).isIn(201, 409);
        jdbc.sql("""
                create table demo.shop_orders (id bigint primary key, customer text not null, sku text not null,
                                               qty integer not null, status text not null default 'placed')""").update();
        jdbc.sql("alter table demo.shop_orders replica identity full").update();
        assertThat(api.get("/api/v1/recipes/inventory-sync").json().path("enabled").asBoolean()).as("loaded disabled").isFalse();
        assertThat(api.post("/api/v1/recipes/inventory-sync/enable", "application/json", "").status()).isEqualTo(200);
        try {
            reconciler.reconcileNow();
            await().atMost(WAIT).until(() -> sql.slotStreaming("braid_embedded_db"));

            // 200 orders in 10 transactions, then 20 cancelled, 10 with a changed quantity (no call) and one
            // cancelled order touched again (already cancelled: no second release).
            for (int t = 0; t < 10; t++) {
                jdbc.sql("""
                        insert into demo.shop_orders (id, customer, sku, qty)
                        select g, 'customer-' || (g % 37), 'SKU-' || (g % 13), 1 + g % 7 from generate_series(?, ?) g""")
                        .params(t * 20 + 1, t * 20 + 20).update();
            }
            jdbc.sql("update demo.shop_orders set status = 'cancelled' where id % 10 = 0").update();
            jdbc.sql("update demo.shop_orders set qty = qty + 1 where id % 10 = 5").update();
            jdbc.sql("update demo.shop_orders set customer = 'renamed' where id = 10").update();
            int changes = 200 + 20 + 20 + 1;   // inserts, cancellations, quantity changes (5, 15, ..., 195), the rename

            await().atMost(WAIT).until(() -> {
                noFailedRuns("inventory-sync");
                return jdbc.sql("select count(*) from runs where recipe = 'inventory-sync' and finished_at is not null")
                        .query(Integer.class).single() == changes;
            });
            assertThat(jdbc.sql("select count(*) from runs where recipe = 'inventory-sync' and status = 'succeeded'")
                    .query(Integer.class).single()).isEqualTo(changes);

            Map<String, Object> booked = jdbc.sql("""
                    select count(*) filter (where action = 'reserve') as reserves,
                           count(distinct order_id) filter (where action = 'reserve') as reserved_orders,
                           count(*) filter (where action = 'release') as releases,
                           count(distinct order_id) filter (where action = 'release') as released_orders,
                           sum(qty) filter (where action = 'reserve') as reserved_qty
                      from demo.warehouse_reservations""").query().singleRow();
            assertThat(booked.get("reserves")).isEqualTo(200L);
            assertThat(booked.get("reserved_orders")).isEqualTo(200L);
            assertThat(booked.get("releases")).isEqualTo(20L);
            assertThat(booked.get("released_orders")).isEqualTo(20L);
            assertThat(((Number) booked.get("reserved_qty")).longValue()).isEqualTo(
                    jdbc.sql("select sum(1 + g % 7) from generate_series(1, 200) g").query(Long.class).single());
            assertThat(jdbc.sql("select count(*) from demo.warehouse_reservations where action = 'release' and order_id % 10 <> 0")
                    .query(Integer.class).single()).isZero();
            // Each booking carries the calling step's Idempotency-Key: <run id>/<step path>.
            assertThat(jdbc.sql("""
                    select count(*) from demo.warehouse_reservations w
                      join runs r on r.recipe = 'inventory-sync'
                                 and w.idempotency_key = r.id || '/' || case w.action when 'reserve' then 'placed.reserve' else 'cancelled.release' end""")
                    .query(Integer.class).single()).isEqualTo(220);

            // The warehouse receives one of those calls again (its answer was lost, the caller retries):
            // the same reservation comes back and nothing is booked twice.
            Map<String, Object> first = jdbc.sql("select idempotency_key, order_id, sku, qty from demo.warehouse_reservations where action = 'reserve' limit 1")
                    .query().singleRow();
            int stubRuns = jdbc.sql("select count(*) from runs where recipe = 'warehouse-stub'").query(Integer.class).single();
            assertThat(stubRuns).isEqualTo(220);
            ApiClient.Response again = ApiClient.anonymous(port).post("/hooks/warehouse-stub",
                    Map.of("Content-Type", "application/json", "Idempotency-Key", (String) first.get("idempotency_key")),
                    ("{\"action\": \"reserve\", \"orderId\": %s, \"sku\": \"%s\", \"qty\": %s}"
                            .formatted(first.get("order_id"), first.get("sku"), first.get("qty"))).getBytes());
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json().path("output").path("reservation").asString()).isEqualTo(first.get("idempotency_key"));
            assertThat(jdbc.sql("select count(*) from runs where recipe = 'warehouse-stub'").query(Integer.class).single()).isEqualTo(stubRuns);
            assertThat(jdbc.sql("select count(*) from demo.warehouse_reservations").query(Integer.class).single()).isEqualTo(220);
        } finally {
            assertThat(api.post("/api/v1/recipes/inventory-sync/disable", "application/json", "").status()).isEqualTo(200);
            reconciler.reconcileNow();
        }
        await().atMost(WAIT).until(() -> jdbc.sql("select count(*) from pg_replication_slots where slot_name = 'braid_embedded_db'")
                .query(Integer.class).single() == 0);
    }

    // --- (c) CDC to the reporting warehouse in micro-batches ---------------------------------------------

    static final int ORDER_CHANGES = 1000;

    @Test
    void ordersToWarehouseKeepsTheReportingTableEqualToTheSourceInBatchRuns() {
        // The README's two steps: the table (the one inventory-sync follows too), enable.
        jdbc.sql("drop table if exists demo.orders_reporting").update();
        jdbc.sql("drop table if exists demo.shop_orders").update();
        jdbc.sql("""
                create table demo.shop_orders (id bigint primary key, customer text not null, sku text not null,
                                               qty integer not null, status text not null default 'placed')""").update();
        jdbc.sql("alter table demo.shop_orders replica identity full").update();
        assertThat(api.get("/api/v1/recipes/orders-to-warehouse").json().path("enabled").asBoolean()).as("loaded disabled").isFalse();
        assertThat(api.post("/api/v1/recipes/orders-to-warehouse/enable", "application/json", "").status()).isEqualTo(200);
        try {
            reconciler.reconcileNow();
            await().atMost(WAIT).until(() -> sql.slotStreaming("braid_embedded_db"));

            // 1,000 changes in 5 transactions: 700 inserts, 200 status changes, 80 quantity changes, 20 deletes.
            jdbc.sql("""
                    insert into demo.shop_orders (id, customer, sku, qty)
                    select g, 'customer-' || (g % 37), 'SKU-' || (g % 13), 1 + g % 7 from generate_series(1, 400) g""").update();
            jdbc.sql("""
                    insert into demo.shop_orders (id, customer, sku, qty)
                    select g, 'customer-' || (g % 41), 'SKU-' || (g % 17), 1 + g % 9 from generate_series(401, 700) g""").update();
            assertThat(jdbc.sql("update demo.shop_orders set status = 'shipped' where id % 3 = 0 and id <= 600").update()).isEqualTo(200);
            assertThat(jdbc.sql("update demo.shop_orders set qty = qty + 10 where id % 5 = 1 and id <= 400").update()).isEqualTo(80);
            assertThat(jdbc.sql("delete from demo.shop_orders where id % 35 = 0").update()).isEqualTo(20);

            await().atMost(WAIT).ignoreException(BadSqlGrammarException.class).until(() -> {
                noFailedRuns("orders-to-warehouse");   // the first batch creates the table
                return differences() == 0 && jdbc.sql("select count(*) from runs where recipe = 'orders-to-warehouse' and finished_at is null")
                        .query(Integer.class).single() == 0;
            });
            assertThat(jdbc.sql("select count(*) from demo.orders_reporting").query(Integer.class).single()).isEqualTo(680);
            assertThat(jdbc.sql("select count(*) from demo.orders_reporting where id % 35 = 0").query(Integer.class).single()).isZero();

            Map<String, Object> batches = jdbc.sql("""
                    select count(*) as runs, count(*) filter (where status = 'succeeded') as succeeded,
                           count(*) filter (where (trigger ->> 'batch')::boolean) as batch_runs,
                           max(jsonb_array_length(trigger -> 'events')) as largest, sum(jsonb_array_length(trigger -> 'events')) as events
                      from runs where recipe = 'orders-to-warehouse'""").query().singleRow();
            assertThat(batches.get("succeeded")).isEqualTo(batches.get("runs"));
            assertThat(batches.get("batch_runs")).isEqualTo(batches.get("runs"));
            assertThat(((Number) batches.get("events")).intValue()).isEqualTo(ORDER_CHANGES);
            assertThat(((Number) batches.get("largest")).intValue()).isLessThanOrEqualTo(500);
            assertThat((Long) batches.get("runs")).isBetween((long) Math.ceilDiv(ORDER_CHANGES, 500), (long) ORDER_CHANGES - 1);
            log.info("Orders to warehouse: {} changes in {} batch runs (largest {}), reporting table equal to the source",
                    ORDER_CHANGES, batches.get("runs"), batches.get("largest"));
        } finally {
            assertThat(api.post("/api/v1/recipes/orders-to-warehouse/disable", "application/json", "").status()).isEqualTo(200);
            reconciler.reconcileNow();
        }
        await().atMost(WAIT).until(() -> jdbc.sql("select count(*) from pg_replication_slots where slot_name = 'braid_embedded_db'")
                .query(Integer.class).single() == 0);
    }

    /** Rows in one of demo.shop_orders and demo.orders_reporting but not the other (all columns compared). */
    private int differences() {
        return jdbc.sql("""
                select count(*) from (
                  (select id, customer, sku, qty, status from demo.shop_orders
                   except select id, customer, sku, qty, status from demo.orders_reporting)
                  union all
                  (select id, customer, sku, qty, status from demo.orders_reporting
                   except select id, customer, sku, qty, status from demo.shop_orders)) d""").query(Integer.class).single();
    }

    // --- (d) nightly ETL ------------------------------------------------------------------------------

    static final int DAY_ROWS = 100_000;

    @Test
    void nightlyEtlLoadsADayInPagesWithProgressAndReplacesItOnARerun() {
        jdbc.sql("drop table if exists demo.sales").update();
        jdbc.sql("drop table if exists demo.sales_history").update();
        // The first run on a fresh database creates the tables and loads nothing.
        JsonNode empty = awaitRun(start("nightly-etl", "{\"day\": \"2026-11-27\"}"));
        assertThat(empty.path("status").asString()).as(empty.toString()).isEqualTo("succeeded");
        assertThat(empty.path("output").path("loaded").asInt()).isZero();

        // The day to load, and the days around it that must stay out.
        jdbc.sql("""
                insert into demo.sales (id, sold_at, store, sku, qty, unit_price)
                select g, timestamptz '2026-11-27 00:00:00+00' + (g * interval '864 milliseconds'),
                       'store-' || (g % 25), 'SKU-' || (g % 400), 1 + g % 5, (100 + g % 900) / 10.0
                  from generate_series(0, ? - 1) g""").param(DAY_ROWS).update();
        jdbc.sql("""
                insert into demo.sales (id, sold_at, store, sku, qty, unit_price)
                select 1000000 + g, timestamptz '2026-11-26 00:00:00+00' + g * interval '57 seconds', 'store-1', 'SKU-1', 2, 9.99
                  from generate_series(0, 1499) g""").update();
        jdbc.sql("""
                insert into demo.sales (id, sold_at, store, sku, qty, unit_price)
                select 2000000 + g, timestamptz '2026-11-28 00:00:00+00' + g * interval '1 minute', 'store-2', 'SKU-2', 1, 5.00
                  from generate_series(0, 699) g""").update();

        String runId = start("nightly-etl", "{\"day\": \"2026-11-27\"}");
        List<Integer> progress = new ArrayList<>();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            jdbc.sql("select output::text from step_runs where run_id = ?::uuid and path = 'load'").param(runId)
                    .query(String.class).optional().map(text -> JSON.readTree(text).path("progress"))
                    .filter(p -> p.has("done")).ifPresent(p -> {
                        assertThat(p.path("total").asInt()).as("pages").isEqualTo(DAY_ROWS / 1000);
                        progress.add(p.path("done").asInt());
                    });
            return jdbc.sql("select finished_at is not null from runs where id = ?::uuid").param(runId).query(Boolean.class).single();
        });
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("status").asString()).as(run.path("error").toString()).isEqualTo("succeeded");
        assertThat(run.path("output").path("extracted").asInt()).isEqualTo(DAY_ROWS);
        assertThat(run.path("output").path("loaded").asInt()).isEqualTo(DAY_ROWS);
        assertThat(run.path("output").path("pages").asInt()).isEqualTo(DAY_ROWS / 1000);
        assertThat(progress).as("progress seen part-way, only growing").anyMatch(done -> done > 0 && done < DAY_ROWS / 1000).isSorted();
        assertThat(days()).containsExactly(Map.entry("2026-11-27", (long) DAY_ROWS));
        assertThat(jdbc.sql("select sum(revenue) from demo.sales_history").query(BigDecimal.class).single())
                .isEqualByComparingTo(jdbc.sql("select sum(round(qty * unit_price, 2)) from demo.sales where sold_at < '2026-11-28' and sold_at >= '2026-11-27'")
                        .query(BigDecimal.class).single());
        assertThat(jdbc.sql("select count(distinct sale_id) from demo.sales_history").query(Long.class).single()).isEqualTo((long) DAY_ROWS);

        // The schedule's own path: a backfilled fire time at 02:00 on the 27th loads the 26th.
        ApiClient.Response backfill = api.post("/api/v1/recipes/nightly-etl/backfill", "application/json",
                "{\"from\": \"2026-11-27T00:00:00Z\", \"to\": \"2026-11-27T03:00:00Z\"}");
        assertThat(backfill.status()).as(backfill.body()).isEqualTo(202);
        JsonNode night = awaitRun(backfill.json().path("runs").get(0).path("runId").asString());
        assertThat(night.path("status").asString()).as(night.toString()).isEqualTo("succeeded");
        assertThat(night.path("output").path("day").asString()).isEqualTo("2026-11-26");
        // ... and a re-run of that day replaces it instead of adding to it.
        JsonNode rerun = awaitRun(start("nightly-etl", "{\"day\": \"2026-11-26\"}"));
        assertThat(rerun.path("output").path("loaded").asInt()).isEqualTo(1500);
        assertThat(days()).containsExactly(Map.entry("2026-11-26", 1500L), Map.entry("2026-11-27", (long) DAY_ROWS));

        log.info("Nightly ETL: {} rows in {} pages; run created {}, finished {}; progress seen {} times: {}", DAY_ROWS,
                DAY_ROWS / 1000, run.path("createdAt").asString(), run.path("finishedAt").asString(), progress.size(), progress.size() > 10 ? progress.subList(0, 10) + "…" : progress);
    }

    private Map<String, Long> days() {
        Map<String, Long> days = new java.util.TreeMap<>();
        jdbc.sql("select sale_day::text, count(*) from demo.sales_history group by sale_day")
                .query((rs, n) -> days.put(rs.getString(1), rs.getLong(2))).list();
        return days;
    }

    // --- (e) IoT telemetry ----------------------------------------------------------------------------

    static final int DEVICES = 20;
    static final int READINGS_PER_DEVICE = 250;

    @Test
    void iotTelemetryAggregatesMicroBatchesPerDeviceAndCountsAReSentReadingOnce() throws Exception {
        jdbc.sql("drop table if exists demo.device_stats").update();
        jdbc.sql("drop table if exists demo.device_stats_batches").update();
        String prefix = "r" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Random random = new Random(7);
        Map<String, List<Double>> sent = new HashMap<>();
        List<String[]> records = new ArrayList<>();
        Instant base = Instant.parse("2026-11-28T12:00:00Z");
        for (int i = 0; i < READINGS_PER_DEVICE; i++) {
            for (int d = 0; d < DEVICES; d++) {
                String device = prefix + "thermo-" + d;
                double value = Math.round((15 + d + random.nextGaussian() * 3) * 10) / 10.0;
                sent.computeIfAbsent(device, k -> new ArrayList<>()).add(value);
                records.add(new String[] {device, """
                        {"readingId": "%s%d-%d", "device": "%s", "value": %s, "at": "%s"}"""
                        .formatted(prefix, d, i, device, value, base.plusSeconds(i * 10L + d))});
            }
        }
        for (String[] r : records) {
            producer.send(new ProducerRecord<>("sensor-readings", r[0], r[1]));
        }
        producer.flush();
        int total = records.size();
        await().atMost(WAIT).ignoreException(BadSqlGrammarException.class).until(() -> {
            noFailedRuns("iot-telemetry");   // the first batch creates the table
            return jdbc.sql("select coalesce(sum(readings), 0) from demo.device_stats where device like ?")
                    .param(prefix + "%").query(Long.class).single() == total;
        });

        Map<String, Object> batches = jdbc.sql("""
                select count(*) as runs, count(*) filter (where status = 'succeeded') as succeeded,
                       max(jsonb_array_length(trigger -> 'events')) as largest, sum(jsonb_array_length(trigger -> 'events')) as events
                  from runs where recipe = 'iot-telemetry' and trigger -> 'events' -> 0 -> 'body' ->> 'readingId' like ?""")
                .param(prefix + "%").query().singleRow();
        assertThat(batches.get("succeeded")).isEqualTo(batches.get("runs"));
        assertThat(((Number) batches.get("events")).longValue()).isEqualTo(total);
        assertThat(((Number) batches.get("largest")).intValue()).isLessThanOrEqualTo(500);
        assertThat((Long) batches.get("runs")).isGreaterThanOrEqualTo((long) Math.ceilDiv(total, 500));
        assertDeviceStats(prefix, sent);

        // The devices re-send 300 readings (same readingId): they are one event each, and no stat moves.
        long runsBefore = jdbc.sql("select count(*) from runs where recipe = 'iot-telemetry'").query(Long.class).single();
        for (String[] r : records.subList(0, 300)) {
            producer.send(new ProducerRecord<>("sensor-readings", r[0], r[1]));
        }
        producer.flush();
        awaitConsumed("braid.iot-telemetry", "sensor-readings");
        assertThat(jdbc.sql("select count(*) from runs where recipe = 'iot-telemetry'").query(Long.class).single()).isEqualTo(runsBefore);
        assertDeviceStats(prefix, sent);
        log.info("IoT telemetry: {} readings of {} devices in {} batch runs (largest {}); 300 re-sent readings started nothing",
                total, DEVICES, batches.get("runs"), batches.get("largest"));

        // A batch step sent again after its transaction committed (a crash before the checkpoint): the
        // sample's own statement, twice with the same step key, adds the batch once.
        String upsert = sampleStep("iot-telemetry.yaml", "upsert").path("with").path("sql").asString();
        String readings = """
                [{"device": "%1$sretry", "value": 1.5, "at": "2026-11-28T12:00:00Z"},
                 {"device": "%1$sretry", "value": 2.5, "at": "2026-11-28T12:00:10Z"}]""".formatted(prefix);
        for (int attempt = 0; attempt < 2; attempt++) {
            jdbc.sql(upsert).param("idempotencyKey", "run-" + prefix + "/upsert").param("readings", readings).update();
        }
        assertThat(jdbc.sql("select readings || ' ' || sum_value from demo.device_stats where device = ?").param(prefix + "retry")
                .query(String.class).single()).isEqualTo("2 4");
    }

    /** A step of a sample as it is shipped (the YAML file on the class path). */
    private static JsonNode sampleStep(String file, String id) throws java.io.IOException {
        try (java.io.InputStream in = UseCaseSamplesIT.class.getClassLoader().getResourceAsStream("samples/" + file)) {
            Object yaml = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions())).load(in);
            for (JsonNode step : JSON.valueToTree(yaml).path("steps").values()) {
                if (step.path("id").asString().equals(id)) {
                    return step;
                }
            }
        }
        throw new AssertionError("no step " + id + " in " + file);
    }

    private void assertDeviceStats(String prefix, Map<String, List<Double>> sent) {
        List<Map<String, Object>> rows = jdbc.sql("select device, readings, min_value, max_value, avg_value from demo.device_stats where device like ?")
                .param(prefix + "%").query().listOfRows();
        assertThat(rows).hasSize(sent.size());
        for (Map<String, Object> row : rows) {
            List<Double> values = sent.get((String) row.get("device"));
            assertThat(row.get("readings")).isEqualTo((long) values.size());
            assertThat((Double) row.get("min_value")).isEqualTo(values.stream().mapToDouble(v -> v).min().orElseThrow());
            assertThat((Double) row.get("max_value")).isEqualTo(values.stream().mapToDouble(v -> v).max().orElseThrow());
            assertThat((Double) row.get("avg_value")).isCloseTo(values.stream().mapToDouble(v -> v).average().orElseThrow(),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    // --- helpers --------------------------------------------------------------------------------------

    /** Fails at once, with the error, when a run of the recipe failed (rather than waiting for a count that never comes). */
    private void noFailedRuns(String recipe) {
        List<String> errors = jdbc.sql("select error::text from runs where recipe = ? and status = 'failed' limit 3").param(recipe)
                .query(String.class).list();
        assertThat(errors).as("failed runs of " + recipe).isEmpty();
    }

    private int finished(String recipe, String prefix) {
        return jdbc.sql("select count(*) from runs where recipe = ? and finished_at is not null and trigger -> 'body' ->> 'paymentId' like ?")
                .params(recipe, prefix + "%").query(Integer.class).single();
    }

    private String start(String slug, String body) {
        ApiClient.Response started = api.post("/api/v1/recipes/" + slug + "/runs", "application/json", body);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return started.json().path("runId").asString();
    }

    private JsonNode awaitRun(String runId) {
        await().atMost(WAIT).until(() -> jdbc.sql("select finished_at is not null from runs where id = ?::uuid").param(runId)
                .query(Boolean.class).single());
        return api.get("/api/v1/runs/" + runId).json();
    }

    /** Waits until the recipe's consumer group has committed every record of the topic's partition 0. */
    private void awaitConsumed(String group, String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
            await().atMost(WAIT).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(partition);
                return committed != null && committed.offset() >= end;
            });
        }
    }
}
