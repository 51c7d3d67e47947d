package dev.braid.connectors.amqp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.qpid.server.SystemLauncher;

/** Apache Qpid Broker-J (AMQP 0-9-1, in-memory store) in the test JVM on 127.0.0.1 and a free port; users guest/guest and braid/s3cr3t-amqp. */
final class QpidBroker implements AutoCloseable {

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;

    QpidBroker() {
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
                                                   "users": [{"name": "guest", "password": "guest", "type": "managed"},
                                                             {"name": "braid", "password": "s3cr3t-amqp", "type": "managed"}]}],
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

    int port() {
        return port;
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
