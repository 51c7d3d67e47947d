package dev.braid.engine.spi;

import java.util.Map;
import java.util.Optional;

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

    /**
     * Checks that a connection works — the connector reaches its system with {@code context.connection()}
     * (secrets opened) before {@code context.deadline()} — and answers a sentence of what it found, e.g.
     * {@code "select 1 answered on PostgreSQL 17.2"}; throws {@link ActionException} saying what failed.
     * Empty: this connector cannot test a connection. Called when a person asks (the connection form's
     * Test button), never by a run.
     *
     * <pre>{@code
     * public Optional<String> testConnection(ActionContext context) throws ActionException {
     *   try (var c = pool(context.connection()).getConnection()) { c.isValid(5); }
     *   return Optional.of("connected");
     * }
     * }</pre>
     */
    default Optional<String> testConnection(ActionContext context) throws ActionException {
        return Optional.empty();
    }

    /**
     * The operations one connection of this connector offers, for the catalogue and the studio
     * ({@code GET /api/v1/connections/{name}/operations}): {@code {items: [{operationId, method, path, summary,
     * parameters, requestBody}]}} for an {@code openapi} connection, read from its document. Empty when this
     * connector's connections have no operations of their own (their actions are the connector's).
     *
     * @param context {@code context.connection()} is the connection's settings; the answer must come before
     *                {@code context.deadline()}
     */
    default Optional<JsonNode> operations(ActionContext context) throws ActionException {
        return Optional.empty();
    }

    default String description() {
        return "";
    }
}
