package dev.braid.connectors.amqp;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ConnectorRegistry;

class AmqpConnectorTest {

    @Test
    void isFoundWithItsTriggerAndSecretPassword() {
        try (ConnectorRegistry registry = ConnectorRegistry.load()) {
            assertThat(registry.action("amqp.publish")).isPresent();
            assertThat(registry.triggerSource("amqp")).isPresent();
            assertThat(registry.connector("amqp").orElseThrow().connectionSchema().path("properties").path("password")
                    .path("x-secret").asBoolean()).isTrue();
            assertThat(registry.triggerSource("amqp").orElseThrow().source().settingsSchema().path("required"))
                    .extracting(n -> n.asString()).containsExactly("connection", "queue");
        }
    }

    @Test
    void theMessageCarriesTheStepsKeyAsItsIdAndATextBodyAsText() throws Exception {
        try (AmqpFixture fixture = new AmqpFixture()) {
            var out = fixture.action().execute(aContext().runId("r-1").stepPath("notify").connection(fixture.connection()).build(),
                    object("{routingKey: 'orders', payload: 'order 7 shipped', persistent: false}"));

            assertThat(out.output().path("messageId").asString()).isEqualTo("r-1/notify");
            assertThat(fixture.effects()).isEqualTo(1);
            var message = fixture.received.getFirst();
            assertThat(new String(message.getBody())).isEqualTo("order 7 shipped");
            assertThat(message.getProps().getContentType()).isEqualTo("text/plain");
            assertThat(message.getProps().getMessageId()).isEqualTo("r-1/notify");
        }
    }

    @Test
    void anUnreachableBrokerIsRetryable() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        AmqpConnector connector = new AmqpConnector();
        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("publish").execute(
                aContext().connection(json("{host: '127.0.0.1', port: " + port + ", connectTimeout: 2}")).build(),
                object("{routingKey: 'orders', payload: 1}")));
        connector.close();

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("amqp.unavailable");
    }

    @Test
    void wrongCredentialsAreFatal() throws Exception {
        try (AmqpFixture fixture = new AmqpFixture()) {
            ActionException e = catchThrowableOfType(ActionException.class, () -> fixture.action().execute(
                    aContext().connection(json("{host: '127.0.0.1', port: " + fixture.broker.port()
                            + ", username: 'guest', password: 'wrong-pw'}")).build(), object("{routingKey: 'orders', payload: 1}")));

            assertThat(e.retryable()).isFalse();
            assertThat(e.type()).isEqualTo("amqp.rejected");
            assertThat(e.getMessage()).doesNotContain("wrong-pw");
        }
    }
}
