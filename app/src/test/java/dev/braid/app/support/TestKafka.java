package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import static org.awaitility.Awaitility.await;

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
                SpringShutdownHooks.await();
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

    /** A producer of string keys and values on the test broker (close it). */
    public static KafkaProducer<String, String> producer() {
        return producer(bootstrapServers());
    }

    /** A producer of string keys and values on another broker, e.g. one a test starts and stops itself (close it). */
    public static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 5),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads {@code topic} from its beginning, in a group of its own, until {@code expected} records came (60 s at most). */
    public static List<ConsumerRecord<String, String>> consume(String topic, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers(),
                "group.id", "test-reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }

    /** The group's committed offset of partition 0 of {@code topic} (-1: none). */
    public static long committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
            return o == null ? -1 : o.offset();
        }
    }
}
