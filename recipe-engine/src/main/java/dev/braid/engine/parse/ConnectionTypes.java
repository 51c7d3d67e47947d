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

    /**
     * A non-secret setting of a connection as text, for checks a trigger needs at save time:
     * {@code settingOf("shop-db", "url")} answers {@code "jdbc:postgresql://db:5432/shop"} (a cdc trigger
     * reads PostgreSQL only). Empty when the connection or the setting does not exist, or is not known here.
     */
    default Optional<String> settingOf(String connectionName, String setting) {
        return Optional.empty();
    }

    /**
     * The non-secret settings of a connection, for an action that checks a step against them when the recipe is
     * saved ({@link dev.braid.engine.spi.Action#check}): an {@code openapi} connection's document. Empty when the
     * connection does not exist or its settings are not known here.
     */
    default Optional<tools.jackson.databind.JsonNode> settingsOf(String connectionName) {
        return Optional.empty();
    }

    /**
     * Why the default connection of {@code connector} — the one its steps and triggers use when they name none
     * (Braid's own Kafka for {@code kafka}) — cannot be used on this server, with the setting that would make it
     * usable; empty when it can, or when the connector has no default connection.
     */
    default Optional<String> defaultConnectionProblem(String connector) {
        return Optional.empty();
    }
}
