package dev.braid.app.triggers.schedule;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.app.store.ConcurrencySlots;
import dev.braid.app.store.JsonColumns;
import tools.jackson.databind.JsonNode;

/** What a backfill reads and writes besides new events: the fire times that have events, and extra runs for them. */
@Repository
class BackfillStore {

    /** A fire time's stored event and its latest run. */
    record Existing(String key, UUID eventId, UUID runId, String status, JsonNode trigger) {}

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final ConcurrencySlots slots;

    BackfillStore(JdbcClient jdbc, JsonColumns json, ConcurrencySlots slots) {
        this.jdbc = jdbc;
        this.json = json;
        this.slots = slots;
    }

    Map<String, Existing> existing(String recipe, List<String> keys) {
        return jdbc.sql("""
                select e.idempotency_key, e.id, e.payload, r.id as run_id, r.status
                  from trigger_events e
                  left join lateral (select id, status from runs where event_id = e.id order by id desc limit 1) r on true
                 where e.recipe = ? and e.idempotency_key = any(?)""")
                .params(recipe, keys.toArray(String[]::new))
                .query((rs, n) -> new Existing(rs.getString("idempotency_key"), rs.getObject("id", UUID.class),
                        rs.getObject("run_id", UUID.class), rs.getString("status"), json.read(rs, "payload")))
                .list().stream().collect(Collectors.toMap(Existing::key, Function.identity()));
    }

    /**
     * {@code overlap: queue}: a run that starts after the fire time's latest run has ended. While that
     * run is active the new one is {@code waiting} (wait reason {@code overlap}, no due time) with
     * {@code replayOf} pointing at it; {@link OverlapRelease} queues it once the run it waits for has
     * ended. If that run has already ended, the new run is queued at once.
     */
    void queue(UUID runId, String recipe, int version, Existing existing) {
        ConcurrencySlots.Slot slot = slots.of(recipe, version, existing.trigger()).orElse(null);
        jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, replay_of, event_id, trigger,
                                  next_attempt_at, wait_reason, concurrency_key, concurrency_limit)
                select ?, ?, ?, case when p.active then 'waiting' else 'queued' end, 'backfill', p.id, ?, ?::jsonb,
                       case when p.active then 'infinity'::timestamptz else now() end,
                       case when p.active then 'overlap' end, ?, ?
                  from (select id, status in ('queued', 'running', 'waiting', 'retrying') as active
                          from runs where id = ?) p""")
                .params(runId, recipe, version, existing.eventId(), json.write(existing.trigger()),
                        slot == null ? null : slot.key(), slot == null ? null : slot.limit(), existing.runId())
                .update();
    }

    /** Queues the overlap-waiting runs whose run ahead has ended (or is gone); cluster-safe, idempotent. */
    int releaseOverlaps() {
        return jdbc.sql("""
                update runs q set status = 'queued', next_attempt_at = now(), wait_reason = null
                 where q.status = 'waiting' and q.wait_reason = 'overlap'
                   and not exists (select 1 from runs p where p.id = q.replay_of
                                      and p.status in ('queued', 'running', 'waiting', 'retrying'))""")
                .update();
    }
}
