package dev.braid.connectors.amqp;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class AmqpPublishActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new AmqpFixture();
    }
}
