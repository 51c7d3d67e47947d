package dev.braid.engine.expr;

import java.time.Duration;

/**
 * What one evaluation may use (ARCHITECTURE §2, §11). The time limit covers the whole evaluation,
 * built-ins included; the depth limit counts nested evaluation (a recursive function adds a level
 * per call), never the number of items a map, filter or sort walks; the size limits hold for every
 * string, array and object an expression builds, checked where built-ins ({@code $pad},
 * {@code $join}, {@code $string}, {@code $replace}, {@code $append}, {@code $merge}, ranges) and
 * operators ({@code &}) produce them.
 *
 * @param timeLimit       wall-clock time of one evaluation
 * @param maxDepth        nesting of evaluation: recursion, not items
 * @param maxStringLength characters of one string
 * @param maxItems        entries of one array or object
 */
public record ExpressionLimits(Duration timeLimit, int maxDepth, int maxStringLength, int maxItems) {

    /** 10 million characters: a large CSV or JSON document, far from what a step should carry. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 10_000_000;
    /** One million entries: ten times the largest batch ARCHITECTURE §11 maps. */
    public static final int DEFAULT_MAX_ITEMS = 1_000_000;

    public ExpressionLimits {
        if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("the expression time limit must be positive, not " + timeLimit);
        }
        if (maxDepth < 1 || maxStringLength < 1 || maxItems < 1) {
            throw new IllegalArgumentException("expression limits must be positive: depth " + maxDepth
                    + ", string length " + maxStringLength + ", items " + maxItems);
        }
    }

    /** 1 s, a depth of 200, 10 million characters, 1 million items. */
    public static ExpressionLimits defaults() {
        return new ExpressionLimits(Duration.ofSeconds(1), 200, DEFAULT_MAX_STRING_LENGTH, DEFAULT_MAX_ITEMS);
    }

    public ExpressionLimits withTime(Duration time, int depth) {
        return new ExpressionLimits(time, depth, maxStringLength, maxItems);
    }
}
