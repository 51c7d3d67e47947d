package dev.braid.engine.parse;

/**
 * One problem of a recipe document: where ({@code path} like {@code steps[1].with.url}, 1-based
 * {@code line} and {@code column} in the source, 0 when unknown) and a sentence saying what to fix.
 */
public record ValidationError(String path, int line, int column, String message) {}
