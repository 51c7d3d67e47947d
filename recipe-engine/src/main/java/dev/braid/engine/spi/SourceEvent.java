package dev.braid.engine.spi;

import tools.jackson.databind.node.ObjectNode;

/**
 * One event a {@link TriggerSource} read: its {@code trigger} as steps see it (ARCHITECTURE §2; {@code type}
 * is required, e.g. {@code {type: kafka, topic, partition, offset, key, headers, timestamp, body}}) and
 * its natural key, unique per event of the source for ever (Kafka {@code topic/partition/offset}), so
 * that an event read again after a crash starts nothing.
 */
public record SourceEvent(ObjectNode trigger, String naturalKey) {

    public SourceEvent {
        if (trigger == null || !trigger.path("type").isString()) {
            throw new IllegalArgumentException("A source event needs a trigger with its 'type'");
        }
    }

    public static SourceEvent of(ObjectNode trigger, String naturalKey) {
        return new SourceEvent(trigger, naturalKey);
    }
}
