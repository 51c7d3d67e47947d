package dev.braid.app.triggers.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import dev.braid.app.connections.Connections;
import dev.braid.app.kafka.BraidKafka;
import tools.jackson.databind.JsonNode;

/**
 * The consumer properties of a recipe's trigger: Braid's own Kafka, or the {@code kafka} connection
 * the trigger names. A connection's settings are {@code bootstrapServers} (required),
 * {@code securityProtocol}, {@code saslMechanism}, {@code saslJaasConfig} and {@code properties} (any
 * further client properties, e.g. {@code ssl.truststore.location}), handed to the client as they are.
 */
final class KafkaClientSettings {

    private KafkaClientSettings() {}

    static Map<String, Object> consumer(String slug, KafkaTriggerSettings trigger, BraidKafka braidKafka, Connections connections) {
        Map<String, Object> props = new HashMap<>();
        if (trigger.connection() == null) {
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, braidKafka.requireBootstrapServers());
        } else {
            props.putAll(fromConnection(trigger.connection(), connections));
        }
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "braid." + slug);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "braid." + slug);
        // Offsets are committed by hand, after PostgreSQL has the events and their runs.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, trigger.startFrom());
        // Batch mode writes a whole poll in few statements: bigger polls, fewer round trips.
        int maxPoll = trigger.batch() == null ? 500 : Math.max(500, Math.min(trigger.batch().maxSize(), 5000));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll);
        return props;
    }

    private static Map<String, Object> fromConnection(String name, Connections connections) {
        Connections.Resolved connection = connections.resolve(name).orElseThrow(() -> new IllegalStateException(
                "The trigger's connection '" + name + "' does not exist; create a kafka connection with bootstrapServers"));
        if (!"kafka".equals(connection.connector())) {
            throw new IllegalStateException("The trigger's connection '" + name + "' is a '" + connection.connector()
                    + "' connection; a Kafka trigger needs a kafka connection");
        }
        JsonNode s = connection.settings();
        if (!s.hasNonNull("bootstrapServers")) {
            throw new IllegalStateException("The kafka connection '" + name + "' has no bootstrapServers");
        }
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", s.path("bootstrapServers").asString());
        copy(s, "securityProtocol", "security.protocol", props);
        copy(s, "saslMechanism", "sasl.mechanism", props);
        copy(s, "saslJaasConfig", "sasl.jaas.config", props);
        s.path("properties").properties().forEach(e -> props.put(e.getKey(), e.getValue().asString()));
        return props;
    }

    private static void copy(JsonNode settings, String field, String property, Map<String, Object> props) {
        if (settings.hasNonNull(field)) {
            props.put(property, settings.path(field).asString());
        }
    }
}
