package dev.braid.connectors.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code mqtt.publish} and the {@code mqtt:} trigger ({@link MqttTriggerSource}). Steps publish through one
 * client per distinct connection (opened on first use, connected again when the broker dropped it, closed
 * by {@link #close()}); each trigger has its own client with a persistent session.
 */
public final class MqttConnector implements Connector, AutoCloseable {

    private final Map<MqttSettings, MqttAsyncClient> publishers = new ConcurrentHashMap<>();
    private final Map<String, Action> actions = Map.of("publish", new MqttPublishAction(this));
    private final Map<String, TriggerSource> triggers = Map.of("mqtt", new MqttTriggerSource());

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    /** The {@code mqtt:} trigger: a subscription to topic filters in a persistent session. */
    @Override
    public Map<String, TriggerSource> triggers() {
        return triggers;
    }

    @Override
    public JsonNode connectionSchema() {
        return MqttSettings.SCHEMA.node();
    }

    @Override
    public String description() {
        return "Publish messages to an MQTT broker (IoT devices, telemetry); start runs from topic filters with "
                + "wildcards (trigger mqtt:), acknowledged only once their runs are stored.";
    }

    /** The connected publishing client of these settings; waits at most {@code waitMillis} to connect. */
    MqttAsyncClient publisher(MqttSettings settings, long waitMillis) throws MqttException {
        MqttAsyncClient client = publishers.computeIfAbsent(settings, s -> {
            try {
                return new MqttAsyncClient(s.url(), "braid-pub-" + UUID.randomUUID().toString().substring(0, 8),
                        new MemoryPersistence());
            } catch (MqttException e) {
                throw new IllegalArgumentException("connection.url: " + e.getMessage(), e);
            }
        });
        synchronized (client) {
            if (!client.isConnected()) {
                client.connect(settings.options(false)).waitForCompletion(waitMillis);
            }
        }
        return client;
    }

    @Override
    public void close() {
        List<MqttAsyncClient> open = new ArrayList<>(publishers.values());
        publishers.clear();
        for (MqttAsyncClient c : open) {
            try {
                if (c.isConnected()) {
                    c.disconnect(1000).waitForCompletion(2000);
                }
                c.close();
            } catch (MqttException e) {
                // closing anyway
            }
        }
    }
}
