package dev.braid.app.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The owner of {@code trigger_events}. Transactional ingestion (ARCHITECTURE §3): the trigger events and their
 * run(s) are written by one statement, so an event is never stored without its run; the run insert in it is
 * {@link RunStore}'s ({@link RunStore#INSERT_INGESTED}), which owns what a new run is. The unique
 * (recipe, idempotency_key) is the dedupe: a duplicate writes nothing and gets the first event's run.
 * Callers are {@link dev.braid.app.ingest.Ingestion} (every trigger source goes through it), which works
 * out keys and concurrency slots.
 */
@Repository
public class EventStore {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final RunEvents runEvents;
    private final TransactionTemplate tx;

    public EventStore(JdbcClient jdbc, JsonColumns json, RunEvents runEvents, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        // A savepoint inside a caller's transaction (a poll's rows commit with their cursor): a batch that meets a
        // duplicate rolls back only its own staging before the exact path runs.
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.json = json;
        this.runEvents = runEvents;
    }

    public record Ingested(UUID eventId, UUID runId, boolean duplicate) {}

    /**
     * Stores the event and its run. With {@code claimFor} the run is inserted already running and
     * leased to that node (which then executes it at once); otherwise it is queued. {@code slot} is
     * the run's concurrency slot ({@link ConcurrencySlots}, null when the recipe has no limit); a
     * limited run is never pre-leased, it waits in the queue for a free slot. Each statement
     * commits on its own: the first writes event and run atomically, and the duplicate path stays
     * correct under races without a surrounding transaction (a renamed expired key is simply
     * renamed again, and the retried insert meets the winner's row).
     */
    public Ingested ingest(String recipe, int recipeVersion, String key, Instant keyExpiresAt, JsonNode trigger,
                           ConcurrencySlots.Slot slot, String claimFor, Duration lease) {
        return ingest(recipe, recipeVersion, key, keyExpiresAt, trigger, slot, claimFor, lease, "trigger");
    }

    /** As above for a queued run with another {@code origin} (a schedule backfill stores new fire times as {@code backfill}). */
    public Ingested ingest(String recipe, int recipeVersion, String key, Instant keyExpiresAt, JsonNode trigger,
                           ConcurrencySlots.Slot slot, String origin) {
        return ingest(recipe, recipeVersion, key, keyExpiresAt, trigger, slot, null, null, origin);
    }

    /** As above with every choice: pre-leased to {@code claimFor} (null: queued), and the run's {@code origin}. */
    public Ingested ingest(String recipe, int recipeVersion, String key, Instant keyExpiresAt, JsonNode trigger,
                           ConcurrencySlots.Slot slot, String claimFor, Duration lease, String origin) {
        return ingest(recipe, recipeVersion, key, keyExpiresAt, trigger, slot, null, claimFor, lease, origin);
    }

    /**
     * As above with the run's ordering key ({@link OrderingKeys}, null: not ordered). An ordered run is
     * never pre-leased either: it is claimed when the runs of its key ahead of it have ended.
     */
    public Ingested ingest(String recipe, int recipeVersion, String key, Instant keyExpiresAt, JsonNode trigger,
                           ConcurrencySlots.Slot slot, String ordering, String claimFor, Duration lease, String origin) {
        return ingest(recipe, recipeVersion, key, keyExpiresAt, trigger, slot, ordering, null, claimFor, lease, origin);
    }

