package dev.braid.connectors.mqtt;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ConnectorRegistry;

class MqttConnectorTest {

    @Test
    void isFoundWithItsTriggerAndSecretPassword() {
        try (ConnectorRegistry registry = ConnectorRegistry.load()) {
            assertThat(registry.action("mqtt.publish")).isPresent();
            assertThat(registry.triggerSource("mqtt")).isPresent();
            assertThat(registry.connector("mqtt").orElseThrow().connectionSchema().path("properties").path("password")
                    .path("x-secret").asBoolean()).isTrue();
            assertThat(registry.triggerSource("mqtt").orElseThrow().source().settingsSchema().path("required"))
                    .extracting(n -> n.asString()).containsExactly("connection", "topics");
        }
    }

    @Test
    void aTextPayloadIsSentAsItIsAndRetained() throws Exception {
        try (MqttFixture fixture = new MqttFixture()) {
            var out = fixture.action().execute(aContext().connection(fixture.connection()).build(),
                    object("{topic: 'plant/line-2/state', payload: 'running', retain: true}"));

            assertThat(out.output().path("retained").asBoolean()).isTrue();
            assertThat(out.output().path("bytes").asInt()).isEqualTo("running".length());
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.received.contains("plant/line-2/state running"));
        }
    }

    @Test
    void anUnreachableBrokerIsRetryable() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        MqttConnector connector = new MqttConnector();
        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("publish").execute(
                aContext().connection(json("{url: 'tcp://127.0.0.1:" + port + "', connectTimeout: 2}")).build(),
                object("{topic: 'a/b', payload: 1}")));
        connector.close();

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("mqtt.unavailable");
    }

    @Test
    void aConnectionWithoutUrlIsFatalAndNamed() {
        ActionException e = catchThrowableOfType(ActionException.class, () -> new MqttConnector().actions().get("publish")
                .execute(aContext().connection(json("{username: 'u'}")).build(), object("{topic: 'a/b', payload: 1}")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("url");
    }
}
