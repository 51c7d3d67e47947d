package dev.braid.connectors.core;

import java.math.BigDecimal;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The rows of the large reconciliations: the 200,000-row unit test and the 1,000,000-row benchmark. */
public final class ReconcileBenchRows {

    private ReconcileBenchRows() {}

    /**
     * {@code rows} orders on the left; the right is a copy with 3 rows missing, 2 extra, 3 changed (one by more
     * than the tolerance, one status, one customer turned from text into a number), and every 200th amount off by
     * 0.004, inside the 0.01 tolerance. Rows at least 1,000: the changed and missing ids are fractions of it.
     */
    public static void fill(ArrayNode left, ArrayNode right, int rows) {
        for (int id = 1; id <= rows; id++) {
            BigDecimal amount = BigDecimal.valueOf(id).add(new BigDecimal("0.25"));
            left.add(row(id, "paid", amount).put("customer", "c" + id));
            if (id == 10 || id == rows / 2 + 10 || id == rows - 10) {
                continue;
            }
            ObjectNode copy = row(id, id == rows / 20 * 7 ? "open" : "paid",
                    id == 500 ? amount.add(new BigDecimal("0.02")) : id % 200 == 0 ? amount.add(new BigDecimal("0.004")) : amount);
            if (id == rows / 4 * 3) {
                copy.put("customer", id);
            } else {
                copy.put("customer", "c" + id);
            }
            right.add(copy);
        }
        right.add(row(rows + 1, "paid", BigDecimal.ONE).put("customer", "x"));
        right.add(row(rows + 2, "paid", BigDecimal.ONE).put("customer", "y"));
    }

    private static ObjectNode row(int id, String status, BigDecimal amount) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("status", status).put("amount", amount);
    }
}
