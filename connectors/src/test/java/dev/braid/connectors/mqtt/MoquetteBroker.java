package dev.braid.connectors.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Properties;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

/** A Moquette MQTT broker in the test JVM on 127.0.0.1 and a free port, sessions kept in memory. */
final class MoquetteBroker implements AutoCloseable {

    private final Server server = new Server();
    private final int port;

    MoquetteBroker() {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
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

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
