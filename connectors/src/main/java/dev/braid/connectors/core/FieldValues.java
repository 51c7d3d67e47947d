package dev.braid.connectors.core;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * How {@code core.reconcile} sees JSON values: one rule for key identity and one for field equality,
 * so that a key and a compared field never disagree about whether {@code 1} and {@code 1.0} are the same.
 *
 * <ul>
 *   <li>Numbers are compared by value: {@code 1}, {@code 1.0} and {@code 1.00} are equal (SQL numeric
 *       columns come back with their scale, JSON APIs often without).</li>
 *   <li>Types are not coerced: the string {@code "1"} and the number {@code 1} differ, because a copy
 *       that turned a number into text has drifted.</li>
 *   <li>An absent field and {@code null} are equal: a row from a query that selects a NULL column and a
 *       JSON document that leaves the field out say the same thing.</li>
 *   <li>Objects and arrays are compared member by member with these same rules.</li>
 * </ul>
 */
final class FieldValues {

    /** Stands for a null key value in a hash key ({@code List.of} and friends refuse null). */
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private FieldValues() {}

    /**
     * A hash key for one value: equal for values this class calls equal (numbers by value). Integers
     * become {@link Long}, other numbers a {@link BigDecimal} without trailing zeros, or a Long when
     * they are whole; text a {@link String}; containers stay nodes (deep equality).
     */
    static Object hashKey(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return NULL;
        }
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isNumber()) {
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.longValue();
            }
            BigDecimal d = value.decimalValue().stripTrailingZeros();
            if (d.scale() <= 0) {
                try {
                    return d.longValueExact();
                } catch (ArithmeticException tooBig) {
                    return d;
                }
            }
            return d;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        // A container as a key is unusual: Jackson's deep equality, numbers inside compared as written.
        return value;
    }

    /** Whether two field values are equal; {@code tolerance} (absolute, may be null) applies to numbers. */
    static boolean same(JsonNode left, JsonNode right, BigDecimal tolerance) {
        boolean leftNull = left == null || left.isNull() || left.isMissingNode();
        boolean rightNull = right == null || right.isNull() || right.isMissingNode();
        if (leftNull || rightNull) {
            return leftNull && rightNull;
        }
        if (left.isNumber() && right.isNumber()) {
            return sameNumber(left, right, tolerance);
        }
        if (left.isString() && right.isString()) {
            return left.stringValue().equals(right.stringValue());
        }
        if (left.isObject() && right.isObject()) {
            return sameObject(left, right, tolerance);
        }
        if (left.isArray() && right.isArray()) {
            if (left.size() != right.size()) {
                return false;
            }
            for (int i = 0; i < left.size(); i++) {
                if (!same(left.get(i), right.get(i), tolerance)) {
                    return false;
                }
            }
            return true;
        }
        // Booleans, binary and, above all, different types: "1" is not 1.
        return left.equals(right);
    }

    private static boolean sameObject(JsonNode left, JsonNode right, BigDecimal tolerance) {
        for (Map.Entry<String, JsonNode> e : left.properties()) {
            if (!same(e.getValue(), right.get(e.getKey()), tolerance)) {
                return false;
            }
        }
        // Members only the right has are equal only when they are null (absent on the left).
        for (Iterator<Map.Entry<String, JsonNode>> it = right.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!left.has(e.getKey()) && !e.getValue().isNull()) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameNumber(JsonNode left, JsonNode right, BigDecimal tolerance) {
        // The common case, one million times over: two integers, or two doubles, that are equal.
        if (left.isIntegralNumber() && right.isIntegralNumber() && left.canConvertToLong() && right.canConvertToLong()) {
            long l = left.longValue();
            long r = right.longValue();
            if (l == r) {
                return true;
            }
            if (tolerance == null) {
                return false;
            }
        } else if (left.isDouble() && right.isDouble() && left.doubleValue() == right.doubleValue()) {
            return true;
        }
        BigDecimal l = left.decimalValue();
        BigDecimal r = right.decimalValue();
        if (l.compareTo(r) == 0) {
            return true;
        }
        // Decimal arithmetic, so that a tolerance of 0.01 accepts 10.00 vs 10.01 exactly (doubles would not).
        return tolerance != null && l.subtract(r).abs().compareTo(tolerance) <= 0;
    }
}
