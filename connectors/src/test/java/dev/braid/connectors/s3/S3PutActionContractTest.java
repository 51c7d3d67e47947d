package dev.braid.connectors.s3;

import static dev.braid.connectors.Json.json;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;
import tools.jackson.databind.node.ObjectNode;

class S3PutActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return S3Fixture.of("put", "contract", (ObjectNode) json("{key: 'contract/put.json', body: {order: 7, total: 19.5}}"),
                json("{bucket: 'no-such-bucket', key: 'a.txt', body: 'x'}"));
    }
}
