package dev.braid.connectors.s3;

import static dev.braid.connectors.Json.json;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;
import tools.jackson.databind.node.ObjectNode;

class S3DeleteActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return S3Fixture.of("delete", "contract", (ObjectNode) json("{key: 'contract/deleted.txt'}"),
                json("{bucket: 'no-such-bucket', key: 'a.txt'}"));
    }
}
