package dev.braid.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker (ARCHITECTURE §6): loopback only, usable by a plain client, and its data kept across
 * a restart on the same directory (with new ports).
 */
class EmbeddedKafkaIT {

    @TempDir
    Path dir;

    @Test
    void listensOn127001OnlyAndKeepsItsRecordsAcrossARestart() throws Exception {
        EmbeddedKafka first = EmbeddedKafka.start(dir.resolve("kafka"));
        try {
            for (int port : List.of(first.port(), first.controllerPort())) {
                assertThat(listeningAddresses(port)).as("sockets listening on port %d", port).containsOnly("127.0.0.1");
                Optional<InetAddress> external = nonLoopbackAddress();
                if (external.isPresent()) {
                    assertThatThrownBy(() -> connect(external.get(), port)).isInstanceOf(ConnectException.class);
                }
                connect(InetAddress.getByName("127.0.0.1"), port);
            }
            try (KafkaProducer<String, String> producer = producer(first.bootstrapServers())) {
                producer.send(new ProducerRecord<>("kept", "k", "before restart")).get();
            }
        } finally {
            first.close();
        }

        EmbeddedKafka second = EmbeddedKafka.start(dir.resolve("kafka"));
        try {
            assertThat(Files.exists(dir.resolve("kafka/meta.properties"))).isTrue();
            assertThat(readAll(second.bootstrapServers(), "kept")).containsExactly("before restart");
        } finally {
            second.close();
        }
    }

    /** Local addresses of the sockets listening on {@code port}, from the kernel's tables (IPv4 and IPv6). */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> found = new ArrayList<>();
        String hexPort = String.format("%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] cols = line.trim().split("\\s+");
                String[] local = cols[1].split(":");
                boolean listen = "0A".equals(cols[3]);
                if (listen && local[1].equals(hexPort)) {
                    found.add(address(local[0]));
                }
            }
        }
        return found;
    }

    /** /proc/net/tcp writes addresses as little-endian hex words. */
    private static String address(String hex) throws IOException {
        byte[] raw = HexFormat.of().parseHex(hex);
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 2; i++) {
                byte t = raw[word + i];
                raw[word + i] = raw[word + 3 - i];
                raw[word + 3 - i] = t;
            }
        }
        InetAddress address = InetAddress.getByAddress(raw);
        return address.getHostAddress();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (nic.isUp() && !nic.isLoopback()) {
                Optional<InetAddress> v4 = nic.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst();
                if (v4.isPresent()) {
                    return v4;
                }
            }
        }
        return Optional.empty();
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "reader", "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < until) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
