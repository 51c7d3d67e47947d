package dev.braid.connectors.source;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Messages collected for batch runs, per {@code batch.key} value (ARCHITECTURE §3), for sources that
 * acknowledge message by message (mqtt, amqp): a group is due when it holds {@code maxSize} messages or
 * {@code maxWait} has passed since its first arrived. {@code M} is whatever the source needs to
 * acknowledge a message once its batch run is committed. Used by one consumer thread only.
 */
public final class WaitingBatches<M> {

    /** Messages of one key value waiting for their batch run, oldest first; {@code key} null without {@code batch.key}. */
    public record Group<M>(JsonNode key, List<M> messages, long firstAtNanos) {}

    private final int maxSize;
    private final long maxWaitNanos;
    private final Map<JsonNode, Group<M>> groups = new LinkedHashMap<>();
    private int size;

    public WaitingBatches(TriggerSettings.Batch batch) {
        this.maxSize = batch.maxSize();
        this.maxWaitNanos = batch.maxWait().toNanos();
    }

    public void add(JsonNode key, M message, long nowNanos) {
        // JSON null and "no key" are one group.
        groups.computeIfAbsent(key == null ? NullNode.getInstance() : key, k -> new Group<>(key, new ArrayList<>(), nowNanos))
                .messages().add(message);
        size++;
    }

    /** Takes the batches that are due: full ones (in maxSize slices) and, with {@code all} or past maxWait, the rest. */
    public List<Group<M>> takeDue(long nowNanos, boolean all) {
        List<Group<M>> due = new ArrayList<>();
        Iterator<Map.Entry<JsonNode, Group<M>>> it = groups.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<JsonNode, Group<M>> entry = it.next();
            Group<M> g = entry.getValue();
            List<M> messages = g.messages();
            boolean sliced = false;
            while (messages.size() >= maxSize) {
                due.add(new Group<>(g.key(), new ArrayList<>(messages.subList(0, maxSize)), g.firstAtNanos()));
                messages.subList(0, maxSize).clear();
                size -= maxSize;
                sliced = true;
            }
            if (!messages.isEmpty() && (all || nowNanos - g.firstAtNanos() >= maxWaitNanos)) {
                due.add(new Group<>(g.key(), List.copyOf(messages), g.firstAtNanos()));
                size -= messages.size();
                messages.clear();
            }
            if (messages.isEmpty()) {
                it.remove();
            } else if (sliced) {
                // What is left after a full slice waits its own maxWait, counted from now (it arrived by now).
                entry.setValue(new Group<>(g.key(), messages, nowNanos));
            }
        }
        return due;
    }

    /** How long until the oldest group's maxWait runs out (0 when one is already due); null when none waits. */
    public Long nanosUntilDue(long nowNanos) {
        Long soonest = null;
        for (Group<M> g : groups.values()) {
            long left = Math.max(0, g.firstAtNanos() + maxWaitNanos - nowNanos);
            soonest = soonest == null ? left : Math.min(soonest, left);
        }
        return soonest;
    }

    /** How many messages wait, in all groups. */
    public int size() {
        return size;
    }

    public void clear() {
        groups.clear();
        size = 0;
    }
}
