package dev.braid.engine.spi;

/**
 * One thing wrong with a step's {@code with:} block, found when the recipe is saved
 * ({@link Action#check}).
 *
 * @param pointer where, as a JSON Pointer below {@code with} ({@code /parameters/petId}, {@code /body/tags/0/name};
 *                {@code ""} for the block itself); the recipe's error points at that line, or at the nearest
 *                enclosing one when the value is missing
 * @param message what is wrong and how to fix it, e.g. {@code "unknown operation 'getPet'; did you mean 'getPetById'?"}
 */
public record InputProblem(String pointer, String message) {}
