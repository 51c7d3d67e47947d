package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One embedded PostgreSQL 17 for the whole test JVM (ARCHITECTURE §7): started on first use, stopped when
 * the JVM exits. Tests point Spring at it through {@code spring.datasource.url}, so the server's own
 * embedded default stays off in the shared test context.
 */
public final class TestDatabase {

    private static EmbeddedPostgres postgres;
    private static Path dataDirectory;

    private TestDatabase() {}

    /** Where the test database keeps its files (tests search them for plaintext secrets). */
    public static synchronized Path dataDirectory() {
        jdbcUrl();
        return dataDirectory;
    }

    public static synchronized String jdbcUrl() {
        if (postgres == null) {
            try {
                Path dir = Files.createTempDirectory("braid-test-pg");
                dataDirectory = dir;
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(dir)
                        .setCleanDataDirectory(true)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_connections", "300")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                SpringShutdownHooks.await();
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    /** The database files (data and WAL) whose bytes contain {@code text}; call CHECKPOINT first. */
    public static java.util.List<Path> filesContaining(String text) throws IOException {
        Path dir = dataDirectory();
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> contains(f, needle)).toList();
        }
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            byte[] data = Files.readAllBytes(file);
            outer:
            for (int i = 0; i + needle.length <= data.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            return false; // a file PostgreSQL removed meanwhile
        }
    }
}
