package dev.braid.connectors.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
