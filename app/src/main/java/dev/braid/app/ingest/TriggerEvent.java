package dev.braid.app.ingest;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event a trigger source hands to {@link Ingestion}: its trigger context (ARCHITECTURE §2: {@code trigger}
 * as steps see it — {@code type, body, headers, query, key, topic, partition, offset, fireTime, op,
 * before, after, source}, the fields that apply to the source, plus the source's own extras such as a
 * poll's {@code cursor}), its natural key (ARCHITECTURE §3: Kafka {@code topic/partition/offset}, CDC
 * position + primary key, schedule fire time, poll cursor value, a webhook body's hash; null for a
 * source without one — manual, {@code call:}, {@code onError.notify} — whose runs store no event) and
 * the key its sender supplied (the webhook {@code Idempotency-Key} header), if any.
 *
 * <p>Example: {@code TriggerEvent.of(trigger, "orders/0/42")} for the Kafka record at offset 42 of
 * partition 0.
 */
public record TriggerEvent(ObjectNode context, String naturalKey, String suppliedKey) {

    /** The ARCHITECTURE §2 trigger fields, in the order it lists them. */
    public static final List<String> FIELDS = List.of("type", "body", "headers", "query", "key", "topic", "partition",
            "offset", "fireTime", "op", "before", "after", "source");

    public TriggerEvent {
        if (context == null || !context.path("type").isString()) {
            throw new IllegalArgumentException("A trigger event needs a context with its 'type'");
        }
    }

    /** An event of a source that supplies no key of its own. */
    public static TriggerEvent of(ObjectNode context, String naturalKey) {
        return new TriggerEvent(context, naturalKey, null);
    }

    /** A run started by hand, by {@code call:} or by {@code onError.notify}: {@code {type: manual, body}}, no stored event. */
    public static TriggerEvent manual(JsonNode body) {
        ObjectNode context = JsonNodeFactory.instance.objectNode().put("type", "manual");
        context.set("body", body == null || body.isMissingNode() ? JsonNodeFactory.instance.nullNode() : body);
        return new TriggerEvent(context, null, null);
    }

    public String type() {
        return context.path("type").asString();
    }

    /** A field of the trigger context ({@link #FIELDS}); missing when the source does not set it. */
    public JsonNode field(String name) {
        return context.path(name);
    }

    public JsonNode body() {
        return field("body");
    }

    /** Whether this event is stored in trigger_events (it has a key) or only starts a run. */
    boolean stored() {
        return naturalKey != null;
    }
}
