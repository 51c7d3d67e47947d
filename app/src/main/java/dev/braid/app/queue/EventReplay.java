package dev.braid.app.queue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.store.JsonColumns;

/**
 * Kappa-style reprocessing (ARCHITECTURE §3 "Backfill and replay"): every stored trigger event of a recipe
 * received in {@code [from, to)} runs again as a new run — origin {@code replay}, linked to its event
 * ({@code eventId}) and to the event's first run ({@code replayOf}) — on the current or a pinned version.
 * All runs of one request are queued in one transaction: a replay happens whole or not at all.
 */
@Service
public class EventReplay {

    /** Most events one request replays; the answer's {@code next} says where to continue. */
    public static final int MAX_EVENTS = 10_000;

    public record StoredEvent(UUID id, Instant receivedAt, UUID firstRunId) {}

    /** The events in range (at most {@code limit}), and the receipt time of the first one left out, if any. */
    public record Selection(List<StoredEvent> events, Instant next) {}

    public record Replayed(UUID eventId, UUID runId) {}

    private final JdbcClient jdbc;
    private final Ingestion ingestion;
    private final JsonColumns json;
    private final TransactionTemplate tx;

    public EventReplay(JdbcClient jdbc, Ingestion ingestion, JsonColumns json, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.ingestion = ingestion;
        this.json = json;
        this.tx = new TransactionTemplate(transactions);
    }

    public Selection select(String recipe, Instant from, Instant to, int limit) {
        List<StoredEvent> found = jdbc.sql("""
                select id, received_at, first_run_id from trigger_events
                 where recipe = ? and received_at >= ? and received_at < ?
                 order by received_at, id
                 limit ?""")
                .params(recipe, Timestamp.from(from), Timestamp.from(to), limit + 1)
                .query((rs, n) -> new StoredEvent(rs.getObject("id", UUID.class), rs.getTimestamp("received_at").toInstant(),
                        rs.getObject("first_run_id", UUID.class)))
                .list();
        if (found.size() <= limit) {
            return new Selection(found, null);
        }
        return new Selection(List.copyOf(found.subList(0, limit)), found.get(limit).receivedAt());
    }

    /** Queues one run per selected event on {@code version}, each with the event's stored trigger. */
    public List<Replayed> replay(String recipe, int version, List<StoredEvent> events) {
        return tx.execute(s -> {
            List<Replayed> done = new ArrayList<>(events.size());
            for (StoredEvent event : events) {
                // Read inside the transaction: an event deleted with its recipe meanwhile is skipped, not half-replayed.
                // An event of a batch run keeps its payload in that run's trigger.events (V25); gone with the run.
                var payload = jdbc.sql("""
                        select coalesce(e.payload, r.trigger -> 'events' -> e.batch_index)::text
                          from trigger_events e left join runs r on e.payload is null and r.id = e.first_run_id
                         where e.id = ?""").param(event.id())
                        .query(String.class).list().stream().filter(java.util.Objects::nonNull).findFirst();
                if (payload.isEmpty()) {
                    continue;
                }
                UUID runId = ingestion.rerun(recipe, version, "replay", event.id(), event.firstRunId(),
                        json.read(payload.get()));
                done.add(new Replayed(event.id(), runId));
            }
            return done;
        });
    }
}
