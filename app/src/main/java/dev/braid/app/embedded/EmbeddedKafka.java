package dev.braid.app.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka 4 (KRaft, broker and controller in one) running inside this JVM, listening on
 * 127.0.0.1 only (ARCHITECTURE §6). spring-kafka-test's {@code EmbeddedKafkaKraftBroker} binds every
 * interface, so the listeners are spelled out here instead. The storage under {@code dir} is
 * formatted once ({@code kafka-storage format} does the same through {@link Formatter}) and kept, so
 * topics and committed offsets survive a restart.
 *
 * <p>Because the broker lives in the server's JVM, a server killed with SIGKILL takes its broker
 * with it: there is no orphan process, and the log directory's lock is an OS file lock that dies
 * with the process. The ports are fresh free ports at every start (clients learn them from
 * {@code kafka.port} or the {@code BraidKafka} bean), so a port still in TIME_WAIT cannot block it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final int port;
    private final int controllerPort;
    private final Path dir;

    private EmbeddedKafka(KafkaRaftServer server, int port, int controllerPort, Path dir) {
        this.server = server;
        this.port = port;
        this.controllerPort = controllerPort;
        this.dir = dir;
    }

    /** Formats {@code dir} when it is new, then starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start(Path dir) {
        Path data = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = freePort();
        int controllerPort = freePort();
        KafkaConfig config = KafkaConfig.fromProps(properties(data, port, controllerPort), false);
        if (!Files.exists(data.resolve("meta.properties"))) {
            format(config, data);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        log.info("Embedded Kafka (KRaft) on 127.0.0.1:{} with data in {}", port, data);
        return new EmbeddedKafka(server, port, controllerPort, data);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka stopped");
    }

    private static Properties properties(Path data, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        // A static quorum of this one node: its address comes from the config at every start, so a new port is fine.
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("log.dirs", data.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // One node: waiting for more group members to join only delays every consumer start.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("controlled.shutdown.enable", "true");
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        return p;
    }

    private static void format(KafkaConfig config, Path data) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(data.toString())
                    .setDirectories(List.of(data.toString()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the embedded Kafka's storage in " + data + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
