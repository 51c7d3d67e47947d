package dev.braid.connectors.core;

import static dev.braid.connectors.Json.object;

import java.util.Optional;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ReconcileActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new ActionFixture() {
            private final ReconcileAction action = new ReconcileAction();

            @Override
            public Action action() {
                return action;
            }

            @Override
            public ObjectNode validInput() {
                return object("""
                        {left: [{id: 1, amount: 10.00}, {id: 2, amount: 5}], right: [{id: 1, amount: 10.001}, {id: 3, amount: 1}],
                         key: 'id', tolerance: 0.01}""");
            }

            /** Well-formed, but the rows have no field named by key: no retry can fix that. */
            @Override
            public Optional<JsonNode> permanentFailureInput() {
                return Optional.of(object("{left: [{orderId: 1}], right: [{orderId: 1}], key: 'id'}"));
            }
        };
    }
}
