package dev.braid.app.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.engine.run.RunStatus;
import tools.jackson.databind.JsonNode;

/**
 * Transactional ingestion (DESIGN §3): the trigger event and its run are written by one statement,
 * so an event is never stored without its run. The unique (recipe, idempotency_key) is the dedupe:
 * a duplicate writes nothing and gets the first event's run.
 */
@Repository
public class EventStore {

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public EventStore(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
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

    private Ingested ingest(String recipe, int recipeVersion, String key, Instant keyExpiresAt, JsonNode trigger,
                            ConcurrencySlots.Slot slot, String claimFor, Duration lease, String origin) {
        if (slot != null && claimFor != null) {
            throw new IllegalArgumentException("A run with a concurrency limit cannot be pre-leased; it is claimed when a slot is free");
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
                    insert into runs (id, recipe, recipe_version, status, origin, event_id, trigger,
                                      attempt, locked_by, locked_until, started_at, concurrency_key, concurrency_limit)
                    select ?, ?, ?, ?, ?, ev.id, ?::jsonb,
                           ?, ?, case when ? then now() + make_interval(secs => ?) end, case when ? then now() end, ?, ?
                      from ev
                    returning id""")
                    .params(eventId, recipe, key, keyExpiresAt == null ? null : Timestamp.from(keyExpiresAt),
                            triggerJson, runId, runId, recipe, recipeVersion, (claimed ? RunStatus.RUNNING : RunStatus.QUEUED).wire(), origin, triggerJson,
                            claimed ? 1 : 0, claimFor, claimed, lease == null ? 0.0 : lease.toMillis() / 1000.0, claimed,
                            slot == null ? null : slot.key(), slot == null ? null : slot.limit())
                    .query(UUID.class).optional();
            if (inserted.isPresent()) {
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
}
