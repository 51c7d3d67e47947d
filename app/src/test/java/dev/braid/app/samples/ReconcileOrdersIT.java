package dev.braid.app.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code reconcile-orders} sample through the real path, at production size: 100,000 orders and a
 * reporting copy with 7 injected differences (3 missing, 2 extra, 2 changed) plus 100 amounts off by
 * exactly the 0.01 tolerance. A manual run reads both tables with {@code sql.query}, finds exactly the 7
 * with {@code core.reconcile}, records them in {@code order_drift} and corrects the copy; a second run
 * finds nothing.
 */
class ReconcileOrdersIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(ReconcileOrdersIT.class);
    private static final int ORDERS = 100_000;

    @Test
    void findsExactlyTheSevenDifferencesInAHundredThousandOrders_recordsAndCorrectsThem_thenFindsNone() throws IOException {
        tables();
        SampleRecipesIT.embeddedDb(api);
        ApiClient.Response saved = api.postYaml("/api/v1/recipes", SampleRecipesIT.resource("samples/reconcile-orders.yaml"));
        assertThat(saved.status()).as(saved.body()).isIn(201, 409);

        JsonNode first = runByHand(api);

        assertThat(first.path("status").asString()).as(first.path("error").toString()).isEqualTo("succeeded");
        assertThat(first.path("output").path("inSync").asBoolean()).isFalse();
        assertThat(first.path("output").path("counts")).isEqualTo(JsonMapper.shared().readTree("""
                {"left": 100000, "right": 99999, "matched": 99995, "missing": 3, "extra": 2, "different": 2,
                 "differentFields": 2, "duplicateLeft": 0, "duplicateRight": 0}"""));
        assertThat(first.path("output").path("truncated").asBoolean()).isFalse();
        List<Map<String, Object>> drift = jdbc.sql("""
                select kind, order_id, field, expected::text as expected, actual::text as actual
                from demo.order_drift where run_id = ? order by kind, order_id""")
                .param(first.path("id").asString()).query().listOfRows();
        assertThat(drift).extracting(r -> r.get("kind") + " " + r.get("order_id") + " " + r.get("field")).containsExactly(
                "different 123 status", "different 77777 amount",
                "extra 100001 null", "extra 100002 null",
                "missing 17 null", "missing 50001 null", "missing 99999 null");
        assertThat(drift.get(0)).containsEntry("expected", "\"paid\"").containsEntry("actual", "\"cancelled\"");
        assertThat(new BigDecimal((String) drift.get(1).get("expected"))).isEqualByComparingTo(amount(77_777));
        assertThat(new BigDecimal((String) drift.get(1).get("actual"))).isEqualByComparingTo(amount(77_777).add(BigDecimal.valueOf(5)));

        // Corrected: the copy now holds the source's rows where they differed beyond the tolerance, and no extras.
        assertThat(jdbc.sql("""
                select count(*) from demo.orders o full join demo.orders_report r on r.id = o.id
                where o.id is null or r.id is null or o.customer <> r.customer or o.status <> r.status
                   or abs(o.amount - r.amount) > 0.01""").query(Long.class).single()).isZero();
        assertThat(sql.count("select count(*) from demo.orders_report")).isEqualTo(ORDERS);
        assertThat(sql.count("select count(*) from demo.orders_report r join demo.orders o using (id) where r.amount <> o.amount"))
                .as("amounts within the tolerance are left alone").isEqualTo(100L);

        JsonNode second = runByHand(api);

        assertThat(second.path("status").asString()).isEqualTo("succeeded");
        assertThat(second.path("output").path("inSync").asBoolean()).isTrue();
        assertThat(second.path("output").path("counts").path("matched").asInt()).isEqualTo(ORDERS);
        assertThat(second.path("output").path("corrected").asBoolean()).isFalse();
        assertThat(jdbc.sql("select count(*) from demo.order_drift where run_id = ?").param(second.path("id").asString())
                .query(Long.class).single()).isZero();
        JsonNode record = step(second, "drift.record");
        assertThat(record == null || !"succeeded".equals(record.path("status").asString())).as("no drift, nothing recorded: %s", record)
                .isTrue();

        for (JsonNode run : List.of(first, second)) {
            StringBuilder timeline = new StringBuilder();
            Instant created = Instant.parse(run.path("createdAt").asString());
            for (JsonNode s : run.path("steps").values()) {
                if (s.hasNonNull("startedAt") && s.hasNonNull("finishedAt")) {
                    timeline.append(String.format(" %s +%d ms (%d ms);", s.path("path").asString(),
                            Duration.between(created, Instant.parse(s.path("startedAt").asString())).toMillis(), millis(s)));
                }
            }
            log.info("reconcile-orders timeline from the run's creation:{} finished +{} ms; {}", timeline,
                    Duration.between(created, Instant.parse(run.path("finishedAt").asString())).toMillis(),
                    api.get("/api/v1/runs/" + run.path("id").asString() + "/logs").body().replaceAll("(?s).*(Reconciled[^\"]*).*", "$1"));
            log.info("reconcile-orders, {} orders: read truth {} ms, read copy {} ms, core.reconcile {} ms, whole run {} ms; "
                            + "step input of core.reconcile stored as {} kB",
                    ORDERS, millis(step(run, "truth")), millis(step(run, "copy")), millis(step(run, "check")), millis(run),
                    jdbc.sql("select pg_column_size(input) / 1024 from step_runs where run_id = ?::uuid and path = 'check'")
                            .param(run.path("id").asString()).query(Long.class).single());
        }
    }

    @Test
    void onAnEmptySchemaTheFirstRunCreatesTheDemoTablesWithSevenDifferencesAndCorrectsThem() throws IOException {
        jdbc.sql("create schema if not exists demo").update();
        jdbc.sql("drop table if exists demo.orders, demo.orders_report, demo.order_drift").update();
        SampleRecipesIT.embeddedDb(api);
        ApiClient.Response saved = api.postYaml("/api/v1/recipes", SampleRecipesIT.resource("samples/reconcile-orders.yaml"));
        assertThat(saved.status()).as(saved.body()).isIn(201, 409);

        JsonNode first = runByHand(api);

        assertThat(first.path("status").asString()).as(first.path("error").toString()).isEqualTo("succeeded");
        // What the sample's comment and the README promise for the first run by hand.
        assertThat(first.path("output").path("counts")).isEqualTo(JsonMapper.shared().readTree("""
                {"left": 1000, "right": 999, "matched": 995, "missing": 3, "extra": 2, "different": 2,
                 "differentFields": 2, "duplicateLeft": 0, "duplicateRight": 0}"""));
        assertThat(jdbc.sql("select kind || ' ' || order_id from demo.order_drift order by kind, order_id").query(String.class).list())
                .containsExactly("different 42", "different 99", "extra 1001", "extra 1002", "missing 7", "missing 500", "missing 993");
        assertThat(runByHand(api).path("output").path("inSync").asBoolean()).isTrue();
    }

    /** The source of truth and its copy: 3 rows missing, 2 extra, 2 changed, 100 amounts off by exactly 0.01. */
    private void tables() {
        jdbc.sql("create schema if not exists demo").update();
        jdbc.sql("drop table if exists demo.orders, demo.orders_report, demo.order_drift").update();
        jdbc.sql("""
                create table demo.orders (id bigint primary key, customer text not null, status text not null,
                                          amount numeric(12,2) not null)""").update();
        jdbc.sql("create table demo.orders_report (like demo.orders including all)").update();
        jdbc.sql("""
                insert into demo.orders select g, 'customer-' || (g %% 997), 'paid', %s from generate_series(1, %d) g"""
                .formatted(AMOUNT_SQL, ORDERS)).update();
        jdbc.sql("""
                insert into demo.orders_report
                select id, customer,
                       case when id = 123 then 'cancelled' else status end,
                       case when id = 77777 then amount + 5 when id %% 1000 = 0 then amount + 0.01 else amount end
                from demo.orders where id not in (17, 50001, 99999)
                union all values (100001, 'customer-x', 'paid', 1.00), (100002, 'customer-y', 'paid', 2.00)""".formatted())
                .update();
    }

    private static final String AMOUNT_SQL = "round((g * 7.31) % 5000, 2)";

    private static BigDecimal amount(int id) {
        return BigDecimal.valueOf(id).multiply(new BigDecimal("7.31")).remainder(BigDecimal.valueOf(5000))
                .setScale(2, java.math.RoundingMode.HALF_UP);
    }

    private JsonNode runByHand(ApiClient api) {
        ApiClient.Response started = api.postJson("/api/v1/recipes/reconcile-orders/runs", Map.of());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String runId = started.json().path("runId").asString();
        // Watched in the runs table: the run document carries 200,000 rows of step input.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                jdbc.sql("select finished_at is not null from runs where id = ?::uuid").param(runId).query(Boolean.class).single());
        ApiClient.Response run = api.get("/api/v1/runs/" + runId);
        assertThat(run.status()).isEqualTo(200);
        log.info("GET /api/v1/runs/{} answered {} kB (every step's input and output)", runId, run.body().length() / 1024);
        return run.json();
    }

    private static JsonNode step(JsonNode run, String path) {
        for (JsonNode s : run.path("steps").values()) {
            if (s.path("path").asString().equals(path)) {
                return s;
            }
        }
        return null;
    }

    private static long millis(JsonNode timed) {
        return Duration.between(Instant.parse(timed.path("startedAt").asString()),
                Instant.parse(timed.path("finishedAt").asString())).toMillis();
    }
}
