package dev.braid.connectors.core;

import static dev.braid.connectors.Json.object;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class TransformActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return ActionFixture.pure(new TransformAction(), object("{value: {order: 7, lines: [1, 2]}}"));
    }
}
