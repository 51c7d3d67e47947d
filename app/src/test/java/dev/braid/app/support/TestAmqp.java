package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

import org.apache.qpid.server.SystemLauncher;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Apache Qpid Broker-J (AMQP 0-9-1, in-memory store) in the test JVM on 127.0.0.1 and a free port, user
 * guest/guest, with helpers to declare a queue and publish to it with publisher confirms.
 */
public final class TestAmqp implements AutoCloseable {

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;

    public TestAmqp() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path work = Files.createTempDirectory("qpid");
            Path config = work.resolve("config.json");
            Files.writeString(config, """
                    {
                      "name": "test-broker",
                      "modelVersion": "9.0",
                      "authenticationproviders": [{"name": "plain", "type": "Plain", "secureOnlyMechanisms": [],
                                                   "users": [{"name": "guest", "password": "guest", "type": "managed"}]}],
                      "ports": [{"name": "AMQP", "port": "${qpid.amqp_port}", "bindingAddress": "127.0.0.1",
                                 "protocols": ["AMQP_0_9_1"], "authenticationProvider": "plain",
                                 "virtualhostaliases": [{"name": "nameAlias", "type": "nameAlias"},
                                                        {"name": "defaultAlias", "type": "defaultAlias"}]}],
                      "virtualhostnodes": [{"name": "default", "type": "Memory", "defaultVirtualHostNode": "true",
                                            "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"}]
                    }
                    """);
            Map<String, Object> context = new HashMap<>();
            context.put("qpid.amqp_port", Integer.toString(port));
            context.put("qpid.work_dir", work.toString());
            context.put("qpid.home_dir", work.toString());
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("type", "Memory");
            attributes.put("initialConfigurationLocation", config.toUri().toString());
            attributes.put("startupLoggedToSystemOut", false);
            attributes.put("context", context);
            launcher.startup(attributes);
        } catch (Exception e) {
            throw new IllegalStateException("The Qpid broker did not start: " + e, e);
        }
    }

    public int port() {
        return port;
    }

    /** The settings of an amqp connection to this broker. */
    public Map<String, Object> connectionSettings() {
        return Map.of("host", "127.0.0.1", "port", port, "username", "guest", "password", "guest");
    }

    private Connection connect() throws IOException, java.util.concurrent.TimeoutException {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        return f.newConnection("test");
    }

    public void declareQueue(String queue) {
        try (Connection c = connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, null);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Publishes {@code count} messages {@code {"n": i}} with message id {@code id.apply(i)} to {@code queue} (default
     * exchange), confirmed by the broker; {@code pauseEvery} messages it sleeps {@code pauseMillis}.
     */
    public void publish(String queue, int count, IntFunction<String> id, int pauseEvery, long pauseMillis) {
        try (Connection c = connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < count; i++) {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(id.apply(i))
                        .contentType("application/json").deliveryMode(2).build();
                ch.basicPublish("", queue, props, ("{\"n\": " + i + "}").getBytes(StandardCharsets.UTF_8));
                if (i % 100 == 99) {
                    ch.waitForConfirmsOrDie(30_000);
                }
                if (pauseEvery > 0 && i % pauseEvery == pauseEvery - 1) {
                    Thread.sleep(pauseMillis);
                }
            }
            ch.waitForConfirmsOrDie(30_000);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("publishing to the test broker failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
