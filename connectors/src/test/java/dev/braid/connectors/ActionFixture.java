package dev.braid.connectors;

import java.util.List;
import java.util.Optional;

import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@link ActionContractTest} needs to know about one action: inputs that work and fail, the
 * connection to use, and a view of the outside world the action talks to (a stub server), so the
 * contract can count effects and see forwarded idempotency keys.
 */
public interface ActionFixture extends AutoCloseable {

    Action action();

    /** An input the action accepts and carries out. */
    ObjectNode validInput();

    default JsonNode connection() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Values in {@link #connection()} that are secret: they must never show in an output or an error. */
    default List<String> secretValues() {
        return List.of();
    }

    /** Calls the outside world has received so far; always 0 for a pure action. */
    default int effects() {
        return 0;
    }

    /** The idempotency keys the outside world received, in order; empty when the action does not forward one. */
    default List<String> idempotencyKeysReceived() {
        return List.of();
    }

    default boolean forwardsIdempotencyKey() {
        return false;
    }

    /** An input that fails in a way another attempt may fix. */
    default Optional<JsonNode> transientFailureInput() {
        return Optional.empty();
    }

    /** An input that is valid but fails in a way no retry fixes. */
    default Optional<JsonNode> permanentFailureInput() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }

    /** A pure action with no outside world. */
    static ActionFixture pure(Action action, ObjectNode validInput) {
        return new ActionFixture() {
            @Override
            public Action action() {
                return action;
            }

            @Override
            public ObjectNode validInput() {
                return validInput;
            }
        };
    }
}
