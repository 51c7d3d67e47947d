package dev.braid.app.triggers.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/triggers} and the lag gauges against the real broker, the real replication slot, Quartz and
 * the poll tables: each figure is the one where it lives, and it moves when the trigger moves.
 */
class TriggerHealthIT extends BraidIntegrationTest {

    /** The board is read at most every 5 s per node, the refusal counts flushed every 5 s: well within this. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    DataSource dataSource;

    @Test
    void kafkaLagIsTheBrokersUntilTheRecipeHasCaughtUp() throws Exception {
        String topic = "health-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = TestKafka.producer()) {
            for (int i = 0; i < 500; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + (i % 7), "{\"n\": " + i + "}"));
            }
            producer.flush();
        }
        // A micro-batch commits nothing while its events wait (up to maxWait): the 500 stay lag until it is flushed.
        braid.saveRecipe("""
                slug: health-kafka
                name: Health of a Kafka feed
                trigger:
                  kafka: { topic: %s, startFrom: earliest, batch: { maxSize: 1000, maxWait: 30s } }
                steps:
                  - id: count
                    action: core.transform
                    with: { value: "{{ $count(trigger.events) }}" }
                """.formatted(topic));
        try {
            JsonNode lagging = await().atMost(WAIT).until(() -> braid.triggerHealth("health-kafka"),
                    h -> h.path("kafka").path("lag").asLong(-1) == 500 && h.path("kafka").path("assigned").asInt() > 0);
            assertThat(lagging.path("type").asString()).isEqualTo("kafka");
            assertThat(lagging.path("kafka").path("topic").asString()).isEqualTo(topic);
            assertThat(lagging.path("kafka").path("partitions").asInt()).isEqualTo(1);
            assertThat(lagging.path("kafka").path("readers").size()).isEqualTo(1);
            assertThat(lagging.path("detail").asString()).contains("500 messages behind");
            await().atMost(WAIT).until(() -> braid.gauge("braid_kafka_consumer_lag", "health-kafka"), v -> v != null && v == 500.0);

            JsonNode caughtUp = await().atMost(Duration.ofSeconds(90)).until(() -> braid.triggerHealth("health-kafka"),
                    h -> h.path("kafka").path("lag").asLong(-1) == 0);
            assertThat(caughtUp.path("state").asString()).isEqualTo("ok");
            await().atMost(WAIT).until(() -> braid.gauge("braid_kafka_consumer_lag", "health-kafka"), v -> v != null && v == 0.0);
            assertThat(sql.eventCount("health-kafka")).isEqualTo(500);
        } finally {
            disable("health-kafka");
        }
        // A disabled recipe leaves the board and its series leaves the scrape.
        await().atMost(WAIT).until(() -> braid.triggerHealth("health-kafka").isMissingNode()
                && braid.gauge("braid_kafka_consumer_lag", "health-kafka") == null);
    }

    @Test
    void aCdcRecipeIsStartingUntilItsSlotStreamsThenShowsItsLag() throws Exception {
        jdbc.sql("create schema if not exists health_it").update();
        jdbc.sql("drop table if exists health_it.orders").update();
        jdbc.sql("create table health_it.orders (id int primary key, item text not null)").update();
        ApiClient.Response saved = api.postJson("/api/v1/connections", Map.of("name", "health-cdc", "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres")));
        assertThat(saved.status()).as(saved.body()).isIn(200, 201);
        // A transaction open while the slot is created keeps it short of its consistent point: "starting" for certain.
        try (Connection open = dataSource.getConnection()) {
            open.setAutoCommit(false);
            try (Statement st = open.createStatement()) {
                st.execute("insert into health_it.orders values (0, 'held open')");
            }
            braid.saveRecipe("""
                    slug: health-cdc
                    name: Health of a CDC feed
                    trigger:
                      cdc: { connection: health-cdc, tables: [health_it.orders] }
                    steps:
                      - id: item
                        action: core.transform
                        with: { value: "{{ trigger.after.item }}" }
                    """);
            JsonNode starting = await().atMost(WAIT).until(() -> braid.triggerHealth("health-cdc"), h -> !h.isMissingNode());
            assertThat(starting.path("state").asString()).isEqualTo("starting");
            assertThat(starting.path("cdc").path("slot").asString()).isEqualTo("braid_health_cdc");
            assertThat(starting.path("cdc").path("streaming").asBoolean()).isFalse();
            open.commit();
        }
        try {
            JsonNode streaming = await().atMost(Duration.ofSeconds(90)).until(() -> braid.triggerHealth("health-cdc"),
                    h -> "ok".equals(h.path("state").asString()));
            assertThat(streaming.path("detail").asString()).startsWith("streaming");
            assertThat(streaming.path("cdc").path("active").asBoolean()).isTrue();
            assertThat(streaming.path("cdc").path("streaming").asBoolean()).isTrue();
            assertThat(streaming.path("cdc").path("lagBytes").isNumber()).isTrue();
            assertThat(streaming.path("cdc").path("retainedBytes").asLong()).isGreaterThanOrEqualTo(streaming.path("cdc").path("lagBytes").asLong());
            assertThat(sql.slotStreaming("braid_health_cdc")).isTrue();
            await().atMost(WAIT).until(() -> braid.gauge("braid_cdc_lag_bytes", "health-cdc"), v -> v != null && v >= 0);
        } finally {
            disable("health-cdc");
        }
    }

    @Test
    void aScheduleShowsItsNextFireAndAPollItsCursorAndItsLastFailure() {
        braid.saveRecipe("""
                slug: health-nightly
                name: Nightly at three, London time
                trigger:
                  schedule: { cron: "0 0 3 * * *", timezone: Europe/London }
                steps:
                  - id: noop
                    action: core.transform
                    with: { value: 1 }
                """);
        jdbc.sql("create schema if not exists health_poll").update();
        jdbc.sql("drop table if exists health_poll.orders").update();
        jdbc.sql("create table health_poll.orders (id integer primary key, item text not null)").update();
        jdbc.sql("insert into health_poll.orders select g, 'item ' || g from generate_series(1, 500) g").update();
        // The schema before the connection: a session whose search_path named a schema not there yet may never see it.
        String connection = """
                {"name": "health-db", "connector": "sql", "settings": {"url": "%s", "username": "postgres",
                 "password": "postgres", "schema": "health_poll"}}""".formatted(TestDatabase.jdbcUrl());
        assertThat(api.post("/api/v1/connections", "application/json", connection).status()).isIn(200, 201);
        braid.saveRecipe("""
                slug: health-poll
                name: Polled orders
                trigger:
                  poll:
                    connection: health-db
                    every: 1s
                    query: "select id, item from orders where id > :cursor order by id limit 1000"
                    cursor: id
                    initialCursor: 0
                steps:
                  - id: item
                    action: core.transform
                    with: { value: "{{ trigger.body.item }}" }
                """);
        braid.saveRecipe("""
                slug: health-poll-broken
                name: Polls a table that is not there
                trigger:
                  poll:
                    connection: health-db
                    every: 1s
                    query: "select id from no_such_table where id > :cursor order by id"
                    cursor: id
                    initialCursor: 0
                steps:
                  - id: item
                    action: core.transform
                    with: { value: 1 }
                """);
        try {
            JsonNode schedule = await().atMost(WAIT).until(() -> braid.triggerHealth("health-nightly"),
                    h -> h.path("schedule").has("nextFire"));
            Instant next = Instant.parse(schedule.path("schedule").path("nextFire").asString());
            ZonedDateTime london = next.atZone(ZoneId.of("Europe/London"));
            assertThat(london.getHour()).isEqualTo(3);
            assertThat(london.getMinute()).isZero();
            assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofHours(25)));
            assertThat(schedule.path("schedule").path("cron").asString()).isEqualTo("0 0 3 * * *");
            assertThat(schedule.path("schedule").path("timezone").asString()).isEqualTo("Europe/London");
            assertThat(schedule.path("schedule").path("missed").asInt()).isZero();
            assertThat(schedule.path("state").asString()).isEqualTo("ok");

            JsonNode poll = await().atMost(WAIT).until(() -> braid.triggerHealth("health-poll"),
                    h -> h.path("poll").path("cursor").asInt() == 500);
            assertThat(poll.path("state").asString()).isEqualTo("ok");
            Instant last = Instant.parse(poll.path("poll").path("lastPoll").asString());
            assertThat(Instant.parse(poll.path("poll").path("nextPoll").asString())).isEqualTo(last.plusSeconds(1));
            assertThat(poll.path("poll").path("every").asString()).isEqualTo("1s");
            assertThat(poll.path("poll").has("lastError")).isFalse();

            JsonNode broken = await().atMost(WAIT).until(() -> braid.triggerHealth("health-poll-broken"),
                    h -> "failing".equals(h.path("state").asString()));
            assertThat(broken.path("poll").path("lastError").asString()).contains("no_such_table");
            assertThat(broken.path("detail").asString()).startsWith("The last poll failed");
            assertThat(broken.path("since").asString()).isEqualTo(broken.path("poll").path("lastErrorAt").asString());

            // Fixed: the next poll that succeeds clears the failure.
            jdbc.sql("create table health_poll.no_such_table (id integer primary key)").update();
            await().atMost(WAIT).until(() -> braid.triggerHealth("health-poll-broken"), h -> "ok".equals(h.path("state").asString()));
        } finally {
            disable("health-nightly");
            disable("health-poll");
            disable("health-poll-broken");
        }
    }

    @Test
    void webhookRefusalsAreCountedByStatusAndAcceptedOnesAreNot() throws Exception {
        braid.saveSecret("HEALTH_HOOK_SECRET", "whsec-health");
        braid.saveRecipe("""
                slug: health-hook
                name: A signed, rate-limited webhook
                trigger:
                  webhook:
                    secret: "{{ secrets.HEALTH_HOOK_SECRET }}"
                    rateLimit: { requests: 3, per: 1m }
                steps:
                  - id: noop
                    action: core.transform
                    with: { value: 1 }
                """);
        try {
            byte[] body = "{\"order\": 1}".getBytes(StandardCharsets.UTF_8);
            long now = Instant.now().getEpochSecond();
            assertThat(post(body, "t=" + now + ",sha256=" + "0".repeat(64)).status()).isEqualTo(401);
            assertThat(post(body, sign("whsec-health", now, body)).status()).isEqualTo(202);
            byte[] tooLarge = new byte[1024 * 1024 + 10];
            java.util.Arrays.fill(tooLarge, (byte) ' ');
            assertThat(post(tooLarge, sign("whsec-health", now, tooLarge)).status()).isEqualTo(413);
            // Three a minute (one token every 20 s): the 401 and the 202 took one each (the 413 was answered before
            // the recipe was looked at), this takes the last, the next four are refused.
            assertThat(post(body, sign("whsec-health", now, body)).status()).isEqualTo(202);
            for (int i = 0; i < 4; i++) {
                assertThat(post(body, sign("whsec-health", now, body)).status()).isEqualTo(429);
            }

            JsonNode hook = await().atMost(WAIT).until(() -> braid.triggerHealth("health-hook"),
                    h -> h.path("webhook").path("refusals").path("429").asLong() == 4);
            assertThat(hook.path("webhook").path("refusals").path("401").asLong()).isEqualTo(1);
            assertThat(hook.path("webhook").path("refusals").path("413").asLong()).isEqualTo(1);
            assertThat(hook.path("type").asString()).isEqualTo("webhook");
            assertThat(hook.path("detail").asString()).isEqualTo("Refused in 24 h: 1×401, 4×429, 1×413");
            assertThat(sql.count("select coalesce(sum(refusals), 0) from webhook_refusals where recipe = 'health-hook'")).isEqualTo(6);
        } finally {
            disable("health-hook");
        }
    }

    private ApiClient.Response post(byte[] body, String signature) {
        return anonymous.post("/hooks/health-hook", Map.of("Content-Type", "application/json", "X-Braid-Signature", signature), body);
    }

    /** The signature a sender computes (README "Signed webhooks"). */
    private static String sign(String secret, long t, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        return "t=" + t + ",sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private void disable(String slug) {
        assertThat(api.post("/api/v1/recipes/" + slug + "/disable", "application/json", "").status()).isEqualTo(200);
    }
}
