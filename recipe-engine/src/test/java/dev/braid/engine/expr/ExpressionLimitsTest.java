package dev.braid.engine.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Expressions at batch size (ARCHITECTURE §11, issue 13) and bounded in time and size (issue 14): a
 * micro-batch of 100,000 events is mapped, filtered, sorted, reduced, grouped and merged with the
 * default limits (1 s, depth 200), while a runaway recursion and a quadratic string built by a
 * built-in end with a message naming the limit. The JUnit timeouts are safety nets, not speed checks.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExpressionLimitsTest {

    private static final int EVENTS = 100_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonNode BATCH = batch(EVENTS);

    private final Expressions expressions = Expressions.withDefaults();
    /**
     * The default limits but a long clock: these tests check that 100,000 items pass the depth and
     * size limits and give the right answer, and that the size limits (not the clock of a loaded
     * machine) stop what is too big; how long they take is the benchmark's business
     * ({@link #printsWhatABatchCosts}), not a shared CI machine's.
     */
    private final Expressions batches = new Expressions(ExpressionLimits.defaults().withTime(Duration.ofSeconds(60), 200));

    /** {trigger: {events: [{id: 1, n: 1, store: "s1"}, ...]}} like a Kafka micro-batch. */
    private static JsonNode batch(int size) {
        ArrayNode events = NODES.arrayNode();
        for (int i = 1; i <= size; i++) {
            events.add(NODES.objectNode().put("id", i).put("n", i % 1000).put("store", "s" + (i % 10)));
        }
        ObjectNode context = NODES.objectNode();
        context.putObject("trigger").set("events", events);
        return context;
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1..200].({'id': $})", "[1..200].({'id': $, 'twice': $ * 2})", "[1..500].[$, $ * 2]"})
    void aRangeOfHundredsIsMappedToObjectsAndArrays(String expression) {
        JsonNode out = expressions.evaluate(expression, NODES.objectNode());

        int size = expression.contains("500") ? 500 : 200;
        assertThat(out.size()).isEqualTo(size);
        JsonNode last = out.get(size - 1);
        assertThat(last.isArray() ? last.get(0).asInt() : last.get("id").asInt()).isEqualTo(size);
    }

    @Test
    void aBatchIsMapped() {
        JsonNode out = batches.evaluate("trigger.events.({'key': id, 'double': n * 2, 'store': store})", BATCH);

        assertThat(out.size()).isEqualTo(EVENTS);
        assertThat(out.get(0).get("key").asInt()).isEqualTo(1);
        assertThat(out.get(EVENTS - 1).get("key").asInt()).isEqualTo(EVENTS);
        assertThat(out.get(1233).get("double").asInt()).isEqualTo(2 * 234);
    }

    @Test
    void aBatchIsMappedWithALambda() {
        JsonNode out = batches.evaluate("$map(trigger.events, function($e, $i) { {'id': $e.id, 'i': $i} })", BATCH);

        assertThat(out.size()).isEqualTo(EVENTS);
        assertThat(out.get(EVENTS - 1).get("i").asInt()).isEqualTo(EVENTS - 1);
    }

    @Test
    void aBatchIsFiltered() {
        JsonNode out = batches.evaluate("trigger.events[n >= 500].id", BATCH);

        assertThat(out.size()).isEqualTo(EVENTS / 2);
        assertThat(out.get(0).asInt()).isEqualTo(500);
    }

    @Test
    void aBatchIsSortedWithAComparator() {
        JsonNode out = batches.evaluate("$sort(trigger.events, function($a, $b) { $a.n < $b.n }).n", BATCH);

        assertThat(out.size()).isEqualTo(EVENTS);
        assertThat(out.get(0).asInt()).isEqualTo(999);
        assertThat(out.get(EVENTS - 1).asInt()).isEqualTo(0);
    }

    @Test
    void aBatchIsSortedWithTheOrderByOperator() {
        JsonNode out = batches.evaluate("trigger.events^(>n, id).id", BATCH);

        assertThat(out.size()).isEqualTo(EVENTS);
        assertThat(out.get(0).asInt()).isEqualTo(999);
        assertThat(out.get(EVENTS - 1).asInt()).isEqualTo(EVENTS);
    }

    @Test
    void aBatchIsReduced() {
        JsonNode out = batches.evaluate("$reduce(trigger.events, function($sum, $e) { $sum + $e.n }, 0)", BATCH);

        assertThat(out.asLong()).isEqualTo(100L * (999L * 1000 / 2)); // 100 rounds of 0..999
    }

    /**
     * A thousand groups of a hundred. A few huge groups (the library's quadratic spot) are in
     * {@link ExpressionsAtBatchSizeTest#groupingIntoAFewHugeGroupsIsLinear}.
     */
    @Test
    void aBatchIsGrouped() {
        JsonNode out = batches.evaluate("trigger.events{$string(n): {'count': $count(id), 'stores': $count($distinct(store))}}", BATCH);

        assertThat(out.size()).isEqualTo(1000);
        assertThat(out.get("234").get("count").asInt()).isEqualTo(EVENTS / 1000);
        assertThat(out.get("234").get("stores").asInt()).isEqualTo(1); // ids ending in 234 are all in store s4
    }

    @Test
    void aBatchIsMerged() {
        JsonNode out = batches.evaluate("$merge(trigger.events.{$string(id): n})", BATCH);

        assertThat(out.size()).isEqualTo(EVENTS);
        assertThat(out.get("100000").asInt()).isEqualTo(0);
    }

    @Test
    void aRunawayRecursionEndsWithTheDepthLimit() {
        assertThatThrownBy(() -> expressions.evaluate("($f := function($n){ $f($n+1) + 1 }; $f(0))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("deeper than the depth limit of 200");
    }

    /** A call in tail position does not nest (JSONata loops instead), so the clock ends it. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aRunawayTailRecursionEndsWithTheTimeLimit() {
        assertThatThrownBy(() -> expressions.evaluate("($f := function($n){ $f($n+1) }; $f(0))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("longer than the time limit of 1000 ms");
    }

    /** The library's $pad concatenated in a loop: a million characters held a core for minutes. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void padIsLinearAndBounded() {
        assertThat(batches.evaluate("$length($pad('', 1000000, 'ab'))", NODES.objectNode()).asInt()).isEqualTo(1_000_000);
        assertThat(batches.evaluate("$pad('x', -5, 'ab')", NODES.objectNode()).asString()).isEqualTo("ababx");
        assertThat(batches.evaluate("$pad('x', 4)", NODES.objectNode()).asString()).isEqualTo("x   ");
        assertThatThrownBy(() -> batches.evaluate("$length($pad('', 100000000, 'ab'))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("over the size limit of 10000000 characters");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void stringsDoubledByConcatenationEndWithTheSizeLimit() {
        assertThatThrownBy(() -> batches.evaluate(
                "($s := function($x, $n) { $n = 0 ? $x : $s($x & $x, $n - 1) }; $length($s('ab', 40)))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("over the size limit of 10000000 characters");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void oneLongStringRepeatedInAnAnswerEndsWithTheSizeLimit() {
        assertThatThrownBy(() -> batches.evaluate("($s := $pad('', 9000000, 'ab'); [1..20].($s))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("characters of text altogether");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aReplacementThatWouldExplodeIsRefusedBeforeItIsBuilt() {
        assertThat(batches.evaluate("$replace('a-b-c', '-', '+')", NODES.objectNode()).asString()).isEqualTo("a+b+c");
        assertThat(batches.evaluate("$replace('a-b-c', /-/, '$0$0', 1)", NODES.objectNode()).asString()).isEqualTo("a--b-c");
        assertThatThrownBy(() -> batches.evaluate("($s := $pad('', 5000, 'a'); $replace($s, 'a', $s))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("over the size limit of 10000000 characters");
    }

    /** Figures for the report, not assertions of speed. */
    @Test
    void printsWhatABatchCosts() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long heapBefore = runtime.totalMemory() - runtime.freeMemory();
        long start = System.nanoTime();
        JsonNode mapped = batches.evaluate("trigger.events.({'key': id, 'double': n * 2, 'store': store})", BATCH);
        long mapMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(mapped.size()).isEqualTo(EVENTS);
        mapped = null;
        start = System.nanoTime();
        assertThatThrownBy(() -> expressions.evaluate("$length($pad('', 100000000, 'ab'))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class);
        long padMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        assertThatThrownBy(() -> expressions.evaluate("($f := function($n){ $f($n+1) }; $f(0))", NODES.objectNode()))
                .isInstanceOf(ExpressionException.class);
        long loopMillis = (System.nanoTime() - start) / 1_000_000;
        System.gc();
        long heapAfter = runtime.totalMemory() - runtime.freeMemory();
        System.out.printf("[expression figures] map 100,000 events: %d ms; $pad over the size limit fails after %d ms;"
                + " endless tail recursion fails after %d ms; heap used %d MB before, %d MB after (after GC)%n",
                mapMillis, padMillis, loopMillis, heapBefore >> 20, heapAfter >> 20);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "($s := $pad('', 1000, 'ab'); $length($join([1..20000].($s))))",
            "$length($join([$pad('', 6000000, 'x'), $pad('', 6000000, 'y')]))",
            "($s := $pad('', 100000, 'x'); $length($string([1..200].($s))))",
            "$count([1..100000000])",
            "$count($append([1..900000], [1..900000]))",
            "$count([1..2000000])",
    })
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void builtInsThatBuildHugeValuesEndWithTheSizeLimit(String expression) {
        assertThatThrownBy(() -> batches.evaluate(expression, NODES.objectNode()))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("over the size limit of");
    }
}
