package dev.braid.app.triggers.schedule;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.app.store.JsonColumns;
import dev.braid.app.store.NewRun;
import dev.braid.app.store.RunStore;
import dev.braid.engine.run.RunStatus;
import tools.jackson.databind.JsonNode;

/**
 * What a backfill reads besides new events — the fire times that have events and their latest runs —
 * and the extra runs it asks the queue ({@link RunStore}) for.
 */
@Repository
class BackfillStore {

    /** A fire time's stored event and its latest run. */
    record Existing(String key, UUID eventId, UUID runId, RunStatus status, JsonNode trigger) {}

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final RunStore runs;

    BackfillStore(JdbcClient jdbc, JsonColumns json, RunStore runs) {
        this.jdbc = jdbc;
        this.json = json;
        this.runs = runs;
    }

    Map<String, Existing> existing(String recipe, List<String> keys) {
        return jdbc.sql("""
                select e.idempotency_key, e.id, e.payload, r.id as run_id, r.status
                  from trigger_events e
                  left join lateral (select id, status from runs where event_id = e.id order by id desc limit 1) r on true
                 where e.recipe = ? and e.idempotency_key = any(?)""")
                .params(recipe, keys.toArray(String[]::new))
                .query((rs, n) -> new Existing(rs.getString("idempotency_key"), rs.getObject("id", UUID.class),
                        rs.getObject("run_id", UUID.class), status(rs.getString("status")), json.read(rs, "payload")))
                .list().stream().collect(Collectors.toMap(Existing::key, Function.identity()));
    }

    private static RunStatus status(String wire) {
        return wire == null ? null : RunStatus.fromWire(wire);
    }

    /**
     * {@code overlap: queue}: a run that starts after the fire time's latest run has ended. While that
     * run is active the new one is {@code waiting} (wait reason {@code overlap}, no due time) with
     * {@code replayOf} pointing at it; {@link OverlapRelease} queues it once the run it waits for has
     * ended. If that run has already ended, the new run is queued at once.
     */
    void queue(UUID runId, String recipe, int version, Existing existing) {
        runs.enqueueBehind(new NewRun(runId, recipe, version, "backfill", existing.runId(), existing.eventId(),
                existing.trigger()));
    }

    /** Queues the overlap-waiting runs whose run ahead has ended (or is gone); cluster-safe, idempotent. */
    int releaseOverlaps() {
        return runs.releaseOverlaps();
    }
}
