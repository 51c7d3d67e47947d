package dev.braid.engine.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two costs that grew with the data rather than with the expression (issue 13, ARCHITECTURE §11):
 * a large step output in the run context, paid again by every later {@code {{ }}}, and grouping
 * into a few huge groups. The answers are asserted on a long clock (60 s) so that a loaded machine
 * cannot fail them; the times are printed as figures, not asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExpressionsAtBatchSizeTest {

    private static final int ROWS = 100_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Expressions expressions = new Expressions(ExpressionLimits.defaults().withTime(Duration.ofSeconds(60), 200));

    /**
     * What a foreach body sees after {@code sql.query} read 100,000 rows: {@code steps.read.output.rows},
     * a chunk of the rows as {@code rows}, and one {@code item}.
     */
    private static ObjectNode contextWithABigStepOutput(int rows) {
        ArrayNode read = NODES.arrayNode();
        for (int i = 1; i <= rows; i++) {
            read.add(NODES.objectNode().put("id", i).put("name", "row " + i).put("amount", i * 0.5).put("device", "d" + (i % 10))
                    .put("account", "a" + (i % 10_000)));
        }
        ObjectNode context = NODES.objectNode();
        context.putObject("steps").putObject("read").putObject("output").set("rows", read);
        context.putObject("trigger").put("source", "manual");
        context.putObject("run").put("id", "r1").put("recipe", "bulk").put("attempt", 1);
        context.putObject("secrets");
        return context;
    }

    @Test
    void smallTemplatesDoNotPayForABigStepOutputTheyDoNotRead() {
        ObjectNode context = contextWithABigStepOutput(ROWS);
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            context.set("item", NODES.objectNode().put("x", i).put("label", "item " + i));
            JsonNode rendered = expressions.render(NODES.objectNode().put("x", "{{ item.x }}").put("text", "{{ item.label }} of {{ run.recipe }}"), context);
            assertThat(rendered.get("x").asInt()).isEqualTo(i);
            assertThat(rendered.get("text").asString()).isEqualTo("item " + i + " of bulk");
            assertThat(expressions.test("item.x >= 0 and run.attempt = 1", context)).isTrue();
            assertThat(expressions.evaluate("item.x * 2", context).asInt()).isEqualTo(2 * i);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[expression figures] 100 renders + 100 tests + 100 evaluations of small expressions beside"
                + " a step output of %,d rows: %d ms (%.1f ms each)%n", ROWS, millis, millis / 300.0);
    }

    @Test
    void aBigStepOutputIsStillReadWhereAnExpressionAsksForIt() {
        ObjectNode context = contextWithABigStepOutput(ROWS);
        long start = System.nanoTime();
        JsonNode count = expressions.evaluate("$count(steps.read.output.rows[amount > 25000])", context);
        JsonNode last = expressions.render(NODES.stringNode("{{ steps.read.output.rows[-1] }}"), context);
        JsonNode sum = expressions.evaluate("$sum(steps.read.output.rows.amount)", context);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(count.asInt()).isEqualTo(ROWS - 50_000);
        assertThat(last.get("id").asInt()).isEqualTo(ROWS);
        assertThat(last.get("name").asString()).isEqualTo("row " + ROWS);
        assertThat(sum.asLong()).isEqualTo((long) ROWS * (ROWS + 1) / 4);
        System.out.printf("[expression figures] filter, last row and sum over a step output of %,d rows: %d ms%n", ROWS, millis);
    }

    @Test
    void aChunkIsRenderedAsItsRows() {
        ObjectNode context = contextWithABigStepOutput(ROWS);
        JsonNode all = context.get("steps").get("read").get("output").get("rows");
        long start = System.nanoTime();
        int chunks = 0;
        for (int from = 0; from < ROWS; from += 1000) {
            ArrayNode chunk = NODES.arrayNode();
            for (int i = from; i < from + 1000; i++) {
                chunk.add(all.get(i));
            }
            context.set("rows", chunk);
            context.set("item", chunk);
            JsonNode rendered = expressions.render(NODES.objectNode().put("table", "bulk.target").put("rows", "{{ rows }}"), context);
            assertThat(rendered.get("rows").size()).isEqualTo(1000);
            assertThat(rendered.get("rows").get(0)).isEqualTo(all.get(from));
            assertThat(rendered.get("rows").get(999).get("id").asInt()).isEqualTo(from + 1000);
            chunks++;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[expression figures] %d chunks of 1000 rendered as {{ rows }} beside a step output of %,d rows:"
                + " %d ms (%.1f ms a chunk)%n", chunks, ROWS, millis, millis / (double) chunks);
    }

    @Test
    void groupingIntoAFewHugeGroupsIsLinear() {
        ObjectNode context = contextWithABigStepOutput(ROWS);
        long cpu = cpuNanos();
        long start = System.nanoTime();
        JsonNode out = expressions.evaluate("steps.read.output.rows{device: {'count': $count(id), 'total': $sum(amount)}}", context);
        long tenGroups = (System.nanoTime() - start) / 1_000_000;

        assertThat(out.size()).isEqualTo(10);
        assertThat(out.get("d3").get("count").asInt()).isEqualTo(ROWS / 10);
        long sumD0 = 0;
        for (int i = 10; i <= ROWS; i += 10) {
            sumD0 += i;
        }
        assertThat(out.get("d0").get("total").asDouble()).isEqualTo(sumD0 * 0.5);

        start = System.nanoTime();
        JsonNode counts = expressions.evaluate("steps.read.output.rows{device: $count($)}", context);
        long tenCounts = (System.nanoTime() - start) / 1_000_000;
        assertThat(counts.get("d7").asInt()).isEqualTo(ROWS / 10);

        start = System.nanoTime();
        JsonNode fine = expressions.evaluate("steps.read.output.rows{account: {'count': $count(id), 'first': $min(id)}}", context);
        long tenThousandGroups = (System.nanoTime() - start) / 1_000_000;
        assertThat(fine.size()).isEqualTo(10_000);
        assertThat(fine.get("a0").get("count").asInt()).isEqualTo(10);
        assertThat(fine.get("a0").get("first").asInt()).isEqualTo(10_000);
        assertThat(fine.get("a9999").get("first").asInt()).isEqualTo(9999);

        start = System.nanoTime();
        JsonNode one = expressions.evaluate("steps.read.output.rows{'all': $count(id)}", context);
        long oneGroup = (System.nanoTime() - start) / 1_000_000;
        assertThat(one.get("all").asInt()).isEqualTo(ROWS);
        long cpuMillis = (cpuNanos() - cpu) / 1_000_000;

        System.out.printf("[expression figures] group %,d rows into 10 groups: %d ms (count only %d ms); into 10,000 groups:"
                + " %d ms; into one group: %d ms (wall clock; the four took %d ms of this thread's CPU time)%n",
                ROWS, tenGroups, tenCounts, tenThousandGroups, oneGroup, cpuMillis);
    }

    /** This thread's CPU time: on a shared machine the wall clock mostly measures the neighbours. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** A group of one item is the item itself, a group of more is their array, arrays flattened (JSONata's rules). */
    @Test
    void groupsKeepJsonatasShapes() {
        JsonNode context = NODES.objectNode().set("events", NODES.arrayNode()
                .add(NODES.objectNode().put("k", "a").put("v", 1))
                .add(NODES.objectNode().put("k", "b").put("v", 2))
                .add(NODES.objectNode().put("k", "b").put("v", 3))
                .add(NODES.objectNode().put("k", "c").set("v", NODES.arrayNode().add(4).add(5)))
                .add(NODES.objectNode().put("k", "c").set("v", NODES.arrayNode().add(6))));

        assertThat(expressions.evaluate("events{k: v}", context).toString()).isEqualTo("{\"a\":1,\"b\":[2,3],\"c\":[4,5,6]}");
        assertThat(expressions.evaluate("events{k: $}", context).get("a").get("v").asInt()).isEqualTo(1);
        assertThat(expressions.evaluate("events{k: $count($)}", context).toString()).isEqualTo("{\"a\":1,\"b\":2,\"c\":2}");
        assertThat(expressions.evaluate("events.v{'all': $}", context).toString()).isEqualTo("{\"all\":[1,2,3,4,5,6]}");
        assertThat(expressions.evaluate("events@$e{$e.k: $count($e)}", context).toString()).isEqualTo("{\"a\":1,\"b\":2,\"c\":2}");
        assertThat(expressions.evaluate("events@$e{$e.k: $sum($e.v)}", context).toString()).isEqualTo("{\"a\":1,\"b\":5,\"c\":15}");
        assertThat(expressions.evaluate("[]{'none': $count($)}", context).toString()).isEqualTo("{\"none\":0}");
    }
}
