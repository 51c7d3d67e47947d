package dev.braid.connectors.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.SourceEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Events collected for batch runs, per {@code batch.key} value (ARCHITECTURE §3): a group is due when it
 * holds {@code maxSize} events or {@code maxWait} has passed since its first event arrived here. Also
 * answers which offsets are safe to commit: never past an event still waiting in a group. Used by
 * one consumer thread only.
 */
final class PendingBatches {

    /** An event waiting for its batch run, with the record position it came from and when it arrived here. */
    record Pending(TopicPartition partition, long offset, SourceEvent event, long arrivedAtNanos) {}

    /**
     * Events of one key value waiting for their batch run, oldest first; {@code key} is null without
     * {@code batch.key}. Its maxWait counts from its oldest event, so what is left after a full slice
     * was taken waits from its own first event.
     */
    record Group(JsonNode key, List<Pending> records) {
        long firstAtNanos() {
            return records.getFirst().arrivedAtNanos();
        }
    }

    private final int maxSize;
    private final long maxWaitNanos;
    private final Map<JsonNode, Group> groups = new LinkedHashMap<>();

    PendingBatches(TriggerSettings.Batch batch) {
        this.maxSize = batch.maxSize();
        this.maxWaitNanos = batch.maxWait().toNanos();
    }

    void add(JsonNode key, Pending record) {
        // JSON null and "no key" are one group.
        groups.computeIfAbsent(key == null ? NullNode.getInstance() : key, k -> new Group(key, new ArrayList<>()))
                .records().add(record);
    }

    /** Takes the batches that are due: full ones (in maxSize slices) and, with {@code all} or past maxWait, the rest. */
    List<Group> takeDue(long nowNanos, boolean all) {
        List<Group> due = new ArrayList<>();
        Iterator<Map.Entry<JsonNode, Group>> it = groups.entrySet().iterator();
        while (it.hasNext()) {
            Group g = it.next().getValue();
            List<Pending> records = g.records();
            while (records.size() >= maxSize) {
                List<Pending> slice = new ArrayList<>(records.subList(0, maxSize));
                records.subList(0, maxSize).clear();
                due.add(new Group(g.key(), slice));
            }
            if (!records.isEmpty() && (all || nowNanos - g.firstAtNanos() >= maxWaitNanos)) {
                due.add(new Group(g.key(), List.copyOf(records)));
                records.clear();
            }
            if (records.isEmpty()) {
                it.remove();
            }
        }
        return due;
    }

    /** How long until the oldest group's maxWait runs out (0 when one is already due); null when none waits. */
    Long nanosUntilDue(long nowNanos) {
        Long soonest = null;
        for (Group g : groups.values()) {
            long left = Math.max(0, g.firstAtNanos() + maxWaitNanos - nowNanos);
            soonest = soonest == null ? left : Math.min(soonest, left);
        }
        return soonest;
    }

    /** The lowest offset still waiting per partition: the consumer may commit up to it, not past it. */
    Map<TopicPartition, Long> lowestWaiting() {
        Map<TopicPartition, Long> lowest = new HashMap<>();
        for (Group g : groups.values()) {
            for (Pending r : g.records()) {
                lowest.merge(r.partition(), r.offset(), Math::min);
            }
        }
        return lowest;
    }

    void clear() {
        groups.clear();
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }
}
