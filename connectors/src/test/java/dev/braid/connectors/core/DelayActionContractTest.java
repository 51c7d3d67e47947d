package dev.braid.connectors.core;

import static dev.braid.connectors.Json.object;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class DelayActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return ActionFixture.pure(new DelayAction(), object("{duration: '3s'}"));
    }
}
