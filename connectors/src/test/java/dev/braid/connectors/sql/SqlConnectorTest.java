package dev.braid.connectors.sql;

import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ConnectorRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class SqlConnectorTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SqlConnector connector = new SqlConnector();

    @BeforeAll
    static void startDatabase() {
        SqlTestDatabase.jdbcUrl();
    }

    @AfterEach
    void closeConnector() {
        connector.close();
    }

    private ActionContext ctx() {
        return aContext().connection(SqlTestDatabase.connection()).build();
    }

    private static ObjectNode sql(String sql) {
        return NODES.objectNode().put("sql", sql);
    }

    private JsonNode query(ObjectNode input) throws ActionException {
        return connector.actions().get("query").execute(ctx(), input).output();
    }

    private JsonNode execute(ObjectNode input) throws ActionException {
        return connector.actions().get("execute").execute(ctx(), input).output();
    }

    private ActionException failure(String action, ActionContext ctx, ObjectNode input) {
        ActionException e = catchThrowableOfType(ActionException.class,
                () -> connector.actions().get(action).execute(ctx, input));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }

    @Test
    void registeredThroughTheServiceLoader() {
        ConnectorRegistry registry = ConnectorRegistry.load();

        assertThat(registry.connector("sql")).isPresent();
        assertThat(registry.action("sql.query")).isPresent();
        assertThat(registry.action("sql.execute")).isPresent();
        assertThat(registry.action("sql.batchInsert")).isPresent();
    }

    @Test
    void connectionSchemaMarksThePasswordSecret() {
        JsonNode schema = connector.connectionSchema();

        assertThat(schema.path("properties").path("password").path("x-secret").asBoolean()).isTrue();
        assertThat(schema.path("required").toString()).contains("url");
    }

    @Test
    void namedParametersIncludingRepeatsAndCasts() throws ActionException {
        ObjectNode input = sql("select :a::int + :a::int as twice, :doc::jsonb -> 'k' as k, ':a' as literal -- :zz");
        input.putObject("params").put("a", 2).putObject("doc").put("k", "v");

        JsonNode out = query(input);

        assertThat(out.path("rowCount").asInt()).isEqualTo(1);
        JsonNode row = out.path("rows").get(0);
        assertThat(row.path("twice").asInt()).isEqualTo(4);
        assertThat(row.path("k").asString()).isEqualTo("v");
        assertThat(row.path("literal").asString()).isEqualTo(":a");
    }

    @Test
    void missingParameterIsFatalAndNamed() {
        ObjectNode input = sql("select :present, :absent");
        input.putObject("params").put("present", 1);

        ActionException e = failure("query", ctx(), input);

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("absent");
    }

    @Test
    void typesRoundTrip() throws ActionException {
        String table = SqlTestDatabase.uniqueTable("types");
        execute(sql("create table " + table + " (n numeric, ts timestamp, tstz timestamptz, j json, jb jsonb,"
                + " nothing text, b boolean, u uuid, arr int[], big bigint, d date, bin bytea)"));
        ObjectNode insert = sql("insert into " + table + " values (:n, :ts, :tstz, :j::json, :jb, :nothing, :b, :u,"
                + " :arr, :big, :d, decode('010203', 'hex'))");
        ObjectNode params = insert.putObject("params");
        params.set("n", NODES.numberNode(new BigDecimal("12.345678901234567890")));
        params.put("ts", "2024-03-01T12:30:00");
        params.put("tstz", "2024-03-01T12:30:00+02:00");
        params.putObject("j").putArray("a").add(1).add(2);
        params.putObject("jb").put("nested", true);
        params.putNull("nothing");
        params.put("b", true);
        params.put("u", "7f1b3a1e-0000-4000-8000-000000000001");
        params.put("arr", "{1,2,3}");
        params.put("big", 9_007_199_254_740_993L);
        params.put("d", "2024-02-29");

        assertThat(execute(insert).path("updated").asLong()).isEqualTo(1);
        JsonNode row = query(sql("select *, array[4, 5] as literal_array from " + table)).path("rows").get(0);

        assertThat(row.path("n").isNumber()).isTrue();
        assertThat(row.path("n").decimalValue()).isEqualTo(new BigDecimal("12.345678901234567890"));
        assertThat(row.path("ts").asString()).isEqualTo("2024-03-01T12:30:00");
        assertThat(row.path("tstz").asString()).isEqualTo("2024-03-01T10:30:00Z");
        assertThat(row.path("j").path("a").toString()).isEqualTo("[1,2]");
        assertThat(row.path("jb").path("nested").asBoolean()).isTrue();
        assertThat(row.path("nothing").isNull()).isTrue();
        assertThat(row.path("b").isBoolean()).isTrue();
        assertThat(row.path("b").booleanValue()).isTrue();
        assertThat(row.path("u").asString()).isEqualTo("7f1b3a1e-0000-4000-8000-000000000001");
        assertThat(row.path("arr").toString()).isEqualTo("[1,2,3]");
        assertThat(row.path("literal_array").toString()).isEqualTo("[4,5]");
        assertThat(row.path("big").isIntegralNumber()).isTrue();
        assertThat(row.path("big").longValue()).isEqualTo(9_007_199_254_740_993L);
        assertThat(row.path("d").asString()).isEqualTo("2024-02-29");
        assertThat(row.path("bin").asString()).isEqualTo("AQID");
    }

    @Test
    void statementTimeoutIsRetryableAndQuick() {
        ObjectNode connection = SqlTestDatabase.connection().put("statementTimeout", "500ms");
        long start = System.nanoTime();

        ActionException e = failure("query", aContext().connection(connection).build(), sql("select pg_sleep(5)"));

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("sql.timeout");
        // Less than the 5 s the target sleeps: the timeout cut the wait (a margin for a loaded CI machine).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4500));
    }

    @Test
    void theStepDeadlineCapsTheTimeout() {
        long start = System.nanoTime();

        ActionException e = failure("query",
                aContext().connection(SqlTestDatabase.connection()).timeLeft(Duration.ofMillis(700)).build(),
                sql("select pg_sleep(5)"));

        assertThat(e.type()).isEqualTo("sql.timeout");
        // Less than the 5 s the target sleeps: the timeout cut the wait (a margin for a loaded CI machine).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4500));
    }

    @Test
    void constraintViolationIsFatalWithItsSqlState() throws ActionException {
        String table = SqlTestDatabase.uniqueTable("unique");
        execute(sql("create table " + table + " (id int primary key)"));
        execute(sql("insert into " + table + " values (1)"));

        ActionException e = failure("execute", ctx(), sql("insert into " + table + " values (1)"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("sql.error");
        assertThat(e.getMessage()).contains("23505");
    }

    @Test
    void syntaxErrorIsFatal() {
        ActionException e = failure("query", ctx(), sql("selec 1"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("sql.error");
        assertThat(e.getMessage()).contains("42601");
    }

    @Test
    void batchInsertOfTenThousandRows() throws ActionException {
        String table = SqlTestDatabase.uniqueTable("bulk");
        SqlTestDatabase.exec("create table " + table + " (id int primary key, name text, doc jsonb, note text default 'none')");

        ObjectNode input = NODES.objectNode().put("table", table);
        input.set("rows", rows(10_000, 10_000));
        JsonNode out = connector.actions().get("batchInsert").execute(ctx(), input).output();

        assertThat(out.path("inserted").asLong()).isEqualTo(10_000);
        assertThat(SqlTestDatabase.count(table)).isEqualTo(10_000);
        assertThat(SqlTestDatabase.strings("select note from " + table + " where id = 2")).containsExactly("none");
        assertThat(SqlTestDatabase.strings("select note from " + table + " where id = 1")).containsExactly("first");
        assertThat(SqlTestDatabase.strings("select doc->>'n' from " + table + " where id = 9999")).containsExactly("9999");
    }

    @Test
    void batchInsertIsOneTransaction() {
        String table = SqlTestDatabase.uniqueTable("bulk_fail");
        SqlTestDatabase.exec("create table " + table + " (id int primary key, name text, doc jsonb, note text)");
        ObjectNode input = NODES.objectNode().put("table", table);
        ArrayNode rows = rows(10_000, 10_000);
        ((ObjectNode) rows.get(9_999)).put("id", 1);   // a duplicate in the last chunk
        input.set("rows", rows);

        ActionException e = failure("batchInsert", ctx(), input);

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("23505");
        assertThat(SqlTestDatabase.count(table)).isZero();
    }

    @Test
    void batchInsertRefusesIdentifiersThatAreNotNames() {
        ObjectNode badTable = NODES.objectNode().put("table", "x; drop table y");
        badTable.putArray("rows").addObject().put("a", 1);
        ObjectNode badColumn = NODES.objectNode().put("table", "public.x");
        badColumn.putArray("rows").addObject().put("a\" text); drop table y; --", 1);

        for (ObjectNode input : new ObjectNode[] {badTable, badColumn}) {
            ActionException e = failure("batchInsert", ctx(), input);
            assertThat(e.retryable()).isFalse();
            assertThat(e.type()).isEqualTo("input.invalid");
        }
    }

    @Test
    void poolsAreSharedPerConnectionSettings() throws ActionException {
        SqlSettings settings = SqlSettings.from(SqlTestDatabase.connection());

        query(sql("select 1"));
        query(sql("select 2"));

        assertThat(connector.openPools()).isEqualTo(1);
        assertThat(connector.pool(settings)).isSameAs(connector.pool(SqlSettings.from(SqlTestDatabase.connection())));
        connector.actions().get("query").execute(
                aContext().connection(SqlTestDatabase.connection().put("schema", "public")).build(), sql("select 3"));
        assertThat(connector.openPools()).isEqualTo(2);

        connector.close();
        assertThat(connector.openPools()).isZero();
    }

    @Test
    void schemaSettingIsTheDefaultSchema() throws ActionException {
        String schema = SqlTestDatabase.uniqueTable("s");
        SqlTestDatabase.exec("create schema " + schema, "create table " + schema + ".things (v int)",
                "insert into " + schema + ".things values (42)");

        JsonNode out = connector.actions().get("query").execute(
                aContext().connection(SqlTestDatabase.connection().put("schema", schema)).build(),
                sql("select v from things")).output();

        assertThat(out.path("rows").get(0).path("v").asInt()).isEqualTo(42);
    }

    @Test
    void idempotencyKeyIsANamedParameter() throws ActionException {
        String table = SqlTestDatabase.uniqueTable("payments");
        SqlTestDatabase.exec("create table " + table + " (key text primary key, amount numeric)");
        ObjectNode upsert = sql("insert into " + table + " (key, amount) values (:idempotencyKey, :amount)"
                + " on conflict (key) do nothing");
        upsert.putObject("params").put("amount", 10);
        ActionContext attempt1 = aContext().connection(SqlTestDatabase.connection()).runId("run-7").stepPath("pay").build();
        ActionContext attempt2 = aContext().connection(SqlTestDatabase.connection()).runId("run-7").stepPath("pay")
                .attempt(2).build();

        assertThat(connector.actions().get("execute").execute(attempt1, upsert).output().path("updated").asLong()).isEqualTo(1);
        assertThat(connector.actions().get("execute").execute(attempt2, upsert).output().path("updated").asLong()).isZero();
        assertThat(SqlTestDatabase.strings("select key from " + table)).containsExactly("run-7/pay");
    }

    @Test
    void dryRunExecutesNothing() throws ActionException {
        String table = SqlTestDatabase.uniqueTable("dry");
        SqlTestDatabase.exec("create table " + table + " (v int)");

        JsonNode out = connector.actions().get("execute").execute(
                aContext().connection(SqlTestDatabase.connection()).dryRun(true).build(),
                sql("insert into " + table + " values (1)")).output();

        assertThat(out.path("dryRun").asBoolean()).isTrue();
        assertThat(out.path("sql").asString()).contains("insert into");
        assertThat(SqlTestDatabase.count(table)).isZero();
        assertThat(connector.openPools()).isZero();
    }

    @Test
    void passwordsNeverReachMessages() throws ActionException {
        SqlSettings settings = SqlSettings.from(NODES.objectNode()
                .put("url", "jdbc:postgresql://h/db?user=u&password=hunter2").put("password", "s3cr3t"));

        assertThat(settings.scrub("login failed for s3cr3t at jdbc:postgresql://h/db?user=u&password=hunter2"))
                .doesNotContain("s3cr3t").doesNotContain("hunter2");
        assertThat(settings.toString()).doesNotContain("s3cr3t").doesNotContain("hunter2");
    }

    @Test
    void unreachableDatabaseIsRetryableAndKeepsThePasswordOut() {
        ObjectNode connection = NODES.objectNode().put("url", "jdbc:postgresql://127.0.0.1:1/nowhere")
                .put("username", "u").put("password", "s3cr3t-pw").put("statementTimeout", "1s");
        long start = System.nanoTime();

        ActionException e = failure("query", aContext().connection(connection).build(), sql("select 1"));

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("sql.connection");
        assertThat(e.getMessage()).doesNotContain("s3cr3t-pw");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void urlWithoutADriverIsFatal() {
        ObjectNode connection = NODES.objectNode().put("url", "jdbc:nosuchdb://127.0.0.1/x?password=hunter2");

        ActionException e = failure("query", aContext().connection(connection).build(), sql("select 1"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("sql.error");
        assertThat(e.getMessage()).doesNotContain("hunter2");
        assertThat(connector.openPools()).isZero();
    }

    @Test
    void invalidConnectionIsFatal() {
        ActionException e = failure("query", aContext().connection(NODES.objectNode().put("username", "u")).build(),
                sql("select 1"));

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("url");
    }

    private static ArrayNode rows(int count, int idBase) {
        ArrayNode rows = NODES.arrayNode();
        IntStream.rangeClosed(1, count).forEach(i -> {
            ObjectNode row = rows.addObject().put("id", i).put("name", "row " + i);
            row.putObject("doc").put("n", i);
            if (i == 1) {
                row.put("note", "first");
            }
        });
        return rows;
    }
}
