package dev.braid.connectors.core;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.braid.connectors.RecordingRunLog;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.RunLog.Level;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class ReconcileActionTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ReconcileAction reconcile = new ReconcileAction();

    private JsonNode run(String with) throws ActionException {
        return reconcile.execute(aContext().build(), json(with)).output();
    }

    @Test
    void leftIsTheTruth_missingIsOnlyLeft_extraIsOnlyRight_differentIsPerField() throws ActionException {
        JsonNode out = run("""
                {key: 'id',
                 left:  [{id: 1, status: 'paid', amount: 10}, {id: 2, status: 'open', amount: 5}, {id: 3, status: 'paid', amount: 7}],
                 right: [{id: 1, status: 'paid', amount: 10}, {id: 3, status: 'open', amount: 8}, {id: 4, status: 'paid', amount: 1}]}""");

        assertThat(out.get("inSync").asBoolean()).isFalse();
        assertThat(out.get("matched").asInt()).isEqualTo(1);
        assertThat(out.get("missing")).isEqualTo(json("[{id: 2, status: 'open', amount: 5}]"));
        assertThat(out.get("extra")).isEqualTo(json("[{id: 4, status: 'paid', amount: 1}]"));
        assertThat(out.get("different")).isEqualTo(json("""
                [{key: 3, field: 'status', left: 'paid', right: 'open'}, {key: 3, field: 'amount', left: 7, right: 8}]"""));
        assertThat(out.get("changed")).as("the source-of-truth rows a correction writes")
                .isEqualTo(json("[{id: 3, status: 'paid', amount: 7}]"));
        assertThat(out.get("counts")).isEqualTo(json("""
                {left: 3, right: 3, matched: 1, missing: 1, extra: 1, different: 1, differentFields: 2,
                 duplicateLeft: 0, duplicateRight: 0}"""));
        assertThat(out.get("truncated").asBoolean()).isFalse();
        assertThat(out.get("limit").asInt()).isEqualTo(1000);
    }

    @Test
    void identicalSidesInAnyOrderAreInSync() throws ActionException {
        JsonNode out = run("""
                {key: 'id', left: [{id: 1, a: 'x'}, {id: 2, a: 'y'}], right: [{id: 2, a: 'y'}, {id: 1, a: 'x'}]}""");

        assertThat(out.get("inSync").asBoolean()).isTrue();
        assertThat(out.get("matched").asInt()).isEqualTo(2);
        assertThat(out.get("missing")).isEmpty();
        assertThat(out.get("extra")).isEmpty();
        assertThat(out.get("different")).isEmpty();
    }

    @Test
    void emptySidesAreFine() throws ActionException {
        JsonNode out = run("{key: 'id', left: [], right: [{id: 1}]}");

        assertThat(out.get("counts").get("extra").asInt()).isEqualTo(1);
        assertThat(out.get("counts").get("left").asInt()).isZero();
        assertThat(run("{key: 'id', left: [], right: []}").get("inSync").asBoolean()).isTrue();
    }

    @Test
    void aCompositeKeyMatchesOnAllItsFieldsAndIsShownAsAnObject() throws ActionException {
        JsonNode out = run("""
                {key: ['store', 'orderNo'],
                 left:  [{store: 'north', orderNo: 1, total: 5}, {store: 'south', orderNo: 1, total: 6}, {store: 'north', orderNo: 2, total: 7}],
                 right: [{store: 'south', orderNo: 1, total: 6}, {store: 'north', orderNo: 1, total: 9}, {store: 'south', orderNo: 2, total: 7}]}""");

        assertThat(out.get("matched").asInt()).isEqualTo(1);
        assertThat(out.get("different")).isEqualTo(json("[{key: {store: 'north', orderNo: 1}, field: 'total', left: 5, right: 9}]"));
        assertThat(out.get("missing")).isEqualTo(json("[{store: 'north', orderNo: 2, total: 7}]"));
        assertThat(out.get("extra")).isEqualTo(json("[{store: 'south', orderNo: 2, total: 7}]"));
    }

    @Test
    void compositeKeyPartsDoNotRunTogether() throws ActionException {
        // 'ab' + 'c' and 'a' + 'bc' would be one key if the parts were concatenated.
        JsonNode out = run("{key: ['a', 'b'], left: [{a: 'ab', b: 'c'}], right: [{a: 'a', b: 'bc'}]}");

        assertThat(out.get("counts").get("missing").asInt()).isEqualTo(1);
        assertThat(out.get("counts").get("extra").asInt()).isEqualTo(1);
    }

    @Test
    void anAbsoluteToleranceAcceptsSmallNumericDifferencesOnly() throws ActionException {
        String rows = """
                left:  [{id: 1, amount: 10.00, qty: 3}, {id: 2, amount: 10.00, qty: 3}, {id: 3, amount: 10.00, qty: 3}],
                right: [{id: 1, amount: 10.001, qty: 3}, {id: 2, amount: 10.01, qty: 3}, {id: 3, amount: 10.02, qty: 3}]""";

        JsonNode exact = run("{key: 'id', " + rows + "}");
        JsonNode tolerant = run("{key: 'id', tolerance: 0.01, " + rows + "}");

        assertThat(exact.get("counts").get("different").asInt()).isEqualTo(3);
        // 10.00 vs 10.01 is exactly 0.01 apart: inside the tolerance, computed in decimals, not doubles.
        assertThat(tolerant.get("matched").asInt()).isEqualTo(2);
        assertThat(tolerant.get("different")).isEqualTo(json("[{key: 3, field: 'amount', left: 10.00, right: 10.02}]"));
    }

    @Test
    void aToleranceByFieldAppliesToThatFieldOnly() throws ActionException {
        JsonNode out = run("""
                {key: 'id', tolerance: {amount: 0.5},
                 left: [{id: 1, amount: 10, qty: 3}], right: [{id: 1, amount: 10.4, qty: 3.4}]}""");

        assertThat(out.get("different")).isEqualTo(json("[{key: 1, field: 'qty', left: 3, right: 3.4}]"));
    }

    @Test
    void numbersCompareByValueButTypesAreNotCoerced() throws ActionException {
        JsonNode out = run("""
                {key: 'id',
                 left:  [{id: 1, v: 1}, {id: 2, v: 1}, {id: 3, v: true}, {id: 4, v: 123456789012345678901}, {id: 5, v: 0.1}],
                 right: [{id: 1, v: 1.0}, {id: 2, v: '1'}, {id: 3, v: 'true'}, {id: 4, v: 123456789012345678901}, {id: 5, v: 0.10}]}""");

        // 1 = 1.0, big integers and 0.1 = 0.10 are equal; the string "1" is not the number 1, 'true' not true.
        assertThat(out.get("matched").asInt()).isEqualTo(3);
        assertThat(out.get("different")).isEqualTo(json("""
                [{key: 2, field: 'v', left: 1, right: '1'}, {key: 3, field: 'v', left: true, right: 'true'}]"""));
    }

    @Test
    void keysCompareLikeValues_aNumberKeyMatchesItsDecimalForm_notItsText() throws ActionException {
        JsonNode out = run("{key: 'id', left: [{id: 7}, {id: 8}], right: [{id: 7.0}, {id: '8'}]}");

        assertThat(out.get("matched").asInt()).isEqualTo(1);
        assertThat(out.get("missing")).isEqualTo(json("[{id: 8}]"));
        assertThat(out.get("extra")).isEqualTo(json("[{id: '8'}]"));
    }

    @Test
    void anAbsentFieldEqualsNull_butNotAValue() throws ActionException {
        JsonNode out = run("""
                {key: 'id',
                 left:  [{id: 1, note: null}, {id: 2, note: null}, {id: 3, note: 'x'}, {id: 4}],
                 right: [{id: 1},             {id: 2, note: 'y'},  {id: 3},           {id: 4, note: 'z'}]}""");

        assertThat(out.get("matched").asInt()).as("left null vs right absent; and id 4: 'note' is not a left field")
                .isEqualTo(2);
        assertThat(out.get("different")).isEqualTo(json("""
                [{key: 2, field: 'note', left: null, right: 'y'}, {key: 3, field: 'note', left: 'x', right: null}]"""));
    }

    @Test
    void compareNamesTheFields_otherFieldsAndFieldsOnlyTheRightHasAreIgnoredOtherwise() throws ActionException {
        String rows = "left: [{id: 1, a: 1, b: 2}], right: [{id: 1, a: 1, b: 3, c: 4}]";

        assertThat(run("{key: 'id', compare: ['a'], " + rows + "}").get("inSync").asBoolean()).isTrue();
        assertThat(run("{key: 'id', " + rows + "}").get("different")).isEqualTo(json("[{key: 1, field: 'b', left: 2, right: 3}]"));
        assertThat(run("{key: 'id', compare: ['c'], " + rows + "}").get("different"))
                .isEqualTo(json("[{key: 1, field: 'c', left: null, right: 4}]"));
    }

    @Test
    void nestedValuesCompareMemberByMember() throws ActionException {
        JsonNode out = run("""
                {key: 'id', left: [{id: 1, doc: {a: 1, tags: ['x']}}, {id: 2, doc: {a: 1}}],
                             right: [{id: 1, doc: {tags: ['x'], a: 1.0}}, {id: 2, doc: {a: 1, b: 2}}]}""");

        assertThat(out.get("matched").asInt()).isEqualTo(1);
        assertThat(out.get("different").get(0).get("key").asInt()).isEqualTo(2);
    }

    @Test
    void duplicateKeysAreReportedPerSideNotCollapsed() throws ActionException {
        JsonNode out = run("""
                {key: 'id',
                 left:  [{id: 1, v: 'a'}, {id: 1, v: 'b'}, {id: 2, v: 'c'}, {id: 5, v: 'm'}, {id: 5, v: 'n'}, {id: 5, v: 'o'}],
                 right: [{id: 1, v: 'a'}, {id: 2, v: 'c'}, {id: 2, v: 'd'}, {id: 2, v: 'e'}]}""");

        // The first row of a key is compared; the others are counted under duplicates, with how many rows share it.
        assertThat(out.get("duplicates")).isEqualTo(json("{left: [{key: 1, rows: 2}, {key: 5, rows: 3}], right: [{key: 2, rows: 3}]}"));
        assertThat(out.get("counts").get("duplicateLeft").asInt()).isEqualTo(2);
        assertThat(out.get("counts").get("duplicateRight").asInt()).isEqualTo(1);
        assertThat(out.get("matched").asInt()).isEqualTo(2);
        assertThat(out.get("missing")).isEqualTo(json("[{id: 5, v: 'm'}]"));
        assertThat(out.get("extra")).as("right duplicates are not extras").isEmpty();
        assertThat(out.get("inSync").asBoolean()).isFalse();
    }

    @Test
    void aNullKeyIsAValueLikeAnyOther() throws ActionException {
        JsonNode out = run("{key: 'id', left: [{id: null, v: 1}], right: [{id: null, v: 2}]}");

        assertThat(out.get("different")).isEqualTo(json("[{key: null, field: 'v', left: 1, right: 2}]"));
    }

    @Test
    void aRowWithoutTheKeyFieldIsRefusedNamingTheRowAndItsFields() {
        ActionException e = catchThrowableOfType(ActionException.class,
                () -> run("{key: 'id', left: [{id: 1}], right: [{id: 1}, {orderId: 2, total: 3}]}"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).isEqualTo("with.right[1]: has no key field 'id' (with.key); its fields are [orderId, total]");
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThat(failure("{key: [], left: [], right: []}")).contains("with.key", "at least one field");
        assertThat(failure("{key: ['a', 'a'], left: [], right: []}")).contains("with.key", "twice");
        assertThat(failure("{key: 'id', tolerance: -0.1, left: [], right: []}")).contains("with.tolerance", "negative");
        assertThat(failure("{key: 'id', tolerance: {amount: 'x'}, left: [], right: []}")).contains("with.tolerance.amount");
        assertThat(failure("{key: 'id', limit: -1, left: [], right: []}")).contains("with.limit");
        assertThat(failure("{key: 'id', left: [1, 2], right: []}")).contains("with.left[0]: expected object");
        assertThat(failure("{key: 'id', left: [{id: 1}], right: [{id: 1}, 'x']}")).isEqualTo("with.right[1]: expected object, got string");
        assertThat(failure("{key: 7, left: [], right: 'rows'}")).contains("with.key", "with.right: expected array");
    }

    @Test
    void listsStopAtTheLimitWhileCountsStayExact() throws ActionException {
        ArrayNode left = NODES.arrayNode();
        ArrayNode right = NODES.arrayNode();
        for (int i = 0; i < 5_000; i++) {
            left.add(row(i, "paid", i));
            if (i % 2 == 0) {
                right.add(row(i, i % 4 == 0 ? "paid" : "open", i));
            }
            right.add(row(100_000 + i, "paid", i));
        }

        JsonNode out = execute(left, right, NODES.objectNode().put("limit", 100));

        assertThat(out.get("counts")).isEqualTo(json("""
                {left: 5000, right: 7500, matched: 1250, missing: 2500, extra: 5000, different: 1250, differentFields: 1250,
                 duplicateLeft: 0, duplicateRight: 0}"""));
        assertThat(out.get("missing")).hasSize(100);
        assertThat(out.get("extra")).hasSize(100);
        assertThat(out.get("different")).hasSize(100);
        assertThat(out.get("changed")).hasSize(100);
        assertThat(out.get("truncated").asBoolean()).isTrue();
        assertThat(out.get("missing").get(0).get("id").asInt()).as("in left order").isEqualTo(1);
        assertThat(out.get("extra").get(0).get("id").asInt()).as("in right order").isEqualTo(100_000);

        JsonNode countsOnly = execute(left, right, NODES.objectNode().put("limit", 0));
        assertThat(countsOnly.get("missing")).isEmpty();
        assertThat(countsOnly.get("counts")).isEqualTo(out.get("counts"));
    }

    @Test
    void theOutputSharesNoNodesWithTheInput() throws ActionException {
        ObjectNode input = (ObjectNode) json("{key: 'id', left: [{id: 1, v: {a: 1}}, {id: 2}], right: [{id: 1, v: {a: 2}}]}");

        JsonNode out = reconcile.execute(aContext().build(), input).output();
        ((ObjectNode) input.get("left").get(1)).put("id", 99);
        ((ObjectNode) input.get("left").get(0).get("v")).put("a", 99);

        assertThat(out.get("missing")).isEqualTo(json("[{id: 2}]"));
        assertThat(out.get("different").get(0).get("left")).isEqualTo(json("{a: 1}"));
    }

    @Test
    void logsTheCountsToTheRunLog() throws ActionException {
        RecordingRunLog log = new RecordingRunLog();

        Clock frozen = Clock.fixed(Instant.parse("2026-01-01T03:00:00Z"), ZoneOffset.UTC);
        reconcile.execute(aContext().log(log).clock(frozen).build(),
                json("{key: 'id', left: [{id: 1}, {id: 2}], right: [{id: 1}, {id: 3}]}"));

        assertThat(log.lines()).containsExactly(new RecordingRunLog.Line(Level.INFO,
                "Reconciled 2 left rows with 2 right rows in 0 ms: 1 matched, 1 missing, 1 extra, 0 different"));
    }

    /** Production size: 200,000 rows a side with a few injected differences; the figure is printed, not asserted. */
    @Test
    void twoHundredThousandRowsPerSideWithAFewDifferences() throws ActionException {
        int rows = 200_000;
        ArrayNode left = NODES.arrayNode(rows);
        ArrayNode right = NODES.arrayNode(rows);
        ReconcileBenchRows.fill(left, right, rows);

        long start = System.nanoTime();
        JsonNode out = execute(left, right, NODES.objectNode().put("tolerance", 0.01));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(out.get("counts")).isEqualTo(json("""
                {left: 200000, right: 199999, matched: 199994, missing: 3, extra: 2, different: 3, differentFields: 3,
                 duplicateLeft: 0, duplicateRight: 0}"""));
        assertThat(out.get("missing")).extracting(r -> r.get("id").asInt()).containsExactly(10, 100_010, 199_990);
        assertThat(out.get("extra")).extracting(r -> r.get("id").asInt()).containsExactly(rows + 1, rows + 2);
        assertThat(out.get("different").toString()).isEqualTo(json("""
                [{key: 500, field: 'amount', left: 500.25, right: 500.27},
                 {key: 70000, field: 'status', left: 'paid', right: 'open'},
                 {key: 150000, field: 'customer', left: 'c150000', right: 150000}]""").toString());
        System.out.printf("core.reconcile: %,d vs %,d rows in %,d ms%n", rows, right.size(), millis);
    }

    private static ObjectNode row(int id, String status, Object amount) {
        ObjectNode row = NODES.objectNode().put("id", id).put("status", status);
        if (amount instanceof BigDecimal d) {
            row.put("amount", d);
        } else {
            row.put("amount", ((Number) amount).intValue());
        }
        return row;
    }

    private JsonNode execute(ArrayNode left, ArrayNode right, ObjectNode options) throws ActionException {
        ObjectNode with = options.deepCopy();
        with.put("key", "id");
        with.set("left", left);
        with.set("right", right);
        return reconcile.execute(aContext().build(), with).output();
    }

    private String failure(String with) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> run(with));
        assertThat(e).as(with).isNotNull();
        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.retryable()).isFalse();
        return e.getMessage();
    }
}
