package dev.braid.app.triggers.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import dev.braid.app.support.StubServer.Reply;
import dev.braid.app.support.TestDatabase;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerReconciler;

/**
 * Poll triggers over a table in the {@code embedded-db} connection's schema {@code demo} (ARCHITECTURE §2
 * {@code poll:}): exactly the new rows, once each, across a restart; batch mode.
 */
class PollTriggerIT extends BraidIntegrationTest {

    @Autowired
    TriggerReconciler reconciler;
    @Autowired
    PollRuntime runtime;
    @Autowired
    PollCycle cycle;
    @Autowired
    RecipeCatalog catalog;
    @Autowired
    DataSource dataSource;

    @BeforeEach
    void setUp() {
        // The shared test context has its own database, not the embedded default: point embedded-db at it
        // as the embedded mode does.
        String connection = """
                {"name": "embedded-db", "connector": "sql", "settings": {"url": "%s", "username": "postgres",
                 "password": "postgres", "schema": "demo"}}""".formatted(TestDatabase.jdbcUrl());
        if (api.get("/api/v1/connections/embedded-db").status() == 404) {
            ApiClient.Response created = api.post("/api/v1/connections", "application/json", connection);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        jdbc.sql("create schema if not exists demo").update();
    }

    @Test
    void picksUpExactlyTheNewRowsOnceEachAcrossARestart() {
        jdbc.sql("create table demo.orders_poll (id integer primary key, item text not null)").update();
        jdbc.sql("insert into demo.orders_poll values (1, 'apple'), (2, 'pear'), (3, 'plum')").update();
        braid.saveRecipe("""
                slug: order-poll
                name: New orders
                trigger:
                  poll:
                    connection: embedded-db
                    every: 1s
                    query: "select id, item from orders_poll where id > :cursor order by id limit 100"
                    cursor: id
                    initialCursor: 0
                steps:
                  - id: item
                    action: core.transform
                    with: { value: "{{ trigger.body.item }}" }
                """);
        reconciler.reconcileNow();
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.runCount("order-poll", "succeeded") == 3);

        // The poller stops (disabled everywhere), rows arrive meanwhile, and it starts again.
        assertThat(api.post("/api/v1/recipes/order-poll/disable", "application/json", "").status()).isEqualTo(200);
        reconciler.reconcileNow();
        jdbc.sql("insert into demo.orders_poll values (4, 'fig'), (5, 'kiwi')").update();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> sql.eventCount("order-poll") == 3);
        runtime.stopAll();
        assertThat(api.post("/api/v1/recipes/order-poll/enable", "application/json", "").status()).isEqualTo(200);
        reconciler.reconcileNow();
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.runCount("order-poll", "succeeded") == 5);
        // A few more polls find nothing new.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> sql.eventCount("order-poll") == 5);

        List<Map<String, Object>> rows = jdbc.sql("""
                select e.idempotency_key, (select count(*) from runs x where x.event_id = e.id) as runs
                  from trigger_events e
                 where e.recipe = 'order-poll' order by (e.payload -> 'cursor')::int""").query().listOfRows();
        assertThat(rows).extracting(r -> r.get("idempotency_key"))
                .containsExactly("cursor:1", "cursor:2", "cursor:3", "cursor:4", "cursor:5");
        assertThat(rows).allMatch(r -> (Long) r.get("runs") == 1L);
        assertThat(jdbc.sql("select r.output ->> 'value' from runs r where r.recipe = 'order-poll' order by (r.trigger -> 'cursor')::int")
                .query(String.class).list()).containsExactly("apple", "pear", "plum", "fig", "kiwi");
        assertThat(jdbc.sql("select cursor::text from poll_cursors where recipe = 'order-poll'").query(String.class).single())
                .isEqualTo("5");
    }

    @Test
    void batchModeStartsOneRunPerPollWithAllNewRows() {
        jdbc.sql("create table demo.orders_batch (id integer primary key, amount integer not null)").update();
        jdbc.sql("insert into demo.orders_batch values (1, 10), (2, 20), (3, 30), (4, 40)").update();
        braid.saveRecipe("""
                slug: order-batch
                name: New orders in bulk
                trigger:
                  poll:
                    connection: embedded-db
                    every: 1s
                    query: "select id, amount from orders_batch where id > :cursor order by id"
                    cursor: id
                    initialCursor: 0
                    batch: { maxSize: 100 }
                steps:
                  - id: total
                    action: core.transform
                    with: { value: "{{ {'rows': $count(trigger.events), 'sum': $sum(trigger.events.body.amount)} }}" }
                """);
        reconciler.reconcileNow();
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.runCount("order-batch", "succeeded") == 1);
        jdbc.sql("insert into demo.orders_batch values (5, 50), (6, 60), (7, 70)").update();
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.runCount("order-batch", "succeeded") == 2);

        List<String> outputs = jdbc.sql("select output ->> 'value' from runs where recipe = 'order-batch' order by id")
                .query(String.class).list();
        assertThat(outputs).containsExactly("{\"sum\": 100, \"rows\": 4}", "{\"sum\": 180, \"rows\": 3}");
        // Each row is its own event, owned by its batch's run.
        assertThat(sql.eventCount("order-batch")).isEqualTo(7);
        assertThat(jdbc.sql("""
                select count(distinct first_run_id) from trigger_events
                 where recipe = 'order-batch' and first_run_id in (select id from runs where recipe = 'order-batch')""")
                .query(Long.class).single()).isEqualTo(2);
        api.post("/api/v1/recipes/order-batch/disable", "application/json", "");
    }

    @Test
    void anActionWithWithPollsTooWithTheCursorRenderedIntoItsInput() {
        try (StubServer stub = new StubServer()) {
            stub.reply("/feed", n -> Reply.json(200, switch (n) {
                case 1 -> "{\"items\": [{\"seq\": 1, \"name\": \"a\"}, {\"seq\": 2, \"name\": \"b\"}]}";
                case 2 -> "{\"items\": [{\"seq\": 3, \"name\": \"c\"}]}";
                default -> "{\"items\": []}";
            }));
            braid.saveRecipe("""
                    slug: feed-poll
                    name: Feed
                    trigger:
                      poll:
                        every: 1s
                        action: http.request
                        with: { method: POST, url: "%s", body: { since: "{{ cursor }}" } }
                        cursor: seq
                        initialCursor: 0
                    steps:
                      - id: name
                        action: core.transform
                        with: { value: "{{ trigger.body.name }}" }
                    """.formatted(stub.url("/feed")));
            reconciler.reconcileNow();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> sql.runCount("feed-poll", "succeeded") == 3 && stub.received("/feed").size() >= 3);
            api.post("/api/v1/recipes/feed-poll/disable", "application/json", "");
            reconciler.reconcileNow();
            assertThat(stub.received("/feed").stream().limit(3).map(StubServer.Received::body).toList())
                    .containsExactly("{\"since\":0}", "{\"since\":2}", "{\"since\":3}");
            assertThat(jdbc.sql("select output ->> 'value' from runs where recipe = 'feed-poll' order by (trigger -> 'cursor')::int")
                    .query(String.class).list()).containsExactly("a", "b", "c");
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aPollsWithRendersSecretsOfTheStoreAndAMissingOneFailsThePollNamingIt(CapturedOutput output) {
        String token = "feed-token-5a9c27e1-must-not-leak";
        try (StubServer stub = new StubServer()) {
            stub.reply("/secured-feed", n -> Reply.json(200, n == 1 ? "{\"items\": [{\"seq\": 1}]}" : "{\"items\": []}"));
            braid.saveRecipe("""
                    slug: secured-feed-poll
                    name: Secured feed
                    trigger:
                      poll:
                        every: 1s
                        action: http.request
                        with: { method: POST, url: "%s", body: { since: "{{ cursor }}", token: "{{ secrets.FEED_TOKEN }}" } }
                        cursor: seq
                        initialCursor: 0
                    steps:
                      - { id: seq, action: core.transform, with: { value: "{{ trigger.body.seq }}" } }
                    """.formatted(stub.url("/secured-feed")));
            reconciler.reconcileNow();
            // Before the secret exists the poll fails, and the log says which secret is missing.
            await().atMost(Duration.ofSeconds(30)).until(() -> output.getAll().contains("FEED_TOKEN"));
            assertThat(output.getAll()).contains("secured-feed-poll").contains("does not exist");
            assertThat(stub.received("/secured-feed")).isEmpty();

            assertThat(api.postJson("/api/v1/secrets", Map.of("name", "FEED_TOKEN", "value", token)).status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> sql.runCount("secured-feed-poll", "succeeded") == 1);
            api.post("/api/v1/recipes/secured-feed-poll/disable", "application/json", "");
            reconciler.reconcileNow();
            assertThat(stub.received("/secured-feed").getFirst().body()).isEqualTo("{\"since\":0,\"token\":\"" + token + "\"}");
            assertThat(output.getAll()).doesNotContain(token);
        }
    }

    @Test
    void aRecipeIsPolledByOneNodeAtATime() throws Exception {
        jdbc.sql("create table demo.orders_locked (id integer primary key)").update();
        jdbc.sql("insert into demo.orders_locked values (1), (2)").update();
        braid.saveRecipe("""
                slug: locked-poll
                name: Locked
                enabled: false
                trigger:
                  poll: { connection: embedded-db, every: 1h, query: "select id from orders_locked where id > :cursor order by id", cursor: id, initialCursor: 0 }
                steps:
                  - { id: a, action: core.transform, with: { value: "{{ trigger.body.id }}" } }
                """);
        RecipeCatalog.Current recipe = catalog.current("locked-poll").orElseThrow();
        // Another node polling this recipe holds its lock.
        try (Connection other = dataSource.getConnection(); Statement st = other.createStatement()) {
            st.execute("select pg_advisory_lock(" + PollCycle.LOCK_CLASS + ", hashtext('locked-poll'))");
            assertThat(cycle.poll(recipe, null).skipped()).isTrue();
            assertThat(sql.eventCount("locked-poll")).isZero();
            st.execute("select pg_advisory_unlock(" + PollCycle.LOCK_CLASS + ", hashtext('locked-poll'))");
        }
        PollCycle.Outcome outcome = cycle.poll(recipe, null);
        assertThat(outcome.skipped()).isFalse();
        assertThat(outcome.newEvents()).isEqualTo(2);
        // Polled just now by "another node": not due again within the interval.
        assertThat(cycle.poll(recipe, java.time.Instant.now().minusSeconds(3600)).skipped()).isTrue();
        assertThat(cycle.poll(recipe, null).newEvents()).isZero();
    }
}
