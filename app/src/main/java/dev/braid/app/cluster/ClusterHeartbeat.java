package dev.braid.app.cluster;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.app.queue.NodeIdentity;
import dev.braid.app.triggers.cdc.CdcRuntime;
import dev.braid.app.triggers.kafka.KafkaTriggers;
import dev.braid.app.triggers.poll.PollCycle;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * This node's heartbeat: every {@code braid.cluster.heartbeat} it writes its row in {@code cluster_nodes} (the
 * name its leases carry, its address, version and start) with the trigger readers it owns at that moment —
 * the CDC sources it reads, the poll recipes it polled, the Kafka partitions its consumers hold and its Quartz
 * scheduler's instance id. On a graceful stop it marks itself stopped. It only reports: leases and readers
 * move by their own mechanisms (lease expiry, advisory locks, consumer groups, Quartz check-ins).
 */
@Component
public class ClusterHeartbeat implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterHeartbeat.class);

    private final ClusterNodes nodes;
    private final NodeIdentity node;
    private final ClusterSettings settings;
    private final Environment environment;
    private final ObjectProvider<CdcRuntime> cdc;
    private final ObjectProvider<KafkaTriggers> kafka;
    private final ObjectProvider<PollCycle> polls;
    private final ObjectProvider<Scheduler> quartz;
    private final Instant startedAt;
    private final BackgroundLoop loop = new BackgroundLoop("braid-cluster-heartbeat", this::beat,
            e -> log.warn("The cluster heartbeat could not be written (the next round tries again): {}", e.toString()));
    private volatile boolean running;

    public ClusterHeartbeat(ClusterNodes nodes, NodeIdentity node, ClusterSettings settings, Environment environment,
                            ObjectProvider<CdcRuntime> cdc, ObjectProvider<KafkaTriggers> kafka,
                            ObjectProvider<PollCycle> polls, ObjectProvider<Scheduler> quartz, Clock clock) {
        this.nodes = nodes;
        this.node = node;
        this.settings = settings;
        this.environment = environment;
        this.cdc = cdc;
        this.kafka = kafka;
        this.polls = polls;
        this.quartz = quartz;
        this.startedAt = clock.instant();
    }

    /** This node's name, the one its leases carry ({@code runs.locked_by}). */
    public String nodeId() {
        return node.id();
    }

    /** Writes the heartbeat now. */
    public void beat() {
        nodes.beat(node.id(), address(), version(), startedAt, readers());
    }

    ObjectNode readers() {
        ObjectNode readers = JsonNodeFactory.instance.objectNode();
        ArrayNode sources = readers.putArray("cdcSources");
        cdc.ifAvailable(c -> c.reading().stream().sorted().forEach(sources::add));
        ArrayNode polled = readers.putArray("pollRecipes");
        Instant recent = Instant.now().minus(Duration.ofMinutes(10));
        polls.ifAvailable(p -> new TreeMap<>(p.polledHere()).forEach((slug, at) -> {
            if (at.isAfter(recent)) {
                polled.addObject().put("recipe", slug).put("lastPolled", at.toString());
            }
        }));
        ArrayNode partitions = readers.putArray("kafkaPartitions");
        kafka.ifAvailable(k -> new TreeMap<>(k.assignments()).forEach((slug, held) -> held.stream()
                .sorted(java.util.Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                .forEach(tp -> partitions.addObject().put("recipe", slug).put("topic", tp.topic()).put("partition", tp.partition()))));
        quartz.ifAvailable(q -> {
            try {
                readers.put("quartzInstance", q.getSchedulerInstanceId());
            } catch (org.quartz.SchedulerException e) {
                readers.putNull("quartzInstance");
            }
        });
        return readers;
    }

    String address() {
        if (settings.address() != null && !settings.address().isBlank()) {
            return settings.address();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + ":" + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
    }

    static String version() {
        String v = ClusterHeartbeat.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public void start() {
        running = true;
        loop.start(Duration.ZERO, settings.heartbeat());
    }

    @Override
    public void stop() {
        loop.stop();
        running = false;
        try {
            nodes.stopped(node.id());
        } catch (RuntimeException e) {
            log.debug("Could not mark this node stopped: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Late in the start (the web server's port is known) and early in the stop. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
