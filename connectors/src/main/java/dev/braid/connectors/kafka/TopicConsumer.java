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

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
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
 * reads to the {@link TriggerContext} through its {@link OrderedWrites} (a second thread, so the next poll is
 * read and parsed while the last one is stored) and committing offsets only after {@code accept} returned
 * for every event before them.
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
    /** Units handed to the writer before the poll loop waits: one being written, one read meanwhile. */
    private static final int WRITE_DEPTH = 2;
    /** The longest poll while writes are under way, so their offsets are committed soon after they are stored. */
    private static final Duration BUSY_POLL = Duration.ofMillis(20);

    /** How long a stopping consumer tries to commit its last offsets, and then to leave its group. */
    static final Duration STOP_COMMIT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TriggerContext context;
    private final String recipe;
    private final TriggerSettings.Kafka settings;
    private final Map<String, Object> clientProperties;
    private final RunLog log;
    private final PendingBatches pending;
    private final Map<TopicPartition, Long> consumed = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    /** The safe offsets last handed to the writer with a unit. */
    private Map<TopicPartition, Long> handedOver = Map.of();
    private OrderedWrites writes;
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
            try {
                consumeUntilStopped();
                return;
            } catch (RuntimeException e) {
                log.warn("The Kafka consumer of recipe '" + recipe + "' (topic " + settings.topic() + ") failed; it starts "
                        + "again from its committed offsets in " + context.retryDelay() + ": " + e);
                forget();
                awaitRetry();
            }
        }
    }

    private void consumeUntilStopped() {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(clientProperties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            try (OrderedWrites w = new OrderedWrites(context, WRITE_DEPTH, "braid-kafka-" + recipe + "-writer")) {
                consumer = c;
                writes = w;
                if (stopping) {
                    return;
                }
                c.subscribe(List.of(settings.topic()), new Rebalance(c));
                pollUntilStopped(c);
                flushAndCommit(c);
            }
        } finally {
            // Leaving the group waits for its coordinator: a broker that is gone must not hold up a node's stop.
            c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            consumer = null;
            writes = null;
            assignment = Set.of();
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
                List<OrderedWrites.Write> unit = new ArrayList<>();
                List<SourceEvent> each = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    ingest(TriggerRecord.read(record, settings.json(), JSON), now, unit, each);
                    consumed.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                }
                if (!each.isEmpty()) {
                    unit.add(new OrderedWrites.Each(each));
                }
                takeDue(unit, false);
                handOver(unit);
                commitStored(c, false);
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
    }

    /**
     * How long the next poll may block: until the next batch is due, and briefly while writes are under way so
     * that their offsets are committed soon after they are stored.
     */
    private Duration pollTimeout() {
        long limit = context.pollTimeout().toNanos();
        if (writes != null && writes.busy()) {
            limit = Math.min(limit, BUSY_POLL.toNanos());
        }
        Long untilDue = pending == null ? null : pending.nanosUntilDue(System.nanoTime());
        return Duration.ofNanos(untilDue == null ? limit : Math.min(untilDue, limit));
    }

    /**
     * Sorts one record into the poll's writes (per-event: one list for the whole poll; batch: into its group).
     * An unreadable record becomes a dead letter without a run, written in its place in the order.
     */
    private void ingest(TriggerRecord r, long now, List<OrderedWrites.Write> unit, List<SourceEvent> each) {
        if (!r.readable()) {
            if (!each.isEmpty()) {
                unit.add(new OrderedWrites.Each(List.copyOf(each)));
                each.clear();
            }
            unit.add(new OrderedWrites.Unreadable(r.position(), r.unreadable(), r.raw()));
            return;
        }
        SourceEvent event = SourceEvent.of(r.trigger(), r.position());
        if (pending == null) {
            each.add(event);
        } else {
            pending.add(batchKey(r), new PendingBatches.Pending(new TopicPartition(r.topic(), r.partition()), r.offset(),
                    event, now));
        }
    }

    /** Adds the batches that are due ({@code all}: every waiting one) to the writes. */
    private void takeDue(List<OrderedWrites.Write> unit, boolean all) {
        if (pending == null) {
            return;
        }
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
            unit.add(new OrderedWrites.Batch(header, events));
        }
    }

    /**
     * Hands the writes to the writer with the offsets safe once they are stored: read so far, never past an
     * event still waiting for its batch. A poll with nothing to write still moves the safe offsets (records
     * that only filled a waiting batch do not, as that batch holds them back).
     */
    private void handOver(List<OrderedWrites.Write> unit) {
        Map<TopicPartition, Long> safe = OrderedWrites.safe(consumed, pending == null ? Map.of() : pending.lowestWaiting());
        if (unit.isEmpty() && safe.equals(handedOver)) {
            return;
        }
        handedOver = safe;
        writes.submit(new OrderedWrites.Unit(List.copyOf(unit), safe));
    }

    /** Writes every waiting batch, waits until all is stored and commits it: on stop and before partitions move. */
    private void flushAndCommit(KafkaConsumer<byte[], byte[]> c) {
        List<OrderedWrites.Write> unit = new ArrayList<>();
        takeDue(unit, true);
        handOver(unit);
        writes.awaitIdle();
        commitStored(c, true);
    }

    /**
     * Commits the offsets whose events are stored. While consuming, asynchronously (commits are sent and applied
     * in order; one that fails is covered by the next); on stop and revoke synchronously.
     */
    private void commitStored(KafkaConsumer<byte[], byte[]> c, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        writes.stored().forEach((partition, safe) -> {
            if (c.assignment().contains(partition) && (sync || safe > committed.getOrDefault(partition, -1L))) {
                offsets.put(partition, new OffsetAndMetadata(safe));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (sync && stopping) {
            commitBeforeStop(c, offsets);
            return;
        }
        if (sync) {
            c.commitSync(offsets);
        } else {
            c.commitAsync(offsets, null);
        }
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    /**
     * The last commit of a stopping consumer, bounded: without a bound it waits {@code default.api.timeout.ms}
     * (a minute) for a coordinator that may be gone, and the node's stop with it. Giving up loses nothing: the
     * events are stored, so whoever reads the partition next reads them again and their idempotency keys skip them.
     */
    private void commitBeforeStop(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            try {
                c.commitSync(offsets, STOP_COMMIT_TIMEOUT);
            } catch (WakeupException e) {
                // the stop's wakeup, still pending because it came while the loop was not polling
                c.commitSync(offsets, STOP_COMMIT_TIMEOUT);
            }
            offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        } catch (KafkaException e) {
            log.warn("The Kafka consumer of recipe '" + recipe + "' stopped without committing its last offsets (" + e
                    + "); the events are stored, and whoever reads the partitions next skips them by their keys");
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
        handedOver = Map.of();
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
                flushAndCommit(c);
                writes.drop(partitions);
            }
            partitions.forEach(p -> {
                consumed.remove(p);
                committed.remove(p);
            });
            handedOver = Map.of();
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
