package dev.braid.connectors.mail;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.ActionException;

import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;

class MailConnectorTest {

    @Test
    void registryFindsMailSend() {
        ConnectorRegistry registry = ConnectorRegistry.load();

        assertThat(registry.connector("mail")).containsInstanceOf(MailConnector.class);
        assertThat(registry.action("mail.send")).containsInstanceOf(MailSendAction.class);
    }

    @Test
    void connectionSchemaMarksThePasswordSecretAndDescribesEverySetting() {
        JsonNode schema = new MailConnector().connectionSchema();

        assertThat(schema.path("required").valueStream().map(JsonNode::asString)).containsExactly("host");
        assertThat(schema.path("properties").path("password").path("x-secret").asBoolean()).isTrue();
        assertThat(schema.path("properties").path("port").path("default").asInt()).isEqualTo(587);
        assertThat(schema.path("properties").path("tls").path("default").asString()).isEqualTo("starttls");
        for (JsonNode property : schema.path("properties").values()) {
            assertThat(property.path("description").asString()).isNotBlank();
        }
        assertThat(new MailConnector().description()).isNotBlank();
    }

    @Test
    void aTestConnectsToTheSmtpServerAndSendsNothing() throws Exception {
        MailFixture smtp = new MailFixture();
        try {
            var found = new MailConnector().testConnection(aContext().connection(smtp.connection()).build());
            assertThat(found).hasValueSatisfying(d -> assertThat(d).contains("127.0.0.1:" + smtp.port()).contains("answered"));
            assertThat(smtp.effects()).as("no mail sent").isZero();
        } finally {
            smtp.greenMail.stop();
        }
    }

    @Test
    void aTestOfAServerThatIsNotThereFailsSayingWhere() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        JsonNode connection = json("{host: '127.0.0.1', port: " + closed + ", tls: 'none', timeout: '2s'}");
        assertThatThrownBy(() -> new MailConnector().testConnection(aContext().connection(connection).build()))
                .isInstanceOf(ActionException.class).hasMessageContaining("127.0.0.1:" + closed);
    }
}
