package dev.braid.connectors.http;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class HttpRequestActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new HttpRequestFixture();
    }
}
