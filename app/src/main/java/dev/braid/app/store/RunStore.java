package dev.braid.app.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The runs table as a queue (DESIGN §3): enqueue, claim with {@code FOR UPDATE SKIP LOCKED} and a
 * lease, renew leases and requeue expired ones. What a running attempt writes is {@link AttemptStore}'s.
 */
@Repository
public class RunStore {

    static final String COLUMNS = """
            id, recipe, recipe_version, status, origin, replay_of, event_id, trigger, attempt, next_attempt_at,
            locked_by, locked_until, created_at, started_at, finished_at, output, error, dead_letter_id, parent_run_id,
            wait_reason""";

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final ConcurrencySlots slots;
    private final LimitedClaims limited;

    public RunStore(JdbcClient jdbc, JsonColumns json, ConcurrencySlots slots, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.json = json;
        this.slots = slots;
        this.limited = new LimitedClaims(jdbc, new TransactionTemplate(transactions), this::map);
    }

    /** Queues a run; its concurrency slot (if its recipe version has a limit) is worked out here, see {@link ConcurrencySlots}. */
    public void enqueue(NewRun run) {
        Optional<ConcurrencySlots.Slot> slot = slots.of(run.recipe(), run.recipeVersion(), run.trigger());
        jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, replay_of, event_id, trigger,
                                  concurrency_key, concurrency_limit)
                values (?, ?, ?, 'queued', ?, ?, ?, ?::jsonb, ?, ?)""")
                .params(run.id(), run.recipe(), run.recipeVersion(), run.origin(), run.replayOf(), run.eventId(),
                        json.write(run.trigger()), slot.map(ConcurrencySlots.Slot::key).orElse(null),
                        slot.map(ConcurrencySlots.Slot::limit).orElse(null))
                .update();
    }

    /**
     * Claims up to {@code limit} runs that are due: status running, leased to {@code node} until
     * now + {@code lease}, attempt counted. Rows another node is claiming at the same moment are
     * skipped, not waited for. Only runs without a concurrency limit: see {@link #claimLimited}.
     */
    public List<RunRow> claim(String node, Duration lease, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return jdbc.sql("""
                update runs set status = 'running', locked_by = ?, locked_until = now() + make_interval(secs => ?),
                       attempt = attempt + 1, started_at = coalesce(started_at, now())
                 where id in (select id from runs
                               where status in ('queued', 'retrying', 'waiting') and next_attempt_at <= now()
                                 and concurrency_key is null
                               order by next_attempt_at
                               limit ? for update skip locked)
                returning""" + " " + COLUMNS)
                .params(node, seconds(lease), limit)
                .query(this::map).list();
    }

    /**
     * Claims up to {@code max} due runs of recipes with a concurrency limit, never more per slot group
     * than its free slots, cluster-wide ({@link LimitedClaims}). Finds nothing in one cheap query
     * when no run is limited.
     */
    public List<RunRow> claimLimited(String node, Duration lease, int max) {
        return max <= 0 ? List.of() : limited.claim(node, seconds(lease), max);
    }

    /**
     * When the next queued, retrying or waiting run falls due, if any. A limited run that is already
     * due is left out: it waits for a slot, not for a time, and the run that frees the slot wakes
     * the dispatcher (looking again at once would spin).
     */
    public Optional<Instant> nextDue() {
        return jdbc.sql("""
                select least(
                    (select min(next_attempt_at) from runs
                      where status in ('queued', 'retrying', 'waiting') and concurrency_key is null),
                    (select min(next_attempt_at) from runs
                      where status in ('queued', 'retrying', 'waiting') and concurrency_key is not null
                        and next_attempt_at > now()))""")
                .query((rs, n) -> {
                    Timestamp t = rs.getTimestamp(1);
                    return t == null ? null : t.toInstant();
                }).optional();
    }

    /** Extends the leases of every run this node holds. */
    public int renewLeases(String node, Duration lease) {
        return jdbc.sql("""
                update runs set locked_until = now() + make_interval(secs => ?)
                 where locked_by = ? and status = 'running'""")
                .params(seconds(lease), node).update();
    }

    /** Puts runs whose lease expired (their node died or stalled) back in the queue. */
    public int requeueExpired() {
        return jdbc.sql("""
                update runs set status = 'queued', locked_by = null, locked_until = null, next_attempt_at = now()
                 where status = 'running' and locked_until < now()""")
                .update();
    }

    /** Gives back this node's runs (shutdown): they are queued again for any node. */
    public int release(String node) {
        return jdbc.sql("""
                update runs set status = 'queued', locked_by = null, locked_until = null, next_attempt_at = now()
                 where status = 'running' and locked_by = ?""")
                .param(node).update();
    }

    /** The statuses from which a run has not ended yet. */
    public static final List<String> UNFINISHED = List.of("queued", "retrying", "waiting", "running");

    /**
     * Cancels the run if it is still in one of {@code statuses}; false when it had moved on. A worker
     * still running it loses its lease, so its fenced writes write nothing.
     */
    public boolean cancel(UUID id, List<String> statuses) {
        return jdbc.sql(CANCEL + " where id = ? and status in (" + placeholders(statuses) + ")")
                .params(params(id, statuses)).update() == 1;
    }

    /** Cancels the unfinished runs a run's {@code call:} steps started. */
    public int cancelChildren(UUID parent) {
        return jdbc.sql(CANCEL + " where parent_run_id = ? and status in (" + placeholders(UNFINISHED) + ")")
                .params(params(parent, UNFINISHED)).update();
    }

    private static final String CANCEL = """
            update runs set status = 'cancelled', finished_at = now(), locked_by = null, locked_until = null,
                   wait_reason = null""";

    private static String placeholders(List<String> values) {
        return String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
    }

    private static List<Object> params(UUID id, List<String> statuses) {
        List<Object> params = new java.util.ArrayList<>(statuses.size() + 1);
        params.add(id);
        params.addAll(statuses);
        return params;
    }

    public Optional<RunRow> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from runs where id = ?").param(id).query(this::map).optional();
    }

    /** Newest first; {@code before} is the cursor (the last id of the previous page). */
    public List<RunRow> list(RunFilter filter, UUID before, int limit) {
        return new NewestFirst("select " + COLUMNS + " from runs")
                .equal("recipe", filter.recipe())
                .equal("status", filter.status())
                .between("created_at", filter.from(), filter.to())
                .page(jdbc, before, limit, this::map);
    }

    /** The recipe's runs by status filter; only fixed SQL fragments are appended above, never input. */
    public record RunFilter(String recipe, String status, Instant from, Instant to) {}

    RunRow map(ResultSet rs, int row) throws SQLException {
        return new RunRow(
                rs.getObject("id", UUID.class), rs.getString("recipe"), rs.getInt("recipe_version"),
                rs.getString("status"), rs.getString("origin"), rs.getObject("replay_of", UUID.class),
                rs.getObject("event_id", UUID.class), json.read(rs, "trigger"), rs.getInt("attempt"),
                instant(rs, "next_attempt_at"), rs.getString("locked_by"), instant(rs, "locked_until"),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                json.read(rs, "output"), json.read(rs, "error"), rs.getObject("dead_letter_id", UUID.class),
                rs.getObject("parent_run_id", UUID.class), rs.getString("wait_reason"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
