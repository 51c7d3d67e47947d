package dev.braid.connectors.mqtt;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mqtt.publish} against a Moquette broker on loopback, with a subscriber on {@code #} counting what arrives. */
final class MqttFixture implements ActionFixture {

    final MoquetteBroker broker = new MoquetteBroker();
    final List<String> received = new CopyOnWriteArrayList<>();
    private final MqttConnector connector = new MqttConnector();
    private final MqttClient subscriber;

    MqttFixture() {
        try {
            subscriber = new MqttClient(broker.url(), "fixture-subscriber", new MemoryPersistence());
            subscriber.connect();
            subscriber.subscribe("#", 1, (topic, message) -> received.add(topic + " " + new String(message.getPayload())));
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Action action() {
        return connector.actions().get("publish");
    }

    @Override
    public ObjectNode validInput() {
        return object("{topic: 'plant/line-1/commands', payload: {command: 'slow-down'}, qos: 1}");
    }

    @Override
    public JsonNode connection() {
        return json("{url: '" + broker.url() + "', username: 'braid', password: 's3cr3t-mqtt'}");
    }

    @Override
    public List<String> secretValues() {
        return List.of("s3cr3t-mqtt");
    }

    /** Messages seen by the subscriber; QoS 1 delivery to it is asynchronous, so a short settle first. */
    @Override
    public int effects() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return received.size();
    }

    @Override
    public Optional<JsonNode> permanentFailureInput() {
        return Optional.of(object("{topic: 'plant/+/commands', payload: 'x'}"));
    }

    @Override
    public void close() {
        try {
            subscriber.disconnect();
            subscriber.close();
        } catch (MqttException e) {
            // closing anyway
        }
        connector.close();
        broker.close();
    }
}
