package dev.braid.connectors.core;

import static dev.braid.connectors.Json.object;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class ReconcileActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return ActionFixture.pure(new ReconcileAction(), object("""
                {left: [{id: 1, amount: 10.00}, {id: 2, amount: 5}], right: [{id: 1, amount: 10.001}, {id: 3, amount: 1}],
                 key: 'id', tolerance: 0.01}"""));
    }
}
