package dev.braid.connectors.bench;

import static dev.braid.connectors.TestActionContext.aContext;

import dev.braid.connectors.core.ReconcileBenchRows;
import dev.braid.connectors.core.ReconcileAction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code core.reconcile} over 1,000,000 rows a side (the ARCHITECTURE §11 target), outside the unit-test run
 * because the two sides alone take about a gigabyte of heap. Prints the time of each of a few rounds
 * (the first includes JIT warm-up) and the heap in use, and checks the result so a fast wrong answer
 * cannot pass for a figure:
 *
 * <pre>
 * ./mvnw -B -q -pl connectors -am test-compile
 * ./mvnw -B -q -pl connectors -am dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx4g -cp "connectors/target/test-classes:connectors/target/classes:recipe-engine/target/classes:$(cat /tmp/cp.txt)" \
 *      dev.braid.connectors.bench.ReconcileBench 1000000
 * </pre>
 */
public final class ReconcileBench {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        ArrayNode left = JsonNodeFactory.instance.arrayNode(rows);
        ArrayNode right = JsonNodeFactory.instance.arrayNode(rows);
        ReconcileBenchRows.fill(left, right, rows);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long inputHeap = rt.totalMemory() - rt.freeMemory();
        ObjectNode with = JsonNodeFactory.instance.objectNode().put("key", "id").put("tolerance", 0.01);
        with.set("left", left);
        with.set("right", right);
        ReconcileAction action = new ReconcileAction();
        for (int round = 1; round <= 3; round++) {
            long start = System.nanoTime();
            JsonNode out = action.execute(aContext().build(), with).output();
            long millis = (System.nanoTime() - start) / 1_000_000;
            long peak = rt.totalMemory() - rt.freeMemory();
            JsonNode counts = out.get("counts");
            if (counts.get("missing").asInt() != 3 || counts.get("extra").asInt() != 2 || counts.get("different").asInt() != 3
                    || counts.get("matched").asInt() != rows - 6) {
                throw new AssertionError("wrong result: " + counts);
            }
            System.out.printf("round %d: %,d vs %,d rows in %,d ms; heap: input %,d MB, in use after the run %,d MB; %s%n",
                    round, left.size(), right.size(), millis, inputHeap >> 20, peak >> 20, counts);
        }
    }
}
