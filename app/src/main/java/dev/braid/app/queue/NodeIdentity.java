package dev.braid.app.queue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;

/**
 * This node's name in {@code runs.locked_by}: {@code <host>:<id>}, the same across restarts on the same
 * {@code BRAID_HOME}, so that a node restarted after a crash knows the runs still leased to its name are
 * its own orphans and resumes them at once ({@link RunWorker}) instead of waiting out their leases.
 *
 * <p>Two live processes must never share a name — the second would renew, and resume, the first's runs.
 * The name is therefore held with an exclusive OS lock on {@code BRAID_HOME/node.lock} for the life of the
 * process: the operating system releases it when the process ends, however it ends (SIGKILL included), so
 * the lock is held exactly while the owner of the name is alive. A second process on the same home (the
 * lock is taken) gets a name of its own for this start only ({@code <host>:<pid>:<random>}), as every node
 * had before; its orphans then wait for their leases. The host name keeps two machines apart even if
 * they shared a home on a network file system whose locks did not reach across them.
 */
@Component
public class NodeIdentity implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(NodeIdentity.class);
    static final String LOCK_FILE = "node.lock";
    static final String ID_FILE = "node.id";

    private final String id;
    private final boolean stable;
    private final FileChannel lockChannel;

    /** A name for this start only, not tied to a home (a node without one, unit tests). */
    public NodeIdentity() {
        this.id = host() + ":" + ProcessHandle.current().pid() + ":" + random();
        this.stable = false;
        this.lockChannel = null;
    }

    @Autowired
    public NodeIdentity(BraidProperties properties) {
        this(properties.home());
    }

    NodeIdentity(Path home) {
        Path dir = home.toAbsolutePath().normalize();
        FileChannel channel = null;
        String stableId = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock != null) {
                stableId = host() + ":" + persistedId(dir.resolve(ID_FILE));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("This node's name cannot be kept in {} ({}); it gets a new one at every start, and runs it held "
                    + "when it died wait for their leases", dir, e.getMessage());
        }
        if (stableId == null) {
            closeQuietly(channel);
            channel = null;
            this.id = host() + ":" + ProcessHandle.current().pid() + ":" + random();
            this.stable = false;
            log.info("Node name {} for this start only: another live process holds the name kept in {}", id, dir);
        } else {
            this.id = stableId;
            this.stable = true;
        }
        this.lockChannel = channel;
    }

    public String id() {
        return id;
    }

    /** Whether the name is this home's, kept across restarts (so runs leased to it at start are orphans). */
    public boolean stable() {
        return stable;
    }

    /** Releases the name (the lock); the process ending does the same. */
    @Override
    public void destroy() {
        closeQuietly(lockChannel);
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // another Spring context in this JVM holds it
        }
    }

    /** The random part of this home's name, written once. */
    private static String persistedId(Path file) throws IOException {
        if (Files.exists(file)) {
            String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (kept.matches("[0-9a-f]{8,32}")) {
                return kept;
            }
        }
        String fresh = random();
        Files.writeString(file, fresh + "\n", StandardCharsets.UTF_8);
        return fresh;
    }

    private static String random() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the process ending releases it anyway
            }
        }
    }
}
