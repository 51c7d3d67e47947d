package dev.braid.engine.spi;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A named set of actions (and, optionally, {@link #triggers() trigger sources}) plus the JSON Schema of
 * its connection settings; a catalogue entry.
 * Found through {@link java.util.ServiceLoader}: a jar lists its implementations in
 * {@code META-INF/services/dev.braid.engine.spi.Connector}.
 *
 * <pre>{@code
 * public final class CoreConnector implements Connector {
 *   public String name() { return "core"; }
 *   public Map<String, Action> actions() { return Map.of("log", new LogAction()); }
 * }
 * }</pre>
 */
public interface Connector {

    /** Lower-case name, the prefix of its actions: {@code http} in {@code http.request}. */
    String name();

    /** Actions by their short name ({@code request}); the recipe names them {@code http.request}. */
    Map<String, Action> actions();

    /**
     * Its consuming side, by trigger type ({@code kafka}): sources that read events from the outside
     * system and start runs (see {@link TriggerSource}); none for a connector that only acts.
     */
    default Map<String, TriggerSource> triggers() {
        return Map.of();
    }

    /** JSON Schema of the connection settings; an empty object schema when it needs no connection. */
    default JsonNode connectionSchema() {
        return JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    /**
     * The connection a step uses when it names none, e.g. {@code braid-kafka} (Braid's own Kafka) for
     * {@code kafka}; null when a step without {@code connection:} gets no settings at all.
     */
    default String defaultConnection() {
        return null;
    }

    default String description() {
        return "";
    }
}
