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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Servers in their own JVMs on one BRAID_HOME for one test, as a JUnit 5 extension:
 * {@code @RegisterExtension final ServerProcesses servers = new ServerProcesses();}. After each test it
 * kills every server still alive and the embedded PostgreSQL a SIGKILL leaves behind as an orphan (a
 * failed assertion must not leave it running), then deletes the home.
 */
public final class ServerProcesses implements AfterEachCallback {

    private final List<ServerProcess> started = new ArrayList<>();
    private Path dir;

    /** The BRAID_HOME every server of this test shares (its data survives a restart). */
    public synchronized Path home() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("braid-server-process");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir.resolve("home");
    }

    /** A server on {@link #home()} (not yet started); killed after the test if still alive. */
    public synchronized ServerProcess create(String password, String... args) {
        ServerProcess server = new ServerProcess(home(), password, args);
        started.add(server);
        return server;
    }

    /**
     * The arguments that make a server process another node of the in-process test server's cluster: its
     * database, its Kafka broker and its master key (a node with another key cannot open the secrets other
     * tests stored, and fails the runs that use them), then {@code extra}.
     */
    public static String[] clusterArgs(String... extra) {
        String key;
        try {
            key = Files.readString(Path.of(BraidIntegrationTest.HOME, "master.key")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("The test server's master key (it is written at its first start)", e);
        }
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + TestDatabase.jdbcUrl(),
                "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "--braid.master.key=" + key));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Starts a server on {@link #home()} and waits for its health check. */
    public ServerProcess start(String password, String... args) {
        return create(password, args).start();
    }

    /** A JDBC connection straight to the embedded PostgreSQL of {@link #home()} (its port is in BRAID_HOME/postgres.port). */
    public Connection connect() throws IOException, SQLException {
        String port = Files.readString(home().resolve("postgres.port")).strip();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
    }

    /** The first column of the first row of {@code query} (a count), or -1 while the database cannot be reached. */
    public long count(String query) throws IOException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;  // the server is between lives
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws Exception {
        for (ServerProcess server : started) {
            if (server.isAlive()) {
                server.kill();
            }
        }
        started.clear();
        if (dir == null) {
            return;
        }
        Path pidFile = home().resolve("postgres/postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            java.util.Optional<ProcessHandle> orphan = ProcessHandle.of(pid);
            if (orphan.isPresent()) {
                orphan.get().destroy();
                orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        dir = null;
    }
}
