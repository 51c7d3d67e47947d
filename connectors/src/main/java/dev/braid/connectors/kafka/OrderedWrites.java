package dev.braid.connectors.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;

import dev.braid.engine.spi.SourceEvent;
import dev.braid.engine.spi.TriggerContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The database side of one {@link TopicConsumer}, on a thread of its own, so that the consumer reads and
 * parses poll N+1 while poll N is written and committed (issue 18). Writes run strictly in the order they
 * were handed over, and each {@link Unit} carries the offsets that are safe to commit once it and every unit
 * before it are stored: the consumer commits {@link #stored()} and nothing more, so an offset is still
 * committed only after its events and runs are (ARCHITECTURE §3).
 *
 * <p>Units that queued up while the previous one was written are taken together and their one-run-per-event
 * records go to the context in one call — one statement and one commit for several polls — so the writes
 * grow when the database is the slower side, instead of the queue. At most {@code depth} units wait or are
 * being written; {@link #submit} blocks beyond that (back-pressure on the poll loop).
 *
 * <p>After a failure nothing more is written and every later {@link #submit}, {@link #stored()} check and
 * {@link #awaitIdle} throws it: the consumer then closes without committing past the last stored unit.
 */
final class OrderedWrites implements AutoCloseable {

    /** One thing to store, in order: events with a run each, one batch run, or an unreadable record. */
    sealed interface Write {
    }

    record Each(List<SourceEvent> events) implements Write {
    }

    record Batch(ObjectNode header, List<SourceEvent> events) implements Write {
    }

    record Unreadable(String naturalKey, String message, JsonNode raw) implements Write {
    }

    /** The writes of one step of the poll loop, and the offsets safe to commit once they are stored. */
    record Unit(List<Write> writes, Map<TopicPartition, Long> safeAfter) {
    }

    /** The most one-run-per-event records merged into one call to the context. */
    static final int MAX_MERGED = 5_000;

    private final TriggerContext context;
    private final Semaphore room;
    private final LinkedBlockingQueue<Unit> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object idle = new Object();
    private final int depth;
    private volatile Map<TopicPartition, Long> stored = Map.of();
    private volatile RuntimeException failure;
    private volatile boolean closed;

    OrderedWrites(TriggerContext context, int depth, String name) {
        this.context = context;
        this.depth = depth;
        this.room = new Semaphore(depth);
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Hands a unit to the writer; blocks while {@code depth} units are queued or being written. */
    void submit(Unit unit) {
        check();
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing events to the database writer", e);
        }
        check();
        queue.add(unit);
    }

    /** Whether a unit is queued or being written. */
    boolean busy() {
        return room.availablePermits() < depth;
    }

    /** The offsets that are safe to commit: those of the last unit stored (with all before it). */
    Map<TopicPartition, Long> stored() {
        check();
        return stored;
    }

    /** Waits until every unit handed over is stored; throws the failure if one was not. */
    void awaitIdle() {
        synchronized (idle) {
            while (busy() && failure == null) {
                try {
                    idle.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the database writer", e);
                }
            }
        }
        check();
    }

    /**
     * Partitions that moved to another member, called when the writer is idle: their stored offsets are no
     * longer this consumer's to commit (should they come back, a stale one would move the group back).
     */
    void drop(java.util.Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> kept = new HashMap<>(stored);
        partitions.forEach(kept::remove);
        stored = Map.copyOf(kept);
    }

    private void check() {
        RuntimeException f = failure;
        if (f != null) {
            throw new IllegalStateException("storing the consumed records failed: " + f.getMessage(), f);
        }
    }

    private void run() {
        List<Unit> taken = new ArrayList<>();
        while (!closed) {
            try {
                Unit first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                queue.drainTo(taken);
                if (failure == null && !closed) {
                    write(taken);
                    stored = taken.getLast().safeAfter();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                room.release(taken.size());
                taken.clear();
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    /** The writes of the units in order; consecutive one-run-per-event records in one call. */
    private void write(List<Unit> units) {
        List<SourceEvent> each = new ArrayList<>();
        for (Unit unit : units) {
            for (Write w : unit.writes()) {
                if (w instanceof Each e && each.size() + e.events().size() <= MAX_MERGED) {
                    each.addAll(e.events());
                    continue;
                }
                flush(each);
                switch (w) {
                    case Each e -> each.addAll(e.events());
                    case Batch b -> context.accept(b.header(), b.events());
                    case Unreadable u -> context.unreadable(u.naturalKey(), u.message(), u.raw());
                }
            }
        }
        flush(each);
    }

    private void flush(List<SourceEvent> each) {
        if (!each.isEmpty()) {
            context.accept(List.copyOf(each));
            each.clear();
        }
    }

    /** Stops the writer: what is queued is dropped (its offsets were never committed); waits for a write under way. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The safe offsets per partition as the consumer stands: read up to {@code consumed}, never past a waiting event. */
    static Map<TopicPartition, Long> safe(Map<TopicPartition, Long> consumed, Map<TopicPartition, Long> waiting) {
        Map<TopicPartition, Long> out = new HashMap<>();
        consumed.forEach((p, next) -> out.put(p, Math.min(next, waiting.getOrDefault(p, next))));
        return out;
    }
}