    /** As above with the run's business keys ({@link BusinessKeys}, null: none). */
    public Ingested ingest(String recipe, int recipeVersion, String key, Instant keyExpiresAt, JsonNode trigger,
                           ConcurrencySlots.Slot slot, String ordering, JsonNode keys, String claimFor, Duration lease,
                           String origin) {
        if (slot != null && claimFor != null) {
            throw new IllegalArgumentException("A run with a concurrency limit cannot be pre-leased; it is claimed when a slot is free");
        }
        if (ordering != null && claimFor != null) {
            throw new IllegalArgumentException("A run with an ordering key cannot be pre-leased; it is claimed after the runs of its key ahead of it");
        }
        boolean claimed = claimFor != null;
        for (int tries = 0; tries < 3; tries++) {
            UUID eventId = Ids.next();
            UUID runId = Ids.next();
            String triggerJson = json.write(trigger);
            Optional<UUID> inserted = jdbc.sql("""
                    with ev as (
                        insert into trigger_events (id, recipe, idempotency_key, key_expires_at, payload, first_run_id)
                        values (?, ?, ?, ?, ?::jsonb, ?)
                        on conflict (recipe, idempotency_key) do nothing
                        returning id)
                    """ + RunStore.INSERT_INGESTED.formatted("select ?, ?, ?, ?, ?, ?, ?, ev.id, ?, ?, ?, ?, ? from ev", "id"))
                    .params(eventId, recipe, key, keyExpiresAt == null ? null : Timestamp.from(keyExpiresAt),
                            triggerJson, runId, runId, recipe, recipeVersion, claimed, claimFor,
                            lease == null ? 0.0 : lease.toMillis() / 1000.0, origin, triggerJson,
                            slot == null ? null : slot.key(), slot == null ? null : slot.limit(), ordering,
                            keys == null ? null : json.write(keys))
                    .query(UUID.class).optional();
            if (inserted.isPresent()) {
                runEvents.run(runId);
                return new Ingested(eventId, runId, false);
            }
            Optional<Existing> existing = jdbc.sql("""
                    select id, first_run_id, key_expires_at < now() as expired
                      from trigger_events where recipe = ? and idempotency_key = ?""")
                    .params(recipe, key)
                    .query((rs, n) -> new Existing(rs.getObject("id", UUID.class),
                            rs.getObject("first_run_id", UUID.class), rs.getBoolean("expired")))
                    .optional();
            if (existing.isEmpty()) {
                continue; // deleted between the two statements: try again
            }
            if (!existing.get().expired()) {
                return new Ingested(existing.get().id(), existing.get().firstRunId(), true);
            }
            // The key's dedupe window has passed: move the old event out of the key's slot, keep its history.
            jdbc.sql("update trigger_events set idempotency_key = idempotency_key || ' (expired ' || id || ')' where id = ?")
                    .param(existing.get().id()).update();
        }
        throw new IllegalStateException("Could not store the event for recipe " + recipe + " after 3 tries");
    }

    private record Existing(UUID id, UUID firstRunId, boolean expired) {}

    /** {@link #ingest} of one {@link NewEvent}. */
    public Ingested ingest(String recipe, int recipeVersion, String origin, NewEvent e) {
        return ingest(recipe, recipeVersion, e.key(), e.keyExpiresAt(), e.trigger(), e.slot(), e.ordering(), e.keys(),
                e.claimFor(), e.lease(), origin);
    }

    /**
     * One event to store: its idempotency key (expiring at {@code keyExpiresAt}, null: never), its trigger
     * object, and its run's slot, ordering key ({@link OrderingKeys}, null: not ordered) and business keys
     * ({@link BusinessKeys}, null: none; a batch run's are given to {@link #ingestBatch}). With
     * {@code claimFor} the run is inserted running and leased to that node for {@code lease} (the webhook fast
     * path; never with a slot or an ordering key, see {@link #ingest}).
     */
    public record NewEvent(String key, Instant keyExpiresAt, JsonNode trigger, ConcurrencySlots.Slot slot, String ordering,
                           JsonNode keys, String claimFor, Duration lease) {
        public NewEvent {
            if (claimFor != null && (slot != null || ordering != null)) {
                throw new IllegalArgumentException("A run with a concurrency limit or an ordering key cannot be pre-leased");
            }
        }

        public NewEvent(String key, Instant keyExpiresAt, JsonNode trigger, ConcurrencySlots.Slot slot, String ordering,
                        JsonNode keys) {
            this(key, keyExpiresAt, trigger, slot, ordering, keys, null, null);
        }

        public NewEvent(String key, Instant keyExpiresAt, JsonNode trigger, ConcurrencySlots.Slot slot, String ordering) {
            this(key, keyExpiresAt, trigger, slot, ordering, null);
        }

        public NewEvent(String key, Instant keyExpiresAt, JsonNode trigger, ConcurrencySlots.Slot slot) {
            this(key, keyExpiresAt, trigger, slot, null, null);
        }
    }

