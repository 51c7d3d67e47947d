package dev.braid.engine.parse;

import java.util.Optional;

/**
 * Which connector a named connection belongs to, for checking a recipe against what exists when it
 * is saved: {@code connectorOf("crm")} answers {@code "http"}, or empty when there is no such
 * connection.
 */
@FunctionalInterface
public interface ConnectionTypes {

    Optional<String> connectorOf(String connectionName);
}
