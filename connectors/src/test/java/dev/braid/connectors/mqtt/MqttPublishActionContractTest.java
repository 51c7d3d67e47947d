package dev.braid.connectors.mqtt;

import dev.braid.connectors.ActionContractTest;
import dev.braid.connectors.ActionFixture;

class MqttPublishActionContractTest extends ActionContractTest {
    @Override
    protected ActionFixture fixture() {
        return new MqttFixture();
    }
}
