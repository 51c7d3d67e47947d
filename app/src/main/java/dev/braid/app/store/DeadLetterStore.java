package dev.braid.app.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dead_letters table (ARCHITECTURE §3 "Dead letters"): failed runs kept for replay, and trigger records
 * that could not even be read. Every statement writing it is here; a failed run's row is inserted by
 * {@link #FOR_ENDED_RUN} inside the statement that ends the run ({@link RunStore#finish}), so a node that
 * lost its lease leaves none. Rows are listed, replayed (status and {@code replays}) and discarded, never
 * deleted: a discarded dead letter stays listed.
 */
@Repository
public class DeadLetterStore {

    /**
     * A CTE inserting the dead letter bound by {@link #bind} for the run of the CTE {@code run}, when there
     * is one (its id parameter is not null). Six parameters.
     */
    static final String FOR_ENDED_RUN = """
            , dead as (
                insert into dead_letters (id, run_id, recipe, step, error, payload)
                select ?::uuid, run.id, ?, ?, ?::jsonb, ?::jsonb from run where ?::uuid is not null)
            """;

    private static final String COLUMNS = "id, run_id, recipe, step, error, payload, status, created_at, replays";

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public DeadLetterStore(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record DeadLetterRow(UUID id, UUID runId, String recipe, String step, JsonNode error, JsonNode payload,
                                String status, Instant createdAt, JsonNode replays) {}

    /** Filters of the list; null members do not filter. */
    public record DeadLetterFilter(String recipe, String status, String errorType, Instant from, Instant to) {}

    /**
     * An event that could not be read, or whose idempotency key could not be worked out: a dead letter
     * with no run (ARCHITECTURE §3), error type {@code trigger.unreadable}. {@code error.event} is the event's
     * natural key (a Kafka position, a CDC position, a poll row), and at most one such letter is written
     * per natural key, so a source that delivers the event again after a crash does not list it twice
     * (unreadable events are rare; the recipe's dead letters are indexed). {@code field}, when given,
     * names the recipe setting at fault, e.g. {@code trigger.kafka.idempotencyKey}.
     */
    public void unreadable(String recipe, String naturalKey, String message, String field, JsonNode payload) {
        ObjectNode error = JsonNodeFactory.instance.objectNode()
                .put("type", UNREADABLE).put("message", message).put("event", naturalKey);
        if (field != null) {
            error.put("field", field);
        }
        jdbc.sql("""
                insert into dead_letters (id, run_id, recipe, step, error, payload)
                select ?, null, ?, null, ?::jsonb, ?::jsonb
                 where not exists (select 1 from dead_letters
                                    where recipe = ? and error_type = 'trigger.unreadable' and run_id is null
                                      and error ->> 'event' = ?)""")
                .params(Ids.next(), recipe, json.write(error), json.write(payload), recipe, naturalKey)
                .update();
    }

    /** The error type of a dead letter for an event that never got a run. */
    public static final String UNREADABLE = "trigger.unreadable";

    public Optional<DeadLetterRow> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from dead_letters where id = ?").param(id).query(this::map).optional();
    }

    /** The row locked for the rest of the transaction, so two replays of one dead letter do not interleave. */
    public Optional<DeadLetterRow> lock(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from dead_letters where id = ? for update").param(id)
                .query(this::map).optional();
    }

    /** Newest first; {@code before} is the cursor (the last id of the previous page). Only fixed SQL is appended. */
    public List<DeadLetterRow> list(DeadLetterFilter filter, UUID before, int limit) {
        return filtered("select " + COLUMNS + " from dead_letters", filter).page(jdbc, before, limit, this::map);
    }

    /** The ids of {@link #list} alone (a bulk job resolving "all matching this filter"). */
    public List<UUID> ids(DeadLetterFilter filter, UUID before, int limit) {
        return filtered("select id from dead_letters", filter)
                .page(jdbc, before, limit, (rs, n) -> rs.getObject("id", UUID.class));
    }

    private static NewestFirst filtered(String select, DeadLetterFilter filter) {
        return new NewestFirst(select)
                .equal("recipe", filter.recipe())
                .equal("status", filter.status())
                .equal("error_type", filter.errorType())
                .between("created_at", filter.from(), filter.to());
    }

    /** Binds the dead letter (or none) for {@link #FOR_ENDED_RUN} from parameter {@code i}; answers the next index. */
    static int bind(PreparedStatement ps, int i, AttemptEnd.DeadLetter dead) throws SQLException {
        String deadId = dead == null ? null : dead.id().toString();
        ps.setString(i++, deadId);
        ps.setString(i++, dead == null ? null : dead.recipe());
        ps.setString(i++, dead == null ? null : dead.step());
        ps.setString(i++, dead == null ? null : dead.errorJson());
        ps.setString(i++, dead == null ? null : dead.payloadJson());
        ps.setString(i++, deadId);
        return i;
    }

    /** Status {@code replayed}, {@code replay} ({runId, at, by, from}) appended to {@code replays}. */
    public void markReplayed(UUID id, JsonNode replay) {
        jdbc.sql("""
                update dead_letters set status = 'replayed', replays = replays || jsonb_build_array(?::jsonb)
                 where id = ?""")
                .params(json.write(replay), id).update();
    }

    /** The open dead letter a run left, if any (an operator retry of that run resolves it). */
    public Optional<UUID> openOfRun(UUID runId) {
        return jdbc.sql("select id from dead_letters where run_id = ? and status = 'open' order by id desc limit 1")
                .param(runId).query(UUID.class).optional();
    }

    /** Idempotent: a discarded dead letter stays discarded. */
    public void discard(UUID id) {
        jdbc.sql("update dead_letters set status = 'discarded' where id = ?").param(id).update();
    }

    private DeadLetterRow map(ResultSet rs, int row) throws SQLException {
        return new DeadLetterRow(rs.getObject("id", UUID.class), rs.getObject("run_id", UUID.class),
                rs.getString("recipe"), rs.getString("step"), json.read(rs, "error"), json.read(rs, "payload"),
                rs.getString("status"), RunStore.instant(rs, "created_at"), json.read(rs, "replays"));
    }
}
