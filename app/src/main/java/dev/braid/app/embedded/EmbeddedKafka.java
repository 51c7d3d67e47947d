package dev.braid.app.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 *
 * <p>Starting the broker takes seconds (10-30 on a busy 2-core machine), once most of a server's start. So
 * {@link #prepare} picks the ports at once — the address is known, clients can be configured with it — and
 * {@link #startInBackground} starts the broker on a thread of its own, when it is first needed or once the
 * server is up, whichever comes first; {@link #awaitStarted} is for whoever needs the broker itself (a Kafka
 * trigger's consumer).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final CompletableFuture<KafkaRaftServer> server = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean begun = new java.util.concurrent.atomic.AtomicBoolean();
    private final int port;
    private final int controllerPort;
    private final Path dir;

    private EmbeddedKafka(int port, int controllerPort, Path dir) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.dir = dir;
    }

    /** Formats {@code dir} when it is new, then starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start(Path dir) {
        EmbeddedKafka kafka = launch(dir);
        kafka.awaitStarted(Duration.ofMinutes(5));
        return kafka;
    }

    /** {@link #prepare} and {@link #startInBackground}. */
    public static EmbeddedKafka launch(Path dir) {
        return prepare(dir).startInBackground();
    }

    /** Picks the ports for a broker with its data in {@code dir}; nothing starts yet. */
    public static EmbeddedKafka prepare(Path dir) {
        Path data = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EmbeddedKafka(freePort(), freePort(), data);
    }

    /**
     * Formats the data directory when it is new and starts the broker on a thread of its own
     * ({@code braid-kafka-start}), logging how long that took; once — later calls do nothing.
     */
    public EmbeddedKafka startInBackground() {
        if (!begun.compareAndSet(false, true)) {
            return this;
        }
        Path data = dir;
        Thread.ofPlatform().name("braid-kafka-start").daemon().start(() -> {
            long began = System.nanoTime();
            try {
                KafkaConfig config = KafkaConfig.fromProps(properties(data, port, controllerPort), false);
                if (!Files.exists(data.resolve("meta.properties"))) {
                    format(config, data);
                }
                KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
                started.startup();
                log.info("Start-up phase: embedded Kafka (KRaft) ready on 127.0.0.1:{} in {} ms, in the background, "
                        + "with data in {}", port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), data);
                server.complete(started);
            } catch (Throwable e) {
                log.error("The embedded Kafka could not start ({}); Kafka triggers and steps through Braid's own Kafka "
                        + "will fail until the server is restarted", e.getMessage(), e);
                server.completeExceptionally(e);
            }
        });
        return this;
    }

    /** Whether the broker accepts clients. */
    public boolean started() {
        return server.isDone() && !server.isCompletedExceptionally();
    }

    /**
     * Waits until the broker accepts clients, at most {@code atMost}; an {@link IllegalStateException} saying
     * why when it failed to start or is not up by then.
     */
    public void awaitStarted(Duration atMost) {
        startInBackground();
        try {
            server.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka to start", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The embedded Kafka failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The embedded Kafka has not started within " + atMost, e);
        }
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

    /**
     * Stops the broker. One still starting is not waited for — a server stopped (SIGTERM) during the start
     * must not take that long to exit: it is stopped as soon as it is up, unless the JVM has ended by then
     * (its storage survives that as it survives a SIGKILL).
     */
    @Override
    public void close() {
        if (!begun.get()) {
            return;
        }
        if (!server.isDone()) {
            log.info("Embedded Kafka is still starting; it stops once it is up, or with the JVM");
        }
        server.thenAccept(running -> {
            running.shutdown();
            running.awaitShutdown();
            log.info("Embedded Kafka stopped");
        });
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
