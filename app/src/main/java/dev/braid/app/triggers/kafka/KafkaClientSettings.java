package dev.braid.app.triggers.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import dev.braid.app.connections.Connections;
import dev.braid.app.kafka.BraidKafka;
import dev.braid.connectors.kafka.KafkaSettings;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ActionException;

/**
 * The consumer properties of a recipe's trigger: Braid's own Kafka, or the {@code kafka} connection
 * the trigger names. A connection's settings are read by the kafka connector's
 * {@link KafkaSettings}, exactly as for {@code kafka.publish}.
 */
final class KafkaClientSettings {

    private KafkaClientSettings() {}

    static Map<String, Object> consumer(String slug, TriggerSettings.Kafka trigger, BraidKafka braidKafka, Connections connections) {
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
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, trigger.startFrom().wire());
        // Batch mode writes a whole poll in few statements: bigger polls, fewer round trips.
        int maxPoll = trigger.batch() == null ? 500 : Math.max(500, Math.min(trigger.batch().maxSize(), 5000));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll);
        return props;
    }

    private static Map<String, String> fromConnection(String name, Connections connections) {
        Connections.Resolved connection = connections.resolve(name).orElseThrow(() -> new IllegalStateException(
                "The trigger's connection '" + name + "' does not exist; create a kafka connection with bootstrapServers"));
        if (!"kafka".equals(connection.connector())) {
            throw new IllegalStateException("The trigger's connection '" + name + "' is a '" + connection.connector()
                    + "' connection; a Kafka trigger needs a kafka connection");
        }
        // The same reading of a kafka connection as kafka.publish's, so both clients see one cluster the same way.
        try {
            return KafkaSettings.from(connection.settings()).clientProperties();
        } catch (ActionException e) {
            throw new IllegalStateException("The kafka connection '" + name + "' is not usable: " + e.getMessage(), e);
        }
    }
}
