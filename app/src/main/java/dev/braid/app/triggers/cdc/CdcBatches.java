package dev.braid.app.triggers.cdc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.braid.app.ingest.TriggerEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * The changes of one source waiting for their batch runs (ARCHITECTURE §11: {@code batch} applies to cdc), per
 * recipe and {@code batch.key} value, and which Debezium records may be marked processed. A group is
 * due at {@code maxSize} changes or {@code maxWait} after its oldest; its events keep commit order.
 *
 * <p>Transactional ingestion (ARCHITECTURE §3): a record is handed back by {@link #markable} only when every
 * batch run its change went into is committed, and only in source order — the offset never passes a
 * change still waiting here. A reader that stops drops what waits (never marked, so read again by the
 * next reader; the events' keys absorb what was already stored).
 *
 * <p>Not thread-safe: the reader calls it under one lock from the Debezium thread and its timer.
 *
 * @param <R> the source's record type
 */
final class CdcBatches<R> {

    /** A record not marked processed yet, and how many of its changes still wait for their batch run. */
    private static final class Held<R> {
        final R record;
        int waiting;

        Held(R record) {
            this.record = record;
        }
    }

    private record Waiting<R>(TriggerEvent event, Held<R> from, long arrivedAtNanos) {}

    /** One recipe version's events of one key value, oldest first. */
    private static final class Group<R> {
        final CdcIngress.Route route;
        final JsonNode key;
        final List<Waiting<R>> events = new ArrayList<>();

        Group(CdcIngress.Route route, JsonNode key) {
            this.route = route;
            this.key = key;
        }
    }

    /** Writes one batch run: the recipe, the batch key value (null without {@code batch.key}) and its events in order. */
    @FunctionalInterface
    interface Flush {
        void write(CdcIngress.Route route, JsonNode key, List<TriggerEvent> events);
    }

    private final Map<List<Object>, Group<R>> groups = new LinkedHashMap<>();
    private final ArrayDeque<Held<R>> unmarked = new ArrayDeque<>();
    private Held<R> current;

    /** A record read from the source; the changes {@link #add}ed next belong to it. */
    void read(R record) {
        current = new Held<>(record);
        unmarked.addLast(current);
    }

    /** A change of the current record for a recipe with {@code batch}; {@code key}: its batch key value, or null. */
    void add(CdcIngress.Route route, JsonNode key, TriggerEvent event, long nowNanos) {
        JsonNode k = key == null ? NullNode.getInstance() : key; // JSON null and "no key" are one group
        groups.computeIfAbsent(List.of(route.slug(), route.version(), k), x -> new Group<>(route, key))
                .events.add(new Waiting<>(event, current, nowNanos));
        current.waiting++;
    }

    /**
     * Writes the batches that are due: full ones in {@code maxSize} slices and, past {@code maxWait}, the
     * rest. A group leaves only once written: when {@code flush} throws, it stays for the next try.
     */
    void flushDue(long nowNanos, Flush flush) {
        Iterator<Group<R>> it = groups.values().iterator();
        while (it.hasNext()) {
            Group<R> g = it.next();
            int maxSize = g.route.trigger().batch().maxSize();
            long maxWait = g.route.trigger().batch().maxWait().toNanos();
            while (g.events.size() >= maxSize) {
                write(g, maxSize, flush);
            }
            if (!g.events.isEmpty() && nowNanos - g.events.getFirst().arrivedAtNanos() >= maxWait) {
                write(g, g.events.size(), flush);
            }
            if (g.events.isEmpty()) {
                it.remove();
            }
        }
    }

    private void write(Group<R> g, int n, Flush flush) {
        List<Waiting<R>> slice = g.events.subList(0, n);
        flush.write(g.route, g.key, slice.stream().map(Waiting::event).toList());
        for (Waiting<R> w : slice) {
            w.from().waiting--;
        }
        slice.clear();
    }

    /** The records, in source order, up to the first whose changes still wait: they may be marked processed now. */
    List<R> markable() {
        List<R> out = new ArrayList<>();
        while (!unmarked.isEmpty() && unmarked.peekFirst().waiting == 0) {
            out.add(unmarked.pollFirst().record);
        }
        return out;
    }

    /** How many changes wait for a batch run. */
    int waiting() {
        return groups.values().stream().mapToInt(g -> g.events.size()).sum();
    }
}
