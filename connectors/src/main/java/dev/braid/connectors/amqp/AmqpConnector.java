package dev.braid.connectors.amqp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Connection;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code amqp.publish} and the {@code amqp:} trigger ({@link AmqpTriggerSource}). Steps publish through one
 * connection per distinct connection settings (opened on first use, opened again when the broker dropped
 * it, closed by {@link #close()}), a channel per message; each trigger has its own connection.
 */
public final class AmqpConnector implements Connector, AutoCloseable {

    private final Map<AmqpSettings, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Action> actions = Map.of("publish", new AmqpPublishAction(this));
    private final Map<String, TriggerSource> triggers = Map.of("amqp", new AmqpTriggerSource());

    @Override
    public String name() {
        return "amqp";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    /** The {@code amqp:} trigger: consuming a queue, acknowledging after the runs are stored. */
    @Override
    public Map<String, TriggerSource> triggers() {
        return triggers;
    }

    @Override
    public JsonNode connectionSchema() {
        return AmqpSettings.SCHEMA.node();
    }

    @Override
    public String description() {
        return "Publish messages to AMQP 0-9-1 brokers such as RabbitMQ, confirmed by the broker; start runs from a "
                + "queue (trigger amqp:), each message acknowledged once its run is stored.";
    }

    /** The open publishing connection of these settings. */
    Connection connection(AmqpSettings settings) throws IOException, TimeoutException {
        Connection open = connections.get(settings);
        if (open != null && open.isOpen()) {
            return open;
        }
        synchronized (connections) {
            open = connections.get(settings);
            if (open == null || !open.isOpen()) {
                open = settings.factory().newConnection("braid-publisher");
                connections.put(settings, open);
            }
            return open;
        }
    }

    @Override
    public void close() {
        List<Connection> open = new ArrayList<>(connections.values());
        connections.clear();
        for (Connection c : open) {
            try {
                c.close(2_000);
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
    }
}
