package dev.braid.app.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.braid.app.connections.Connections;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Braid's own Kafka as the connection {@code braid-kafka}, the one {@code kafka.*} steps use when they
 * name none. Written at every start: the embedded broker's port changes with each start, and an
 * operator may point {@code SPRING_KAFKA_BOOTSTRAP_SERVERS} elsewhere between starts.
 */
@Component
class BraidKafkaConnection {

    static final String NAME = dev.braid.connectors.kafka.KafkaConnector.DEFAULT_CONNECTION;
    private static final Logger log = LoggerFactory.getLogger(BraidKafkaConnection.class);

    private final BraidKafka kafka;
    private final Connections connections;
    private final ConnectorRegistry connectors;

    BraidKafkaConnection(BraidKafka kafka, Connections connections, ConnectorRegistry connectors) {
        this.kafka = kafka;
        this.connections = connections;
        this.connectors = connectors;
    }

    @EventListener(ApplicationReadyEvent.class)
    void point() {
        // The embedded broker starts now if nothing needed it during the start: the server is up, and producers
        // outside (kafka.port) find it a few seconds later.
        kafka.start();
        if (kafka.bootstrapServers() == null || connectors.connector("kafka").isEmpty()) {
            return;
        }
        ObjectNode settings = JsonNodeFactory.instance.objectNode().put("bootstrapServers", kafka.bootstrapServers());
        try {
            connections.save(NAME, "kafka", settings);
            log.info("Connection '{}' points at Braid's own Kafka ({})", NAME, kafka.bootstrapServers());
        } catch (RuntimeException e) {
            // Kafka steps name another connection then; the server is useful without this one.
            log.warn("Connection '{}' could not be written: {}", NAME, e.getMessage());
        }
    }
}
