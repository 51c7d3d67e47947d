package dev.braid.app.jobs;

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

import dev.braid.app.store.JsonColumns;
import tools.jackson.databind.JsonNode;

/**
 * The bulk_jobs and bulk_job_items tables and their one writer. A job is held by one node at a time
 * through a lease ({@code locked_by}, {@code locked_until}, compared with the database's clock so nodes
 * agree); an item leaves {@code pending} once, guarded by {@code where status = 'pending'} on its locked row.
 */
@Repository
public class BulkJobStore {

    private static final String JOB_COLUMNS = """
            id, action, options, selection, status, total, succeeded, failed, created_by, created_at, finished_at,
            locked_by, locked_until""";

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public BulkJobStore(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record Job(UUID id, BulkAction action, JsonNode options, JsonNode selection, String status, int total,
                      int succeeded, int failed, String createdBy, Instant createdAt, Instant finishedAt,
                      String lockedBy, Instant lockedUntil) {
        public int done() {
            return succeeded + failed;
        }
    }

    public record Item(UUID jobId, int seq, UUID targetId, String status, UUID resultId, JsonNode problem, Instant doneAt) {}

    /** The job and its items (numbered 1… in the order given), in the caller's transaction. */
    public void insert(UUID id, BulkAction action, JsonNode options, JsonNode selection, List<UUID> targets, String user) {
        jdbc.sql("""
                insert into bulk_jobs (id, action, options, selection, total, created_by)
                values (?, ?, ?::jsonb, ?::jsonb, ?, ?)""")
                .params(id, action.wire(), json.write(options), json.write(selection), targets.size(), user)
                .update();
        // One statement for every item, however many (up to braid.jobs.max-items).
        jdbc.sql("""
                insert into bulk_job_items (job_id, seq, target_id)
                select ?, u.seq, u.target from unnest(?::uuid[]) with ordinality as u(target, seq)""")
                .params(id, targets.toArray(UUID[]::new))
                .update();
    }

    public Optional<Job> find(UUID id) {
        return jdbc.sql("select " + JOB_COLUMNS + " from bulk_jobs where id = ?").param(id).query(this::job).optional();
    }

    /** Newest first; {@code before} is the cursor (the last id of the previous page). */
    public List<Job> list(UUID before, int limit) {
        return jdbc.sql("select " + JOB_COLUMNS + " from bulk_jobs where (?::uuid is null or id < ?) order by id desc limit ?")
                .params(before, before, limit).query(this::job).list();
    }

    /**
     * Takes the oldest running job that no live node holds (never held, or its lease ran out: the node
     * died or stopped) — or that this node held when a round of it failed — for {@code lease}; empty when
     * there is none.
     */
    public Optional<Job> claim(String node, Duration lease) {
        return jdbc.sql("""
                update bulk_jobs set locked_by = ?, locked_until = now() + make_interval(secs => ?)
                 where id = (select id from bulk_jobs
                              where status = 'running'
                                and (locked_until is null or locked_until < now() or locked_by = ?)
                              order by created_at limit 1 for update skip locked)
                returning\s""" + JOB_COLUMNS)
                .params(node, lease.toMillis() / 1000.0, node).query(this::job).optional();
    }

    /** Extends this node's hold on the job; false when the lease was lost (another node took it over). */
    public boolean renew(UUID id, String node, Duration lease) {
        return jdbc.sql("""
                update bulk_jobs set locked_until = now() + make_interval(secs => ?)
                 where id = ? and locked_by = ? and status = 'running'""")
                .params(lease.toMillis() / 1000.0, id, node).update() == 1;
    }

    /** Lets go of the job without finishing it (this node stops): another node may take it at once. */
    public void release(UUID id, String node) {
        jdbc.sql("update bulk_jobs set locked_by = null, locked_until = null where id = ? and locked_by = ?")
                .params(id, node).update();
    }

    /** Marks the job finished when no item is pending any more; answers whether it did. */
    public boolean finishIfDone(UUID id) {
        return jdbc.sql("""
                update bulk_jobs set status = 'finished', finished_at = now(), locked_by = null, locked_until = null
                 where id = ? and status = 'running'
                   and not exists (select 1 from bulk_job_items where job_id = ? and status = 'pending')""")
                .params(id, id).update() == 1;
    }

    /** The next pending items in order, at most {@code limit}. */
    public List<Item> pending(UUID jobId, int limit) {
        return jdbc.sql("""
                select job_id, seq, target_id, status, result_id, problem, done_at from bulk_job_items
                 where job_id = ? and status = 'pending' order by seq limit ?""")
                .params(jobId, limit).query(this::item).list();
    }

    /**
     * Locks the item for the rest of the transaction and answers whether it is still pending — false when
     * another node did it meanwhile, so it is not done twice.
     */
    public boolean lockPending(UUID jobId, int seq) {
        return jdbc.sql("select status from bulk_job_items where job_id = ? and seq = ? for update")
                .params(jobId, seq).query(String.class).optional().filter("pending"::equals).isPresent();
    }

    /** The pending item succeeded ({@code resultId}: the run it started, or null); the job's count with it. */
    public void succeeded(UUID jobId, int seq, UUID resultId) {
        int changed = jdbc.sql("""
                update bulk_job_items set status = 'succeeded', result_id = ?, done_at = now()
                 where job_id = ? and seq = ? and status = 'pending'""")
                .params(resultId, jobId, seq).update();
        if (changed == 1) {
            jdbc.sql("update bulk_jobs set succeeded = succeeded + 1 where id = ?").param(jobId).update();
        }
    }

    /** The pending item failed with {@code problem} ({@code {kind, detail}}); nothing when it is no longer pending. */
    public void failed(UUID jobId, int seq, JsonNode problem) {
        int changed = jdbc.sql("""
                update bulk_job_items set status = 'failed', problem = ?::jsonb, done_at = now()
                 where job_id = ? and seq = ? and status = 'pending'""")
                .params(json.write(problem), jobId, seq).update();
        if (changed == 1) {
            jdbc.sql("update bulk_jobs set failed = failed + 1 where id = ?").param(jobId).update();
        }
    }

    /** The job's items in order after {@code afterSeq}, only those of {@code status} when given. */
    public List<Item> items(UUID jobId, String status, int afterSeq, int limit) {
        return jdbc.sql("""
                select job_id, seq, target_id, status, result_id, problem, done_at from bulk_job_items
                 where job_id = ? and (?::text is null or status = ?) and seq > ? order by seq limit ?""")
                .params(jobId, status, status, afterSeq, limit).query(this::item).list();
    }

    private Job job(ResultSet rs, int row) throws SQLException {
        return new Job(rs.getObject("id", UUID.class), BulkAction.fromWire(rs.getString("action")).orElseThrow(),
                json.read(rs, "options"), json.read(rs, "selection"), rs.getString("status"), rs.getInt("total"),
                rs.getInt("succeeded"), rs.getInt("failed"), rs.getString("created_by"), instant(rs, "created_at"),
                instant(rs, "finished_at"), rs.getString("locked_by"), instant(rs, "locked_until"));
    }

    private Item item(ResultSet rs, int row) throws SQLException {
        return new Item(rs.getObject("job_id", UUID.class), rs.getInt("seq"), rs.getObject("target_id", UUID.class),
                rs.getString("status"), rs.getObject("result_id", UUID.class), json.read(rs, "problem"),
                instant(rs, "done_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
