package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

import dev.braid.app.embedded.EmbeddedKafka;

/**
 * A Kafka broker in a JVM of its own, standing in for a cluster's external Kafka (ARCHITECTURE §12): the same
 * loopback-only single-node KRaft broker as {@link EmbeddedKafka} (and {@link TestKafka}, which runs it inside
 * the test JVM), started from the test class path with {@link ProcessBuilder}, so no server node and not the
 * test itself holds it. It writes its address to {@code bootstrap} in its folder once it accepts clients.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final String READY_FILE = "bootstrap";

    private final Path dir;
    private final Process process;
    private final String bootstrapServers;

    private KafkaBrokerProcess(Path dir, Process process, String bootstrapServers) {
        this.dir = dir;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker's JVM and waits until it accepts clients (its log: {@code <dir>/broker.log}). */
    public static KafkaBrokerProcess start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("braid-kafka-process");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), KafkaBrokerProcess.class.getName(), dir.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("broker.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path ready = dir.resolve(READY_FILE);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("The Kafka broker process exited; see " + dir.resolve("broker.log"));
            }
            return Files.exists(ready);
        });
        try {
            return new KafkaBrokerProcess(dir, process, Files.readString(ready).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }

    /** The broker's JVM: {@code <folder>}; runs until it is terminated (SIGTERM stops the broker cleanly). */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("data"));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        // Written whole, then renamed: the test never reads half an address.
        Path partial = dir.resolve(READY_FILE + ".tmp");
        Files.writeString(partial, kafka.bootstrapServers());
        Files.move(partial, dir.resolve(READY_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
