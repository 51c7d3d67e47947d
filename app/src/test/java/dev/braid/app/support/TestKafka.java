package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.braid.app.embedded.EmbeddedKafka;

/**
 * One embedded Kafka broker for the whole test JVM (ARCHITECTURE §7): the same loopback-only KRaft broker
 * the embedded default starts, started on first use and stopped when the JVM exits. The shared
 * context points {@code spring.kafka.bootstrap-servers} at it, so the server starts no broker of its own.
 */
public final class TestKafka {

    private static EmbeddedKafka kafka;

    private TestKafka() {}

    public static synchronized EmbeddedKafka broker() {
        if (kafka == null) {
            Path dir;
            try {
                dir = Files.createTempDirectory("braid-test-kafka");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            kafka = EmbeddedKafka.start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                deleteQuietly(dir);
            }));
        }
        return kafka;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // the JVM is going away; a leftover temp folder is harmless
        }
    }

    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }
}
