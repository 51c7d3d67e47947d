package dev.braid.app.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The embedded PostgreSQL's port in {@code BRAID_HOME/postgres.port}: written at every start, and read at the
 * next so the server comes back on the same port — when nothing else took it meanwhile (then a fresh one).
 */
final class PostgresPort {

    private PostgresPort() {}

    static Path file(Path home) {
        return home.resolve("postgres.port");
    }

    /** The port of the last start, when it is recorded, valid and free on 127.0.0.1 now. */
    static OptionalInt previous(Path home) {
        Path file = file(home);
        if (!Files.isRegularFile(file)) {
            return OptionalInt.empty();
        }
        int port;
        try {
            port = Integer.parseInt(Files.readString(file).strip());
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
        return port > 0 && port < 65536 && free(port) ? OptionalInt.of(port) : OptionalInt.empty();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
