package dev.braid.connectors.core;

import static dev.braid.connectors.Json.object;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class LogActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return ActionFixture.pure(new LogAction(), object("{message: 'order 7 received', level: 'warn'}"));
    }
}
