package dev.braid.engine.parse;

import java.util.Map;

/**
 * Where a recipe's parts were written (1-based lines, 0 when unknown): each step by its id, and the
 * trigger. The studio's graph points its nodes at these lines.
 */
public record SourceLines(Map<String, Integer> steps, int trigger) {

    public static final SourceLines NONE = new SourceLines(Map.of(), 0);

    public SourceLines {
        steps = Map.copyOf(steps);
    }

    public int step(String id) {
        return steps.getOrDefault(id, 0);
    }
}
