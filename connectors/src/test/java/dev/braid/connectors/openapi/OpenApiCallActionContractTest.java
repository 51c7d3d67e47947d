package dev.braid.connectors.openapi;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class OpenApiCallActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new OpenApiCallFixture();
    }
}
