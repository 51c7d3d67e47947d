package dev.braid.app.triggers.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.Connections;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import dev.braid.app.triggers.TriggerReconciler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cdc trigger against the real test PostgreSQL (wal_level=logical) with the real Debezium engine:
 * each source table change becomes one run with the right images, across a stop of the reader nothing
 * is lost or repeated, and disabling the last recipe of a source drops its slot and publication. The
 * source database is the test database itself, through an sql connection per test (one slot each).
 */
class CdcTriggerIT extends BraidIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    TriggerReconciler reconciler;

    @BeforeEach
    void setUp() {
        jdbc.sql("create schema if not exists cdc_it").update();
    }

    @Test
    void insertUpdateAndDeleteEachStartOneRunWithTheirRowImages() {
        String table = source("cdc-basic", "orders_basic");
        recipe("cdc-basic-orders", "cdc-basic", table, "");
        awaitSlotActive("cdc-basic");

        jdbc.sql("insert into " + table + " (id, item, qty) values (1, 'tea', 2)").update();
        jdbc.sql("update " + table + " set qty = 5 where id = 1").update();
        jdbc.sql("delete from " + table + " where id = 1").update();

        List<JsonNode> triggers = awaitTriggers("cdc-basic-orders", 3);
        assertThat(triggers).extracting(t -> t.path("body").path("op").asString()).containsExactly("insert", "update", "delete");
        JsonNode insert = triggers.get(0).path("body");
        assertThat(insert.path("table").asString()).isEqualTo(table);
        assertThat(insert.path("before").isNull()).isTrue();
        assertThat(insert.path("after")).isEqualTo(row(1, "tea", 2));
        assertThat(insert.path("source").path("lsn").asString()).isNotBlank();
        assertThat(insert.path("source").path("txId").asLong()).isPositive();
        JsonNode update = triggers.get(1).path("body");
        assertThat(update.path("before")).isEqualTo(row(1, "tea", 2));
        assertThat(update.path("after")).isEqualTo(row(1, "tea", 5));
        JsonNode delete = triggers.get(2).path("body");
        assertThat(delete.path("before")).isEqualTo(row(1, "tea", 5));
        assertThat(delete.path("after").isNull()).isTrue();
        // The run sees the change in its trigger context as well: trigger.op, trigger.after ...
        assertThat(triggers.get(0).path("after").path("item").asString()).isEqualTo("tea");
        await().atMost(WAIT).until(() -> sql.runCount("cdc-basic-orders", "succeeded") == 3);

        disable("cdc-basic-orders");
    }

    @Test
    void operationsFilterWhichChangesStartRuns() {
        String table = source("cdc-ops", "orders_ops");
        recipe("cdc-ops-deletes", "cdc-ops", table, "operations: [delete]");
        recipe("cdc-ops-all", "cdc-ops", table, "");
        awaitSlotActive("cdc-ops");

        jdbc.sql("insert into " + table + " (id, item, qty) values (7, 'jam', 1)").update();
        jdbc.sql("delete from " + table + " where id = 7").update();

        assertThat(awaitTriggers("cdc-ops-all", 2)).extracting(t -> t.path("op").asString()).containsExactly("insert", "delete");
        assertThat(awaitTriggers("cdc-ops-deletes", 1)).extracting(t -> t.path("op").asString()).containsExactly("delete");
        // One source, one slot: both recipes share the reader.
        assertThat(sql.count("select count(*) from pg_replication_slots where slot_name like 'braid_cdc_ops%'")).isEqualTo(1);

        disable("cdc-ops-deletes");
        disable("cdc-ops-all");
    }

    @Test
    void snapshotInitialDeliversTheExistingRowsAsReadsThenFollowsChanges() {
        String table = source("cdc-snap", "orders_snap");
        jdbc.sql("insert into " + table + " (id, item, qty) values (1, 'old', 1), (2, 'older', 2)").update();
        recipe("cdc-snap-orders", "cdc-snap", table, "snapshot: initial");
        awaitSlotActive("cdc-snap");
        awaitTriggers("cdc-snap-orders", 2);
        jdbc.sql("insert into " + table + " (id, item, qty) values (3, 'new', 3)").update();

        List<JsonNode> triggers = awaitTriggers("cdc-snap-orders", 3);
        assertThat(triggers).extracting(t -> t.path("op").asString() + ":" + t.path("after").path("item").asString())
                .containsExactlyInAnyOrder("read:old", "read:older", "insert:new");
        assertThat(triggers.get(2).path("op").asString()).isEqualTo("insert");
        disable("cdc-snap-orders");
    }

    @Test
    void anIdempotencyKeyExpressionDecidesWhatCountsAsTheSameChange() {
        String table = source("cdc-key", "orders_key");
        recipe("cdc-key-orders", "cdc-key", table, "idempotencyKey: \"trigger.after.item\"");
        awaitSlotActive("cdc-key");
        jdbc.sql("insert into " + table + " (id, item, qty) values (1, 'same', 1)").update();
        jdbc.sql("insert into " + table + " (id, item, qty) values (2, 'same', 2)").update();
        jdbc.sql("insert into " + table + " (id, item, qty) values (3, 'other', 3)").update();

        awaitTriggers("cdc-key-orders", 2);
        await().atMost(WAIT).until(() -> sql.count("select count(*) from cdc_offsets o where o.source = 'cdc-key'") > 0);
        // The offset is stored after all three were ingested: the second 'same' was absorbed, not pending.
        assertThat(jdbc.sql("select idempotency_key from trigger_events where recipe = 'cdc-key-orders' order by id")
                .query(String.class).list()).containsExactly("key:same", "key:other");
        disable("cdc-key-orders");
    }

    @Test
    void changesMadeWhileTheReaderIsStoppedArriveOnceAfterItStartsAgain() {
        String table = source("cdc-restart", "orders_restart");
        recipe("cdc-restart-orders", "cdc-restart", table, "");
        awaitSlotActive("cdc-restart");
        jdbc.sql("insert into " + table + " (id, item, qty) values (1, 'a', 1)").update();
        awaitTriggers("cdc-restart-orders", 1);
        await().atMost(WAIT).until(() -> sql.count("select count(*) from cdc_offsets where source = 'cdc-restart'") > 0);

        reconciler.stop(); // this node's listeners stop: the engine closes and commits its offsets
        try {
            assertThat(jdbc.sql("select active from pg_replication_slots where slot_name = 'braid_cdc_restart'")
                    .query(Boolean.class).single()).isFalse();
            jdbc.sql("insert into " + table + " (id, item, qty) values (2, 'b', 1)").update();
            jdbc.sql("update " + table + " set qty = 9 where id = 1").update();
            jdbc.sql("insert into " + table + " (id, item, qty) values (3, 'c', 1)").update();
        } finally {
            reconciler.start();
        }

        List<JsonNode> triggers = awaitTriggers("cdc-restart-orders", 4);
        assertThat(triggers).extracting(t -> t.path("op").asString() + ":" + t.path("after").path("id").asInt() + ":"
                + t.path("after").path("qty").asInt())
                .containsExactly("insert:1:1", "insert:2:1", "update:1:9", "insert:3:1");
        // Nothing more comes: a later change is the fifth run, not a repeat of the first four.
        jdbc.sql("insert into " + table + " (id, item, qty) values (4, 'd', 1)").update();
        assertThat(awaitTriggers("cdc-restart-orders", 5).get(4).path("after").path("id").asInt()).isEqualTo(4);

        disable("cdc-restart-orders");
    }

    @Test
    void disablingTheLastRecipeOfASourceDropsItsSlotAndPublication() {
        String table = source("cdc-drop", "orders_drop");
        recipe("cdc-drop-a", "cdc-drop", table, "");
        recipe("cdc-drop-b", "cdc-drop", table, "");
        awaitSlotActive("cdc-drop");

        disable("cdc-drop-a");
        reconciler.reconcileNow();
        assertThat(slots("braid_cdc_drop")).as("one recipe is left on the source").isEqualTo(1);

        disable("cdc-drop-b");
        // The source's row is forgotten last, after the slot, the publication and the offsets are gone.
        await().atMost(WAIT).until(() -> sql.count("select count(*) from cdc_sources where source = 'cdc-drop'") == 0);
        assertThat(slots("braid_cdc_drop")).isZero();
        assertThat(sql.count("select count(*) from pg_publication where pubname = 'braid_cdc_drop'")).isZero();
        assertThat(sql.count("select count(*) from cdc_offsets where source = 'cdc-drop'")).isZero();
    }

    @Test
    void aConnectionThatIsNotPostgresIsRefusedAtSave() {
        assertThat(api.postJson("/api/v1/connections", Map.of("name", "cdc-not-pg", "connector", "sql",
                "settings", Map.of("url", "jdbc:mysql://127.0.0.1:3306/shop"))).status()).isEqualTo(201);
        ApiClient.Response refused = api.postYaml("/api/v1/recipes", """
                slug: cdc-not-pg-orders
                name: Not PostgreSQL
                trigger:
                  cdc: { connection: cdc-not-pg, tables: [public.orders] }
                steps:
                  - id: log
                    action: core.log
                    with: { message: "{{ trigger.op }}" }
                """);
        assertThat(refused.status()).isEqualTo(400);
        JsonNode error = refused.json().path("errors").get(0);
        assertThat(error.path("path").asString()).isEqualTo("trigger.cdc.connection");
        assertThat(error.path("line").asInt()).isEqualTo(4);
        assertThat(error.path("message").asString()).isEqualTo(
                "Connection 'cdc-not-pg' is not PostgreSQL (its URL starts 'jdbc:mysql:'); change data capture reads PostgreSQL only");
    }

    /** Slot names come from connection names with '-' written '_': the second of two such connections is refused, not shared. */
    @Test
    void twoConnectionsThatMapToOneSlotNameAreNotMixedUp(@Autowired CdcRuntime runtime) {
        String table = source("cdc-twin", "orders_twin");
        recipe("cdc-twin-orders", "cdc-twin", table, "");
        awaitSlotActive("cdc-twin");
        source("cdc_twin", "orders_twin_2");
        recipe("cdc-twin-2-orders", "cdc_twin", "cdc_it.orders_twin_2", "");
        reconciler.reconcileNow();
        assertThat(runtime.problems().get("cdc_twin")).contains("both map to the replication slot braid_cdc_twin");
        assertThat(runtime.reading()).contains("cdc-twin").doesNotContain("cdc_twin");
        disable("cdc-twin-2-orders");
        reconciler.reconcileNow();
        assertThat(runtime.problems()).as("a disabled recipe's source has nothing to fix").doesNotContainKey("cdc_twin");
        disable("cdc-twin-orders");
        await().atMost(WAIT).until(() -> slots("braid_cdc_twin") == 0);
    }

    /** A connection changed after the recipe was saved: the reader stops and says why; changed back, it resumes. */
    @Test
    void aConnectionChangedToAnotherDatabaseStopsTheReaderWithAProblem(@Autowired CdcRuntime runtime) {
        String table = source("cdc-moved", "orders_moved");
        recipe("cdc-moved-orders", "cdc-moved", table, "");
        awaitSlotActive("cdc-moved");
        jdbc.sql("insert into " + table + " (id, item, qty) values (1, 'before', 1)").update();
        awaitTriggers("cdc-moved-orders", 1);

        assertThat(api.put("/api/v1/connections/cdc-moved", "application/json", JSON.writeValueAsString(Map.of("connector", "sql",
                "settings", Map.of("url", "jdbc:mysql://127.0.0.1:3306/shop")))).status()).isEqualTo(200);
        reconciler.reconcileNow();
        assertThat(runtime.problems().get("cdc-moved")).contains("is not PostgreSQL");
        assertThat(runtime.reading()).doesNotContain("cdc-moved");
        jdbc.sql("insert into " + table + " (id, item, qty) values (2, 'while-misconfigured', 1)").update();

        assertThat(api.put("/api/v1/connections/cdc-moved", "application/json", JSON.writeValueAsString(Map.of("connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres")))).status())
                .isEqualTo(200);
        assertThat(awaitTriggers("cdc-moved-orders", 2).get(1).path("after").path("item").asString()).isEqualTo("while-misconfigured");
        assertThat(runtime.problems()).doesNotContainKey("cdc-moved");
        disable("cdc-moved-orders");
        await().atMost(WAIT).until(() -> slots("braid_cdc_moved") == 0);
    }

    /**
     * Two nodes on one database (two runtimes in this JVM, each with its own lock session): one reads,
     * the other waits; when the reader stops, the other takes over from the stored offsets.
     */
    @Test
    void twoNodesOnOneDatabaseHaveOneReaderAndTheOtherTakesOver(@Autowired CdcRuntime bean, @Autowired RecipeCatalog catalog,
                                                                @Autowired Connections connections, @Autowired DataSource dataSource,
                                                                @Autowired CdcIngress ingress, @Autowired CdcOffsets offsets,
                                                                @Autowired JsonMapper json, @Autowired BraidProperties properties) {
        reconciler.stop(); // this context's own node steps aside; the two below share its database
        CdcRuntime first = new CdcRuntime(connections, dataSource, jdbc, ingress, offsets, json, properties);
        CdcRuntime second = new CdcRuntime(connections, dataSource, jdbc, ingress, offsets, json, properties);
        try {
            String table = source("cdc-nodes", "orders_nodes");
            recipe("cdc-nodes-orders", "cdc-nodes", table, "");
            List<RecipeCatalog.Current> wanted = List.of(catalog.current("cdc-nodes-orders").orElseThrow());
            first.reconcile(wanted);
            second.reconcile(wanted);
            assertThat(first.reading()).containsExactly("cdc-nodes");
            assertThat(second.reading()).isEmpty();
            assertThat(readerLocks()).isEqualTo(1);
            awaitSlotActive("cdc-nodes");
            jdbc.sql("insert into " + table + " (id, item, qty) values (1, 'first', 1)").update();
            awaitTriggers("cdc-nodes-orders", 1);

            second.reconcile(wanted); // trying again changes nothing while the first reads
            assertThat(second.reading()).isEmpty();

            first.stopAll(); // the reading node stops: its lock session ends
            jdbc.sql("insert into " + table + " (id, item, qty) values (2, 'while-nobody-reads', 1)").update();
            second.reconcile(wanted);
            assertThat(second.reading()).containsExactly("cdc-nodes");
            first.reconcile(wanted);
            assertThat(first.reading()).isEmpty();
            assertThat(readerLocks()).isEqualTo(1);
            jdbc.sql("insert into " + table + " (id, item, qty) values (3, 'second', 1)").update();

            assertThat(awaitTriggers("cdc-nodes-orders", 3)).extracting(t -> t.path("after").path("item").asString())
                    .containsExactly("first", "while-nobody-reads", "second");
            assertThat(bean.reading()).doesNotContain("cdc-nodes");
        } finally {
            first.stopAll();
            second.stopAll();
            reconciler.start();
        }
        disable("cdc-nodes-orders");
        await().atMost(WAIT).until(() -> slots("braid_cdc_nodes") == 0);
    }

    @Test
    void batchCollectsAThousandChangesIntoBatchRunsOfAtMostMaxSizeEachChangeOnce() {
        String table = source("cdc-batch", "orders_batch");
        recipe("cdc-batch-orders", "cdc-batch", table, "batch: { maxSize: 100, maxWait: 1s }");
        awaitSlotActive("cdc-batch");

        // 1,000 changes in four transactions: 600 inserts (two of 300), 300 updates, 100 deletes.
        jdbc.sql("insert into " + table + " (id, item, qty) select g, 'item-' || g, 1 from generate_series(1, 300) g").update();
        jdbc.sql("insert into " + table + " (id, item, qty) select g, 'item-' || g, 1 from generate_series(301, 600) g").update();
        jdbc.sql("update " + table + " set qty = 2 where id <= 300").update();
        jdbc.sql("delete from " + table + " where id > 500").update();

        await().atMost(WAIT).until(() -> jdbc.sql("""
                select coalesce(sum(jsonb_array_length(trigger -> 'events')), 0) from runs where recipe = 'cdc-batch-orders'""")
                .query(Long.class).single() >= 1000);
        List<JsonNode> runs = jdbc.sql("select trigger::text from runs where recipe = 'cdc-batch-orders' order by id")
                .query(String.class).list().stream().map(JSON::readTree).toList();
        List<String> changes = new java.util.ArrayList<>();
        for (JsonNode trigger : runs) {
            assertThat(trigger.path("type").asString()).isEqualTo("cdc");
            assertThat(trigger.path("batch").asBoolean()).isTrue();
            assertThat(trigger.path("events").size()).isBetween(1, 100);
            trigger.path("events").forEach(e -> changes.add(e.path("op").asString() + ":"
                    + ("delete".equals(e.path("op").asString()) ? e.path("before") : e.path("after")).path("id").asInt()));
        }
        // Every change exactly once, in commit order across the runs.
        List<String> expected = new java.util.ArrayList<>();
        java.util.stream.IntStream.rangeClosed(1, 600).forEach(i -> expected.add("insert:" + i));
        java.util.stream.IntStream.rangeClosed(1, 300).forEach(i -> expected.add("update:" + i));
        java.util.stream.IntStream.rangeClosed(501, 600).forEach(i -> expected.add("delete:" + i));
        assertThat(changes).hasSize(1000).containsExactlyElementsOf(expected);
        assertThat(runs.size()).isBetween(10, 1000);
        System.out.printf("CDC batch: 1000 changes in 4 transactions -> %d batch runs (maxSize 100)%n", runs.size());
        assertThat(jdbc.sql("select count(*) from trigger_events where recipe = 'cdc-batch-orders'").query(Integer.class).single())
                .isEqualTo(1000);
        await().atMost(WAIT).until(() -> jdbc.sql("select count(*) from runs where recipe = 'cdc-batch-orders' and status = 'succeeded'")
                .query(Integer.class).single() == runs.size());
        // The offset is stored once the batch runs are committed.
        await().atMost(WAIT).until(() -> jdbc.sql("select count(*) from cdc_offsets o where o.source = 'cdc-batch'")
                .query(Integer.class).single() > 0);
        disable("cdc-batch-orders");
    }

    // --- helpers ---

    int readerLocks() {
        return (int) sql.count("select count(*) from pg_locks where locktype = 'advisory' and granted and objsubid = 2 and classid::bigint = ?",
                ReaderLock.LOCK_CLASS);
    }

    /** A table in the test database with full row images, and an sql connection named {@code connection} to it. */
    String source(String connection, String name) {
        String table = "cdc_it." + name;
        jdbc.sql("drop table if exists " + table).update();
        jdbc.sql("create table " + table + " (id int primary key, item text not null, qty int not null)").update();
        jdbc.sql("alter table " + table + " replica identity full").update();
        ApiClient.Response saved = api.postJson("/api/v1/connections", Map.of("name", connection, "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres")));
        assertThat(saved.status()).as(saved.body()).isIn(200, 201);
        return table;
    }

    void recipe(String slug, String connection, String table, String extra) {
        braid.saveRecipe("""
                slug: %s
                name: CDC %s
                trigger:
                  cdc: { connection: %s, tables: [%s] %s }
                steps:
                  - id: seen
                    action: core.transform
                    with: { value: "{{ trigger.op & ' ' & trigger.table }}" }
                """.formatted(slug, slug, connection, table, extra.isEmpty() ? "" : ", " + extra));
    }

    void disable(String slug) {
        assertThat(api.post("/api/v1/recipes/" + slug + "/disable", "application/json", "").status()).isEqualTo(200);
    }

    void awaitSlotActive(String connection) {
        String slot = CdcSource.objectName(connection);
        await().atMost(WAIT)
                .until(() -> sql.slotStreaming(slot));
    }

    int slots(String slot) {
        return (int) sql.count("select count(*) from pg_replication_slots where slot_name = ?", slot);
    }

    /** The trigger objects of the recipe's runs in creation order, once there are exactly {@code count}. */
    List<JsonNode> awaitTriggers(String slug, int count) {
        await().atMost(WAIT).until(() -> sql.runCount(slug) >= count);
        List<JsonNode> triggers = jdbc.sql("select trigger::text from runs where recipe = ? order by id").param(slug)
                .query(String.class).list().stream().map(JSON::readTree).toList();
        assertThat(triggers).hasSize(count);
        return triggers;
    }

    static JsonNode row(int id, String item, int qty) {
        return JSON.createObjectNode().put("id", id).put("item", item).put("qty", qty);
    }
}
