package dev.braid.connectors.s3;

import static dev.braid.connectors.Json.json;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;
import tools.jackson.databind.node.ObjectNode;

class S3ListActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return S3Fixture.of("list", "contract", (ObjectNode) json("{prefix: 'contract/', maxKeys: 10}"),
                json("{bucket: 'no-such-bucket'}"));
    }
}
