package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

/**
 * The production shape of ARCHITECTURE §12 on one machine: several Braid server processes (each with a home of its
 * own, as on separate hosts) on one external PostgreSQL ({@link ExternalPostgres}) and one external Kafka broker
 * process ({@link KafkaBrokerProcess}), sharing one master key. Nothing embedded starts in a node. Close it to
 * kill what is left (the nodes' logs stay under {@code target/braid-cluster}).
 */
public final class BraidCluster implements AutoCloseable {

    public static final String PASSWORD = "cluster-admin-password";
    /** How long a node may take to become healthy: nodes starting together share the cores. */
    public static final java.time.Duration START_WITHIN = java.time.Duration.ofMinutes(10);

    /**
     * The recipe of the webhook benchmark (bench/bench-three-step.yaml, ARCHITECTURE §8) under slug {@code %s}: a
     * transform, an if and a log in the branch taken, all in-process, every run and its 3 step records persisted.
     */
    public static final String THREE_STEP_WEBHOOK = """
            slug: %s
            name: Webhook to three in-process steps
            trigger:
              webhook: {}
            steps:
              - id: shape
                action: core.transform
                with: { value: { n: "{{ trigger.body.n }}", even: "{{ trigger.body.n %% 2 = 0 }}" } }
              - id: route
                if: "steps.shape.output.value.even"
                then:
                  - { id: evenLog, action: core.log, with: { message: "even {{ steps.shape.output.value.n }}" } }
                else:
                  - { id: oddLog, action: core.log, with: { message: "odd {{ steps.shape.output.value.n }}" } }
            """;

    private final ExternalPostgres postgres;
    private final KafkaBrokerProcess kafka;
    private final Path dir;
    private final String masterKey;
    private final List<ServerProcess> nodes = new ArrayList<>();

    private BraidCluster(ExternalPostgres postgres, KafkaBrokerProcess kafka, Path dir) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.dir = dir;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.masterKey = Base64.getEncoder().encodeToString(key);
    }

    /** Starts the database and the broker (side by side), nothing else yet. */
    public static BraidCluster infrastructure() {
        CompletableFuture<KafkaBrokerProcess> broker = CompletableFuture.supplyAsync(KafkaBrokerProcess::start);
        ExternalPostgres postgres = ExternalPostgres.start();
        try {
            // Under target/ and kept: the nodes' logs (node-N-server.log) are what explains a failure.
            Path dir = Files.createDirectories(Path.of("target", "braid-cluster", Long.toString(System.currentTimeMillis())));
            return new BraidCluster(postgres, broker.join(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code count} more nodes side by side and waits for each one's health check; {@code extra} are
     * further arguments of every node (settings of the test).
     */
    public List<ServerProcess> startNodes(int count, String... extra) {
        return startNodes(count, List.of(), extra);
    }

    /** {@link #startNodes(int, String...)} with further JVM options for the nodes (see {@link ServerProcess#QUICK_START}). */
    public List<ServerProcess> startNodes(int count, List<String> jvmOptions, String... extra) {
        List<ServerProcess> created = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < count; i++) {
                ServerProcess node = new ServerProcess(dir.resolve("node-" + (nodes.size() + 1)), PASSWORD, nodeArgs(extra))
                        .jvmOptions(jvmOptions);
                nodes.add(node);
                created.add(node);
            }
        }
        // A thread each (the common pool has one thread on two cores): the nodes start side by side.
        java.util.Queue<RuntimeException> failed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Thread> starting = created.stream().map(n -> Thread.ofPlatform().start(() -> {
            try {
                n.start(START_WITHIN);
            } catch (RuntimeException e) {
                failed.add(new IllegalStateException("A node did not start; see " + n.logFile(), e));
            }
        })).toList();
        for (Thread t : starting) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!failed.isEmpty()) {
            throw failed.peek();
        }
        return created;
    }

    private String[] nodeArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + postgres.jdbcUrl(),
                "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--braid.master.key=" + masterKey));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    public ExternalPostgres postgres() {
        return postgres;
    }

    public KafkaBrokerProcess kafka() {
        return kafka;
    }

    public synchronized List<ServerProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** The nodes whose JVM is alive (a restarting node counts: its requests fail until it is healthy). */
    public synchronized List<ServerProcess> alive() {
        return nodes.stream().filter(ServerProcess::isAlive).toList();
    }

    /** {@code GET /api/v1/cluster} asked of {@code node}. */
    public static JsonNode view(ServerProcess node) {
        return node.api().get("/api/v1/cluster").json();
    }

    /** The node entry of the cluster view whose address ends with that node's port, or null. */
    public static JsonNode entry(JsonNode view, ServerProcess node) {
        for (JsonNode n : view.path("nodes")) {
            if (n.path("address").asString().endsWith(":" + node.port()) && !"stopped".equals(n.path("state").asString())) {
                return n;
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        for (ServerProcess node : nodes()) {
            if (node.isAlive()) {
                node.kill();
            }
        }
        kafka.close();
        postgres.close();
    }

    /** Where the nodes' homes and logs are ({@code node-N/}, {@code node-N-server.log}); kept after the test. */
    public Path dir() {
        return dir;
    }
}