    /**
     * One event and one run each, all in one statement (a Kafka poll's records, a poll's rows, concurrent
     * webhooks through {@link IngestGroups}); a run is queued, or leased when its event says {@code claimFor}.
     * Returns one answer per input, in order; a duplicate (stored before, or earlier in the same list)
     * gets the stored event and its first run. Expired keys are moved aside first, as in {@link #ingest}.
     */
    public List<Ingested> ingestEach(String recipe, int recipeVersion, String origin, List<NewEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        moveExpired(recipe, events);
        ArrayNode rows = NODES.arrayNode();
        List<UUID[]> ids = new ArrayList<>(events.size());
        for (NewEvent e : events) {
            UUID eventId = Ids.next();
            UUID runId = Ids.next();
            ids.add(new UUID[] {eventId, runId});
            rows.addObject()
                    .put("event_id", eventId.toString())
                    .put("run_id", runId.toString())
                    .put("key", e.key())
                    .put("expires", e.keyExpiresAt() == null ? null : e.keyExpiresAt().toString())
                    .put("slot_key", e.slot() == null ? null : e.slot().key())
                    .put("slot_limit", e.slot() == null ? null : e.slot().limit())
                    .put("ordering", e.ordering())
                    .put("locked_by", e.claimFor())
                    .put("lease_seconds", e.lease() == null ? 0.0 : e.lease().toMillis() / 1000.0)
                    .set("payload", e.trigger());
            if (e.keys() != null) {
                ((ObjectNode) rows.get(rows.size() - 1)).set("keys", e.keys());
            }
        }
        Set<UUID> inserted = new HashSet<>(jdbc.sql("""
                with input as (
                    select * from rows from (jsonb_to_recordset(?::jsonb)
                        as (event_id uuid, run_id uuid, key text, expires timestamptz, payload jsonb, slot_key text, slot_limit integer,
                            ordering text, keys jsonb, locked_by text, lease_seconds float8)) with ordinality
                        as t(event_id, run_id, key, expires, payload, slot_key, slot_limit, ordering, keys, locked_by, lease_seconds, n)),
                ev as (
                    insert into trigger_events (id, recipe, idempotency_key, key_expires_at, payload, first_run_id)
                    select event_id, ?, key, expires, payload, run_id from input
                    on conflict (recipe, idempotency_key) do nothing
                    returning id)
                """ + RunStore.INSERT_INGESTED.formatted("""
                select i.run_id, ?, ?, i.locked_by is not null, i.locked_by, i.lease_seconds, ?, i.event_id, i.payload, i.slot_key,
                       i.slot_limit, i.ordering, i.keys
                  from ev join input i on i.event_id = ev.id
                 order by i.n -- ordering_seq (the column default) follows the events' order""", "event_id"))
                .params(json.write(rows), recipe, recipe, recipeVersion, origin)
                .query(UUID.class).list());
        List<Ingested> out = new ArrayList<>(events.size());
        Map<String, Existing> stored = inserted.size() == events.size() ? Map.of() : existing(recipe, events);
        for (int i = 0; i < events.size(); i++) {
            UUID[] id = ids.get(i);
            if (inserted.contains(id[0])) {
                out.add(new Ingested(id[0], id[1], false));
                runEvents.run(id[1]);
            } else {
                Existing first = stored.get(events.get(i).key());
                out.add(new Ingested(first == null ? null : first.id(), first == null ? null : first.firstRunId(), true));
            }
        }
        return out;
    }

    /**
     * One batch run (ARCHITECTURE §3 "Batching") owning many events, in one transaction: every event gets its
     * own trigger_events row (its own key, so an event delivered again is dropped) with
     * {@code first_run_id} the batch run, and the run's trigger is {@code header} plus
     * {@code events: [...]} — the trigger objects of the new events, in input order —
     * and, with {@code carryCursor}, {@code cursor}: the last of them's. The payloads are stored once, in
     * the run: a row of a batch keeps {@code batch_index}, its place in {@code events}, and no payload
     * (V25), except on the exact path taken when some events were stored before. The run has no single
     * {@code event_id}. When no event is new, no run is created: empty.
     */
    public Optional<UUID> ingestBatch(String recipe, int recipeVersion, String origin, List<NewEvent> events,
                                      ObjectNode header, boolean carryCursor, ConcurrencySlots.Slot slot) {
        return ingestBatch(recipe, recipeVersion, origin, events, header, carryCursor, slot, null);
    }

