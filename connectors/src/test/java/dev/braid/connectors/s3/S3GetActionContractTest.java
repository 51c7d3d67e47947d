package dev.braid.connectors.s3;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;
import tools.jackson.databind.node.ObjectNode;

class S3GetActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        S3Fixture fixture = S3Fixture.of("get", "contract", (ObjectNode) json("{key: 'contract/get.json', as: 'json'}"),
                json("{key: 'contract/no-such-key.json'}"));
        try {
            fixture.connector().actions().get("put").execute(aContext().connection(fixture.connection()).build(),
                    json("{key: 'contract/get.json', body: {order: 7}}"));
        } catch (dev.braid.engine.spi.ActionException e) {
            throw new IllegalStateException(e);
        }
        return fixture;
    }
}
