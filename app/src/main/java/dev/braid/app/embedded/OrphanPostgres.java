package dev.braid.app.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server killed with SIGKILL leaves its embedded PostgreSQL running (pg_ctl detaches it), holding
 * the data directory. Before starting a new one we stop that orphan: its PID is the first line of
 * {@code postmaster.pid}; we only signal it if that process really is a postgres on this directory.
 */
final class OrphanPostgres {

    private static final Logger log = LoggerFactory.getLogger(OrphanPostgres.class);

    private OrphanPostgres() {}

    static void stopIfRunning(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.getFirst().strip());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || !isPostgresOn(handle.get(), dataDir, lines)) {
            // A stale pid file: PostgreSQL itself ignores it when the process is gone.
            return;
        }
        log.warn("Stopping the embedded PostgreSQL (pid {}) left running by an earlier server on {}", pid, dataDir);
        ProcessHandle process = handle.get();
        process.destroy(); // SIGTERM: smart shutdown; its clients died with the old server
        if (!waitForExit(process, Duration.ofSeconds(30))) {
            log.warn("PostgreSQL pid {} did not stop within 30 s; killing it (it recovers from its WAL)", pid);
            process.destroyForcibly();
            waitForExit(process, Duration.ofSeconds(10));
        }
    }

    private static boolean isPostgresOn(ProcessHandle process, Path dataDir, List<String> pidLines) {
        String command = process.info().command().orElse("");
        boolean postgres = command.endsWith("postgres") || command.contains("/postgres");
        // Line 2 of postmaster.pid is the data directory the process serves.
        boolean sameDir = pidLines.size() > 1 && Path.of(pidLines.get(1).strip()).normalize()
                .equals(dataDir.toAbsolutePath().normalize());
        return postgres && sameDir;
    }

    private static boolean waitForExit(ProcessHandle process, Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        while (process.isAlive() && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !process.isAlive();
    }
}
