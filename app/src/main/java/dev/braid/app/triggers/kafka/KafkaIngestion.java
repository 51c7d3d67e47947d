package dev.braid.app.triggers.kafka;

import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.app.store.ConcurrencySlots;
import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.Ids;
import dev.braid.app.store.JsonColumns;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Transactional ingestion of Kafka records (DESIGN §3): each write is one statement, so the events
 * and their runs commit together, and only then does the consumer commit its offsets. The unique
 * (recipe, idempotency_key) of {@code trigger_events} is the dedupe: a record delivered again after a
 * crash or a rebalance meets its own row and starts nothing, in per-event and in batch mode alike.
 * Kafka keys never expire ({@code key_expires_at} is null): an offset is never reused.
 */
@Repository
class KafkaIngestion {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final DeadLetterStore deadLetters;

    KafkaIngestion(JdbcClient jdbc, JsonColumns json, DeadLetterStore deadLetters) {
        this.jdbc = jdbc;
        this.json = json;
        this.deadLetters = deadLetters;
    }

    /** A record to store: its idempotency key, its trigger object and its run's concurrency slot (null: unlimited). */
    record Event(String key, ObjectNode trigger, ConcurrencySlots.Slot slot) {}

    /**
     * One event and one queued run per record, all records of a poll in one statement. Returns how
     * many runs were created (records already stored are skipped).
     */
    int eachOwnRun(String recipe, int version, List<Event> events) {
        if (events.isEmpty()) {
            return 0;
        }
        ArrayNode rows = NODES.arrayNode();
        for (Event e : events) {
            rows.addObject()
                    .put("event_id", Ids.next().toString())
                    .put("run_id", Ids.next().toString())
                    .put("key", e.key())
                    .put("slot_key", e.slot() == null ? null : e.slot().key())
                    .put("slot_limit", e.slot() == null ? null : e.slot().limit())
                    .set("payload", e.trigger());
        }
        return jdbc.sql("""
                with input as (
                    select * from jsonb_to_recordset(?::jsonb)
                        as t(event_id uuid, run_id uuid, key text, payload jsonb, slot_key text, slot_limit integer)),
                ev as (
                    insert into trigger_events (id, recipe, idempotency_key, payload, first_run_id)
                    select event_id, ?, key, payload, run_id from input
                    on conflict (recipe, idempotency_key) do nothing
                    returning id)
                insert into runs (id, recipe, recipe_version, status, origin, event_id, trigger, concurrency_key, concurrency_limit)
                select i.run_id, ?, ?, 'queued', 'trigger', i.event_id, i.payload, i.slot_key, i.slot_limit
                  from ev join input i on i.event_id = ev.id""")
                .params(json.write(rows), recipe, recipe, version)
                .update();
    }

    /**
     * One batch run (DESIGN §3 "Batching"): every record still gets its own trigger_events row, keyed
     * as in per-event mode, with {@code first_run_id} pointing at the batch run, and the run's trigger
     * is {@code {type: kafka, batch: true, topic, key?, events: [...]}} built from the rows this
     * statement inserted, in partition and offset order. Records whose key is already stored are left
     * out; when none is new, no run is created. Returns the run id, or null.
     */
    UUID batchRun(String recipe, int version, String topic, JsonNode batchKey, List<Event> events,
                  ConcurrencySlots.Slot slot) {
        if (events.isEmpty()) {
            return null;
        }
        ArrayNode rows = NODES.arrayNode();
        for (Event e : events) {
            rows.addObject().put("event_id", Ids.next().toString()).put("key", e.key()).set("payload", e.trigger());
        }
        UUID runId = Ids.next();
        ObjectNode header = NODES.objectNode().put("type", "kafka").put("batch", true).put("topic", topic);
        if (batchKey != null) {
            header.set("key", batchKey);
        }
        return jdbc.sql("""
                with ev as (
                    insert into trigger_events (id, recipe, idempotency_key, payload, first_run_id)
                    select event_id, ?, key, payload, ? from jsonb_to_recordset(?::jsonb) as t(event_id uuid, key text, payload jsonb)
                    on conflict (recipe, idempotency_key) do nothing
                    returning payload)
                insert into runs (id, recipe, recipe_version, status, origin, event_id, trigger, concurrency_key, concurrency_limit)
                select ?, ?, ?, 'queued', 'trigger', null,
                       ?::jsonb || jsonb_build_object('events',
                           jsonb_agg(payload order by (payload ->> 'partition')::int, (payload ->> 'offset')::bigint)),
                       ?, ?
                  from ev
                having count(*) > 0
                returning id""")
                .params(recipe, runId, json.write(rows), runId, recipe, version, json.write(header),
                        slot == null ? null : slot.key(), slot == null ? null : slot.limit())
                .query(UUID.class).optional().orElse(null);
    }

    /** A record that could not be read: a dead letter with no run (DESIGN §3), at most one per record position. */
    void unreadable(String recipe, TriggerRecord record) {
        deadLetters.unreadableRecord(recipe, record.topic(), record.partition(), record.offset(), record.unreadable(),
                record.raw());
    }
}
