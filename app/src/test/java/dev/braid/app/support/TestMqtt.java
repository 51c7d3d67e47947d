package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.IntFunction;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

/**
 * A Moquette MQTT 3.1.1 broker in the test JVM, on 127.0.0.1 and a free port, sessions kept in memory (they
 * outlive a client's SIGKILL, as a broker's do), and a QoS 1 publisher for tests.
 */
public final class TestMqtt implements AutoCloseable {

    private final Server server = new Server();
    private final int port;

    public TestMqtt() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        // Write to the socket at once: Moquette's default buffers writes and flushes them on a timer.
        p.setProperty("immediate_buffer_flush", "true");
        p.setProperty("buffer_flush_millis", "0");
        try {
            server.startServer(new MemoryConfig(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Whether a client with this id is connected now (a trigger's subscription is {@code braid-<slug>}). */
    public boolean connected(String clientId) {
        return server.listConnectedClients().stream().anyMatch(c -> c.getClientID().equals(clientId));
    }

    /**
     * Publishes {@code count} QoS 1 messages, {@code topic.apply(i)} and {@code {"n": i}}, each acknowledged by
     * the broker; {@code pauseEvery} messages it sleeps {@code pauseMillis} (a stream over some seconds).
     */
    public void publish(int count, IntFunction<String> topic, int pauseEvery, long pauseMillis) {
        try {
            MqttAsyncClient client = new MqttAsyncClient(url(), "test-publisher-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(1000);
            client.connect(options).waitForCompletion(10_000);
            var tokens = new java.util.ArrayList<org.eclipse.paho.client.mqttv3.IMqttDeliveryToken>();
            for (int i = 0; i < count; i++) {
                MqttMessage m = new MqttMessage(("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8));
                m.setQos(1);
                tokens.add(client.publish(topic.apply(i), m));
                if (tokens.size() >= 500) {
                    for (var t : tokens) {
                        t.waitForCompletion(30_000);
                    }
                    tokens.clear();
                }
                if (pauseEvery > 0 && i % pauseEvery == pauseEvery - 1) {
                    Thread.sleep(pauseMillis);
                }
            }
            for (var t : tokens) {
                t.waitForCompletion(30_000);
            }
            client.disconnect().waitForCompletion(5_000);
            client.close();
        } catch (MqttException e) {
            throw new IllegalStateException("publishing to the test broker failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
