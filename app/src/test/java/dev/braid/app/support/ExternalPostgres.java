package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL 17 server of its own for one test, standing in for a cluster's external database (ARCHITECTURE
 * §12): started through the same library as the embedded default, on its own port and data folder, with
 * {@code wal_level=logical} (CDC), fsync and synchronous commit on (as production), and nothing shared with the
 * JVM's {@link TestDatabase}. It measures itself too: the WAL position and the CPU time of its processes.
 */
public final class ExternalPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final Path dir;

    private ExternalPostgres(EmbeddedPostgres postgres, Path dir) {
        this.postgres = postgres;
        this.dir = dir;
    }

    public static ExternalPostgres start() {
        try {
            Path dir = Files.createTempDirectory("braid-external-pg");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_wal_senders", "10")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "300")
                    .start();
            return new ExternalPostgres(pg, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    /** The first column of the first row of {@code query} as a long (a count). */
    public long count(String query) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(query + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements, each committed on its own. */
    public void execute(String... statements) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Bytes of WAL written since the server was created ({@code pg_current_wal_lsn()} as a number). */
    public long walBytes() {
        return count("select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
    }

    /**
     * CPU seconds the server has used so far: the postmaster and every backend alive now, plus the backends that
     * have ended (the kernel adds a reaped child's time to its parent's {@code cutime}/{@code cstime}).
     */
    public double cpuSeconds() {
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).getFirst().strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        long ticks = ProcCpu.ticks(pid, true);
        for (ProcessHandle child : postmaster.children().toList()) {
            ticks += ProcCpu.ticks(child.pid(), true);
        }
        return ticks / (double) ProcCpu.TICKS_PER_SECOND;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // stopping is best effort; the folder goes anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }
}
