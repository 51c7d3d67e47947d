package dev.braid.app.kafka;

import java.util.Optional;

import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

import dev.braid.app.connections.Connections;
import dev.braid.engine.parse.ConnectionTypes;

/**
 * The connections a recipe is checked against when it is saved, plus whether Braid's own Kafka (the default
 * connection of the {@code kafka} connector) exists on this node: a Kafka trigger or {@code kafka.*} step that
 * names no connection is refused — with the setting to set — on a node whose Kafka features are off, instead
 * of being saved to fail at every run.
 */
@Primary
@Component
class OwnKafkaConnectionTypes implements ConnectionTypes {

    private final Connections connections;
    private final BraidKafka kafka;

    OwnKafkaConnectionTypes(Connections connections, BraidKafka kafka) {
        this.connections = connections;
        this.kafka = kafka;
    }

    @Override
    public Optional<String> connectorOf(String connectionName) {
        return connections.connectorOf(connectionName);
    }

    @Override
    public Optional<String> settingOf(String connectionName, String setting) {
        return connections.settingOf(connectionName, setting);
    }

    @Override
    public Optional<tools.jackson.databind.JsonNode> settingsOf(String connectionName) {
        return connections.settingsOf(connectionName);
    }

    @Override
    public Optional<String> defaultConnectionProblem(String connector) {
        if (!"kafka".equals(connector) || kafka.on()) {
            return Optional.empty();
        }
        return Optional.of("Kafka features are off on this node: " + kafka.off()
                + "; or name a kafka connection with 'connection:'");
    }
}
