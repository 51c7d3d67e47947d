package dev.braid.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.RunLog;
import dev.braid.engine.spi.SourceEvent;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The consumer of one recipe version, started by {@link KafkaTriggerSource}: a plain {@link KafkaConsumer}
 * polled by one platform thread, in the recipe's consumer group {@code braid.<slug>}, handing what it
 * reads to the {@link TriggerContext} and committing offsets only after {@code accept} returned.
 *
 * <p>Why not spring-kafka's listener container: the two things that matter here are that offsets are
 * committed only after the events and runs are committed to PostgreSQL, and that a micro-batch may
 * span many polls and be flushed by {@code maxWait} between them, never committing past an event still
 * waiting. A poll loop states both in a few lines (commit the lowest waiting offset per partition);
 * with a container they become an ack mode, a batch listener, an idle-event timer and a
 * rebalance hook that must agree with each other. The loop also makes stop-and-flush on a recipe
 * change an ordinary method.
 *
 * <p>Failures (the database or the cluster unreachable) close the consumer without committing and
 * build a new one after {@code retryDelay}: it starts again from the committed offsets, and whatever
 * was stored meanwhile is skipped by the unique idempotency key. Partitions lost to the group are
 * handled the same way.
 */
public final class TopicConsumer implements TriggerSource.Running {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.shared();

    private final TriggerContext context;
    private final String recipe;
    private final TriggerSettings.Kafka settings;
    private final Map<String, Object> clientProperties;
    private final RunLog log;
    private final PendingBatches pending;
    private final Map<TopicPartition, Long> consumed = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Set<TopicPartition> assignment = Set.of();
    private boolean partitionsLost;
    private Thread thread;

    TopicConsumer(TriggerContext context, TriggerSettings.Kafka settings, Map<String, Object> clientProperties) {
        this.context = context;
        this.recipe = context.recipe();
        this.settings = settings;
        this.clientProperties = clientProperties;
        this.log = context.log();
        this.pending = settings.batch() == null ? null : new PendingBatches(settings.batch());
    }

    /** The partitions this consumer holds right now (empty until the group has assigned them). */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    void start() {
        thread = Thread.ofPlatform().name("braid-kafka-" + recipe).daemon().start(this::run);
    }

    /** Stops polling, flushes waiting batch events and commits, then leaves the group; waits up to {@code timeout}. */
    @Override
    public void stop(Duration timeout) {
        stopping = true;
        stopSignal.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread != null && !thread.join(timeout)) {
                log.warn("The Kafka consumer of recipe '" + recipe + "' did not stop within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!stopping) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(clientProperties,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                if (stopping) {
                    return;
                }
                c.subscribe(List.of(settings.topic()), new Rebalance(c));
                pollUntilStopped(c);
                flushAndCommit(c, true);
                return;
            } catch (RuntimeException e) {
                log.warn("The Kafka consumer of recipe '" + recipe + "' (topic " + settings.topic() + ") failed; it starts "
                        + "again from its committed offsets in " + context.retryDelay() + ": " + e);
                forget();
                awaitRetry();
            } finally {
                consumer = null;
                assignment = Set.of();
            }
        }
    }

    private void pollUntilStopped(KafkaConsumer<byte[], byte[]> c) {
        try {
            while (!stopping) {
                Iterable<ConsumerRecord<byte[], byte[]>> records = c.poll(pollTimeout());
                if (partitionsLost) {
                    throw new IllegalStateException("the group took partitions away without a clean revoke");
                }
                long now = System.nanoTime();
                List<TriggerRecord> read = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    read.add(TriggerRecord.read(record, settings.json(), JSON));
                    consumed.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
                ingest(read, now);
                flushAndCommit(c, false);
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
    }

    private Duration pollTimeout() {
        Long untilDue = pending == null ? null : pending.nanosUntilDue(System.nanoTime());
        return untilDue == null ? context.pollTimeout() : Duration.ofNanos(Math.min(untilDue, context.pollTimeout().toNanos()));
    }

    /**
     * Hands the records to the context (per-event: all of a poll in one call; batch: into their group).
     * An unreadable record becomes a dead letter without a run; either way its offset may be committed.
     */
    private void ingest(List<TriggerRecord> read, long now) {
        List<SourceEvent> events = new ArrayList<>();
        for (TriggerRecord r : read) {
            if (!r.readable()) {
                context.unreadable(r.position(), r.unreadable(), r.raw());
                continue;
            }
            SourceEvent event = SourceEvent.of(r.trigger(), r.position());
            if (pending == null) {
                events.add(event);
            } else {
                pending.add(batchKey(r), new PendingBatches.Pending(new TopicPartition(r.topic(), r.partition()), r.offset(),
                        event, now));
            }
        }
        if (!events.isEmpty()) {
            context.accept(events);
        }
    }

    /** Writes the batches that are due ({@code all}: every waiting one), then commits what is safe. */
    private void flushAndCommit(KafkaConsumer<byte[], byte[]> c, boolean all) {
        if (pending != null) {
            for (PendingBatches.Group group : pending.takeDue(System.nanoTime(), all)) {
                // trigger.events in partition and offset order
                List<SourceEvent> events = group.records().stream()
                        .sorted(Comparator.comparing((PendingBatches.Pending p) -> p.partition().partition())
                                .thenComparingLong(PendingBatches.Pending::offset))
                        .map(PendingBatches.Pending::event).toList();
                ObjectNode header = NODES.objectNode().put("type", "kafka").put("batch", true).put("topic", settings.topic());
                if (group.key() != null) {
                    header.set("key", group.key());
                }
                context.accept(header, events);
            }
        }
        commit(c);
    }

    private void commit(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, Long> waiting = pending == null ? Map.of() : pending.lowestWaiting();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        consumed.forEach((partition, next) -> {
            long safe = Math.min(next, waiting.getOrDefault(partition, next));
            if (safe > committed.getOrDefault(partition, -1L)) {
                offsets.put(partition, new OffsetAndMetadata(safe));
            }
        });
        if (!offsets.isEmpty()) {
            c.commitSync(offsets);
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        }
    }

    /** A key that fails to evaluate puts the event in the group without a key, as a missing value does. */
    private JsonNode batchKey(TriggerRecord r) {
        if (settings.batch().key() == null) {
            return null;
        }
        try {
            return context.evaluateKey(settings.batch().key(), r.trigger());
        } catch (ExpressionException e) {
            log.log(RunLog.Level.DEBUG, "batch.key of recipe '" + recipe + "' failed on " + r.position() + ": " + e.getMessage());
            return null;
        }
    }

    private void forget() {
        if (pending != null) {
            pending.clear();
        }
        consumed.clear();
        committed.clear();
        partitionsLost = false;
    }

    private void awaitRetry() {
        try {
            stopSignal.await(context.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /**
     * Before partitions move to another member, everything waiting is written and committed, so the
     * new owner starts after it; an event the new owner reads again anyway is skipped by its key.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> c;

        Rebalance(KafkaConsumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                flushAndCommit(c, true);
            }
            partitions.forEach(p -> {
                consumed.remove(p);
                committed.remove(p);
            });
            assignment = Set.copyOf(c.assignment().stream().filter(p -> !partitions.contains(p)).toList());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignment = Set.copyOf(c.assignment());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitionsLost = true;
        }
    }
}
