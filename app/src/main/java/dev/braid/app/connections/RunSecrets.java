package dev.braid.app.connections;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.braid.app.secrets.Masker;
import dev.braid.app.secrets.SecretStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a run may see of secrets and connections, and the {@link Masker} that keeps them out of its
 * history. Standalone secrets are read at most once a second per node (the hot path must not pay a
 * query and decryptions per run); a change made on this node is seen at once.
 */
@Component
public class RunSecrets {

    private static final Logger log = LoggerFactory.getLogger(RunSecrets.class);
    private static final long TTL_NANOS = 1_000_000_000L;

    private final SecretStore secrets;
    private final Connections connections;
    private volatile Cached cached;
    private volatile Set<String> reportedUnreadable = Set.of();

    public RunSecrets(SecretStore secrets, Connections connections) {
        this.secrets = secrets;
        this.connections = connections;
    }

    private record Cached(SecretStore.Opened opened, long loadedAt) {}

    /** A new scope for one run (or one attempt of it). */
    public Scope open() {
        Cached c = cached;
        if (c == null || System.nanoTime() - c.loadedAt() > TTL_NANOS) {
            c = new Cached(secrets.openAll(), System.nanoTime());
            report(c.opened().unreadable());
            cached = c;
        }
        return new Scope(c.opened());
    }

    /** Said once per change of the set: the node's log is where an operator looks when its runs fail. */
    private void report(Set<String> unreadable) {
        if (!unreadable.equals(reportedUnreadable)) {
            reportedUnreadable = Set.copyOf(unreadable);
            if (!unreadable.isEmpty()) {
                log.error("{} secret(s) cannot be opened with this node's master key: {}. They were sealed with another "
                        + "key — every node of a cluster needs the same BRAID_MASTER_KEY. Runs that use them fail "
                        + "(error secret.unreadable) until this node is started with that key; the others run.",
                        unreadable.size(), String.join(", ", unreadable));
            }
        }
    }

    /** Forgets the cached secrets (after a change on this node). */
    public void changed() {
        cached = null;
    }

    public final class Scope {
        private final ObjectNode secretsNode = JsonNodeFactory.instance.objectNode();
        private final Masker masker = new Masker();
        /** A run resolves each connection once, not once per step or foreach item. */
        private final Map<String, Optional<JsonNode>> resolved = new java.util.concurrent.ConcurrentHashMap<>();

        private final Set<String> unreadable;

        Scope(SecretStore.Opened opened) {
            this.unreadable = opened.unreadable();
            opened.values().forEach((k, v) -> {
                secretsNode.put(k, v);
                masker.add(v);
            });
        }

        /** {@code secrets} of the evaluation context. */
        public JsonNode secrets() {
            return secretsNode;
        }

        /** A step's connection with its secrets opened; their values are masked in history from now on. */
        public Optional<JsonNode> connection(String name) {
            return resolved.computeIfAbsent(name, n -> connections.resolve(n).map(r -> {
                masker.addAll(r.secrets());
                return (JsonNode) r.settings();
            }));
        }

        /** Secrets that exist but that this node's master key does not open (absent from {@link #secrets()}). */
        public Set<String> unreadable() {
            return unreadable;
        }

        public Masker masker() {
            return masker;
        }
    }
}