    /** As above with the batch run's ordering key ({@link OrderingKeys}, null: not ordered). */
    public Optional<UUID> ingestBatch(String recipe, int recipeVersion, String origin, List<NewEvent> events,
                                      ObjectNode header, boolean carryCursor, ConcurrencySlots.Slot slot, String ordering) {
        return ingestBatch(recipe, recipeVersion, origin, events, header, carryCursor, slot, ordering, null);
    }

    /** As above with the batch run's business keys ({@link BusinessKeys}, null: none). */
    public Optional<UUID> ingestBatch(String recipe, int recipeVersion, String origin, List<NewEvent> events,
                                      ObjectNode header, boolean carryCursor, ConcurrencySlots.Slot slot, String ordering,
                                      JsonNode keys) {
        if (events.isEmpty()) {
            return Optional.empty();
        }
        moveExpired(recipe, events);
        UUID runId = Ids.next();
        if (tx.execute(status -> stageBatch(recipe, recipeVersion, origin, events, header, carryCursor, slot, ordering, keys,
                runId, status))) {
            runEvents.run(runId);
            return Optional.of(runId);
        }
        return ingestBatchWithDuplicates(recipe, recipeVersion, origin, events, header, carryCursor, slot, ordering, keys);
    }

    /**
     * The batch path as it almost always goes (issue 18): every event is new. The events are staged with their
     * keys only — no payload, just their place in the run's {@code trigger.events} ({@code batch_index}) — from
     * three arrays in one insert, and the run's trigger is the one JSON document built here, so each event's
     * payload is parsed and stored once, in its run. When some key was stored before (a poll read again after a
     * crash) nothing of it is kept: false, and the caller takes the exact path, which leaves the duplicates out.
     */
    private boolean stageBatch(String recipe, int recipeVersion, String origin, List<NewEvent> events, ObjectNode header,
                               boolean carryCursor, ConcurrencySlots.Slot slot, String ordering, JsonNode keys, UUID runId,
                               TransactionStatus status) {
        // text arrays, cast in the statement: the driver sends them as one parameter each
        String[] ids = new String[events.size()];
        String[] idempotencyKeys = new String[events.size()];
        String[] expires = new String[events.size()];
        ObjectNode trigger = header.deepCopy();
        ArrayNode all = trigger.putArray("events");
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            ids[i] = Ids.next().toString();
            idempotencyKeys[i] = e.key();
            expires[i] = e.keyExpiresAt() == null ? null : e.keyExpiresAt().toString();
            all.add(e.trigger());
        }
        if (carryCursor) {
            JsonNode cursor = events.getLast().trigger().get("cursor");
            trigger.set("cursor", cursor == null ? NODES.nullNode() : cursor);
        }
        int staged = jdbc.sql("""
                insert into trigger_events (id, recipe, idempotency_key, key_expires_at, first_run_id, batch_index)
                select id, ?, key, expires, ?, n - 1
                  from unnest(?::uuid[], ?::text[], ?::timestamptz[]) with ordinality as t(id, key, expires, n)
                on conflict (recipe, idempotency_key) do nothing""")
                .params(recipe, runId, ids, idempotencyKeys, expires)
                .update();
        if (staged < events.size()) {
            status.setRollbackOnly();
            return false;
        }
        jdbc.sql("with ev as (select 1)" + RunStore.INSERT_INGESTED.formatted(
                        "select ?, ?, ?, false, null, null, ?, null, ?, ?, ?, ?, ?", "id"))
                .params(runId, recipe, recipeVersion, origin, json.write(trigger), slot == null ? null : slot.key(),
                        slot == null ? null : slot.limit(), ordering, keys == null ? null : json.write(keys))
                .query(UUID.class).single();
        return true;
    }

    /**
     * The batch path when some events were stored before: each new event's payload in its own row, the run's
     * events aggregated from the rows this statement inserted, in input order.
     */
    private Optional<UUID> ingestBatchWithDuplicates(String recipe, int recipeVersion, String origin, List<NewEvent> events,
                                                     ObjectNode header, boolean carryCursor, ConcurrencySlots.Slot slot,
                                                     String ordering, JsonNode keys) {
        ArrayNode rows = NODES.arrayNode();
        for (NewEvent e : events) {
            rows.addObject().put("event_id", Ids.next().toString()).put("key", e.key())
                    .put("expires", e.keyExpiresAt() == null ? null : e.keyExpiresAt().toString())
                    .set("payload", e.trigger());
        }
        UUID runId = Ids.next();
        return jdbc.sql("""
                with ev as (
                    insert into trigger_events (id, recipe, idempotency_key, key_expires_at, payload, first_run_id)
                    select event_id, ?, key, expires, payload, ?
                      from jsonb_to_recordset(?::jsonb) as t(event_id uuid, key text, expires timestamptz, payload jsonb)
                    on conflict (recipe, idempotency_key) do nothing
                    returning id, payload),
                agg as (
                    select jsonb_agg(payload order by id) as events, count(*) as n from ev)
                """ + RunStore.INSERT_INGESTED.formatted("""
                select ?, ?, ?, false, null, null, ?, null,
                       ?::jsonb || jsonb_build_object('events', agg.events)
                         || case when ? then jsonb_build_object('cursor', agg.events -> -1 -> 'cursor') else '{}'::jsonb end,
                       ?, ?, ?, ?
                  from agg
                 where agg.n > 0""", "id"))
                .params(recipe, runId, json.write(rows), runId, recipe, recipeVersion, origin, json.write(header), carryCursor,
                        slot == null ? null : slot.key(), slot == null ? null : slot.limit(), ordering,
                        keys == null ? null : json.write(keys))
                .query(UUID.class).optional()
                .map(id -> {
                    runEvents.run(id);
                    return id;
                });
    }

    /** What one statement of the events pass did: the last event it looked at (null: none left), and how many it deleted. */
    public record EventsPruned(UUID last, int deleted) {}

    /**
     * Retention (ARCHITECTURE §10): the next events in id (creation) order after {@code after} and before
     * {@code before}; those whose key no longer dedupes (expired, or never expiring — a Kafka offset, a
     * CDC position, a fire time) are deleted. A key still inside its window is kept. Runs keep the id of
     * their event (a soft reference) and their own copy of the trigger.
     */
    public EventsPruned prune(UUID after, UUID before, int limit) {
        return jdbc.sql("""
                with batch as (
                    select id, key_expires_at from trigger_events where id > ? and id < ? order by id limit ?),
                gone as (
                    delete from trigger_events e using batch b
                     where e.id = b.id and (b.key_expires_at is null or b.key_expires_at < now())
                    returning 1)
                select (select id from batch order by id desc limit 1) as last, (select count(*) from gone) as deleted""")
                .params(after, before, limit)
                .query((rs, n) -> new EventsPruned(rs.getObject("last", UUID.class), rs.getInt("deleted")))
                .single();
    }

    /** The stored events of these keys, by key. */
    private Map<String, Existing> existing(String recipe, List<NewEvent> events) {
        Map<String, Existing> out = new HashMap<>();
        jdbc.sql("""
                select idempotency_key, id, first_run_id, coalesce(key_expires_at < now(), false) as expired
                  from trigger_events where recipe = ? and idempotency_key = any(?)""")
                .params(recipe, events.stream().map(NewEvent::key).distinct().toArray(String[]::new))
                .query((rs, n) -> out.put(rs.getString("idempotency_key"), new Existing(rs.getObject("id", UUID.class),
                        rs.getObject("first_run_id", UUID.class), rs.getBoolean("expired"))))
                .list();
        return out;
    }

    /** Keys whose dedupe window has passed are moved out of their slot (their history stays), for events that expire at all. */
    private void moveExpired(String recipe, List<NewEvent> events) {
        String[] keys = events.stream().filter(e -> e.keyExpiresAt() != null).map(NewEvent::key).distinct().toArray(String[]::new);
        if (keys.length == 0) {
            return;
        }
        jdbc.sql("""
                update trigger_events set idempotency_key = idempotency_key || ' (expired ' || id || ')'
                 where recipe = ? and idempotency_key = any(?) and key_expires_at < now()""")
                .params(recipe, keys).update();
    }
}
