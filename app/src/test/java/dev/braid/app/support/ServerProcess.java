package dev.braid.app.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A Braid server in its own JVM on the embedded defaults (its own BRAID_HOME, embedded PostgreSQL),
 * started from the test class path, so tests can stop it with SIGTERM or kill it with SIGKILL.
 */
public final class ServerProcess implements AutoCloseable {

    private final Path home;
    private final Path log;
    private final int port;
    private final String password;
    private final List<String> extraArgs;
    /**
     * The client compiler only and the serial collector: a server starts on about half the CPU, which is most of
     * what a restart test spends on two cores; its code runs slower once warm, so benchmarks pass other options.
     */
    public static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private List<String> jvmOptions = QUICK_START;
    private Process process;

    public ServerProcess(Path home, String password, String... extraArgs) {
        this.home = home;
        this.log = home.resolveSibling(home.getFileName() + "-server.log");
        this.port = freePort();
        this.password = password;
        this.extraArgs = List.of(extraArgs);
    }

    /** The JVM options of every later start (before the main class), instead of {@link #QUICK_START}. */
    public ServerProcess jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    public ServerProcess start() {
        return start(Duration.ofSeconds(120));
    }

    /** Starts the JVM and waits at most {@code atMost} for its health check (several nodes starting at once share the cores). */
    public ServerProcess start(Duration atMost) {
        launch();
        ApiClient anonymous = ApiClient.anonymous(port);
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("The server exited early; see " + log);
                    }
                    return anonymous.get("/actuator/health").status() == 200;
                });
        return this;
    }

    /** Starts the JVM without waiting for anything (a server that is expected to die while it starts). */
    public ServerProcess launch() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.braid.app.BraidApplication");
        command.add("--server.port=" + port);
        command.add("--braid.home=" + home);
        command.add("--braid.admin.password=" + password);
        command.add("--braid.samples.load=false");
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().remove("SPRING_DATASOURCE_URL");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Waits for the JVM to end by itself (it halted); its exit status. Fails when it is still alive after {@code atMost}. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("The server is still running after " + atMost + "; see " + log);
        }
        return process.exitValue();
    }

    public ApiClient api() {
        return ApiClient.admin(port, password);
    }

    public ApiClient anonymous() {
        return ApiClient.anonymous(port);
    }

    /** Recipes and runs on this server, as {@link BraidIntegrationTest#braid} does them on the shared one. */
    public Braid braid() {
        return new Braid(api(), anonymous());
    }

    public long pid() {
        return process.pid();
    }

    /** The HTTP port, the same across restarts of this server. */
    public int port() {
        return port;
    }

    /** SIGTERM and wait: a graceful stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /**
     * SIGTERM and wait, timed: how long the server took from the signal to its exit (its graceful
     * shutdown, the run drain included). Fails when it has not exited within {@code atMost}.
     */
    public Duration terminate(Duration atMost) throws InterruptedException {
        long began = System.nanoTime();
        process.destroy();
        if (!process.waitFor(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("The server did not exit within " + atMost + " of SIGTERM; see " + log);
        }
        return Duration.ofNanos(System.nanoTime() - began);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: nothing runs after it, the embedded PostgreSQL is left behind as an orphan. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public File logFile() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
