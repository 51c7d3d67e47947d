package dev.braid.app.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.JsonNode;

import static dev.braid.app.store.RunChange.CANCEL;
import static dev.braid.app.store.RunChange.CLAIM;
import static dev.braid.app.store.RunChange.POISON;
import static dev.braid.app.store.RunChange.RELEASE;
import static dev.braid.app.store.RunChange.RETRY_NOW;
import static dev.braid.app.store.RunChange.WAKE;

/**
 * The runs table — the queue (ARCHITECTURE §3) — and its one writer. Every status change is one method
 * here, named by its {@link RunChange} (checked against the engine's {@code Transitions}), and made by
 * a statement whose {@code where} guards the expected from-status, so a change another node or an
 * operator made meanwhile is never overwritten: the late writer finds no row and is told so.
 *
 * <p>What a running attempt writes is fenced by its lease ({@code locked_by}): {@link #checkpoint} and
 * {@link #finish} each write the runs row, the step records ({@link StepStore#FROM_RUN}), the log lines
 * ({@link RunLogStore#FROM_RUN}) and the dead letter ({@link DeadLetterStore#FOR_ENDED_RUN}) in one
 * statement — one round trip, one commit — and write nothing at all when the lease was lost.
 */
@Repository
public class RunStore {

    static final String COLUMNS = """
            id, recipe, recipe_version, status, origin, replay_of, event_id, trigger, attempt, next_attempt_at,
            locked_by, locked_until, created_at, started_at, finished_at, output, error, dead_letter_id, parent_run_id,
            wait_reason, keys""";

    /**
     * The business keys ({@link BusinessKeys}) of the runs a statement's CTE {@code run} inserted (returning
     * {@code id, keys}): one {@code run_keys} row per name, in the same statement as the run.
     */
    private static final String RUN_KEYS = """
            , run_key as (
                insert into run_keys (run_id, name, value)
                select run.id, k.key, k.value from run cross join lateral jsonb_each_text(run.keys) as k(key, value))
            """;

    private static final String RUNNING = StatusSql.literal(RunStatus.RUNNING);

    /**
     * Ordering (ARCHITECTURE §11): a run of the table alias {@code %1$s} with an ordering key is claimable only
     * when no run of its recipe and key accepted before it ({@code ordering_seq}) is unfinished — queued,
     * running, retrying or waiting all hold the key; failed and cancelled ones release it — and no other
     * run of the key is running (a redrive, which takes its failed run's place, waits for the run that
     * went on meanwhile). One probe of runs_ordering_unfinished. Part of every claim, so no claim path can
     * run a key's runs out of order.
     */
    static final String IN_ORDER = """
            (%%1$s.ordering_key is null or not exists (
                select 1 from runs ahead
                 where ahead.recipe = %%1$s.recipe and ahead.ordering_key = %%1$s.ordering_key and ahead.id <> %%1$s.id
                   and %s
                   and (ahead.ordering_seq < %%1$s.ordering_seq or ahead.status = %s)))"""
            .formatted(StatusSql.in("ahead.status", StatusSql.UNFINISHED), RUNNING);

    /** Claim's lease and attempt count; {@code started_at} is given by each claim. */
    private static final String LEASE = "status = " + CLAIM.toSql()
            + ", locked_by = ?, locked_until = now() + make_interval(secs => ?), attempt = attempt + 1";

    private static final String CLAIM_UNLIMITED = """
            update runs set %s, started_at = coalesce(started_at, now())
             where id in (select id from runs c
                           where %s and next_attempt_at <= now() and concurrency_key is null and %s
                           order by next_attempt_at
                           limit ? for update skip locked)
            returning %s""".formatted(LEASE, CLAIM.fromSql("c.status"), IN_ORDER.formatted("c"), COLUMNS);

    /**
     * Under the slot group's lock ({@link LimitedClaims}): the oldest due runs of the group, at most the
     * free slots (the head's limit less the live leases) and at most {@code max}. {@code started_at} is the
     * clock time, after the lock was granted, so that it is later than the end of the run whose slot it took.
     */
    private static final String CLAIM_SLOT_GROUP = """
            update runs set %1$s, started_at = coalesce(started_at, clock_timestamp())
             where id in (
                   select id from runs c
                    where concurrency_key = ? and %2$s and next_attempt_at <= now() and %6$s
                    order by next_attempt_at
                    limit greatest(0, least(?::bigint,
                          coalesce((select d.concurrency_limit from runs d
                                     where d.concurrency_key = ? and %3$s and d.next_attempt_at <= now()
                                     order by d.next_attempt_at limit 1), 0)
                          - (select count(*) from runs h
                              where h.concurrency_key = ? and h.status = %4$s and h.locked_until > now())))
                    for update skip locked)
            returning %5$s""".formatted(LEASE, CLAIM.fromSql("c.status"), CLAIM.fromSql("d.status"), RUNNING, COLUMNS,
            IN_ORDER.formatted("c"));

    /**
     * An ordered run that is due but not claimed waits for the run of its key ahead of it, not for a time
     * (as a limited run waits for a slot): the end of that run wakes the dispatcher.
     */
    private static final String NEXT_DUE = """
            select least(
                (select min(next_attempt_at) from runs
                  where %1$s and concurrency_key is null and (ordering_key is null or next_attempt_at > now())),
                (select min(next_attempt_at) from runs
                  where %1$s and concurrency_key is not null and next_attempt_at > now()))"""
            .formatted(CLAIM.fromSql("status"));

    private static final String RENEW = "update runs set locked_until = now() + make_interval(secs => ?)"
            + " where id = any(?) and locked_by = ? and status = " + RUNNING;

    private static final String RELEASED = "update runs set status = " + RELEASE.toSql()
            + ", locked_by = null, locked_until = null, next_attempt_at = now() where " + RELEASE.fromSql("status");

    /** The guard of a lease that ran out (its node died or stalled); cheap through the runs_leased index. */
    private static final String LEASE_RAN_OUT = "locked_until < now()";
    /** The guard of the leases a node held in its previous life (bound: the node), see {@link #reclaimOrphans}. */
    private static final String HELD_BY = "locked_by = ?";

    /** The holders of the expiries so far with this one appended, the latest {@link LeaseExpiries#HOLDERS_KEPT} kept. */
    private static final String HOLDERS_AFTER = "(array_append(lease_holders, locked_by))[greatest(1, cardinality(lease_holders) + 2 - %d):]"
            .formatted(LeaseExpiries.HOLDERS_KEPT);

    /** {@link RunChange#RELEASE} of runs whose lease is gone (guard appended), the expiry counted; poison runs excepted. */
    private static final String REQUEUE_EXPIRED = """
            update runs set status = %s, locked_by = null, locked_until = null, next_attempt_at = now(),
                   lease_expiries = lease_expiries + 1, lease_holders = %s
             where %s and lease_expiries + 1 < ? and """.formatted(RELEASE.toSql(), HOLDERS_AFTER, RELEASE.fromSql("status"));

    /**
     * The runs whose lease is gone (guard appended) for the last time allowed, with what their dead letter
     * says: the step they were in is the side-effecting step whose {@code running} record is the latest.
     */
    private static final String POISON_CANDIDATES = """
            select id, recipe, locked_by, lease_expiries, lease_holders, trigger,
                   (select s.path from step_runs s where s.run_id = runs.id and s.status = %s order by s.seq desc limit 1) as step
              from runs
             where %s and lease_expiries + 1 >= ? and """.formatted(
            StatusSql.literal(StepStatus.RUNNING), POISON.fromSql("status"));

    /** {@link RunChange#POISON} of one run as {@link #POISON_CANDIDATES} read it (guard appended), with its dead letter. */
    private static final String POISONED = """
            with run as (
                update runs set status = %s, error = ?::jsonb, dead_letter_id = ?, finished_at = now(),
                       locked_by = null, locked_until = null, wait_reason = null,
                       lease_expiries = lease_expiries + 1, lease_holders = %s
                 where id = ? and locked_by = ? and lease_expiries = ? and %s and %%s
                returning id, parent_run_id, finished_at)
            """.formatted(POISON.toSql(), HOLDERS_AFTER, POISON.fromSql("status"));

    private static final String RETRIED = """
            update runs set status = %s, next_attempt_at = now(), finished_at = null, error = null,
                   locked_by = null, locked_until = null, wait_reason = null, lease_expiries = 0, lease_holders = '{}'
             where id = ? and status = ?""".formatted(RETRY_NOW.toSql());

    /**
     * Wakes the parent waiting (a {@code call:} step) for the run of the CTE {@code run} when that run
     * ended for good — the one statement that does, used by {@link #finish} and the cancellations.
     */
    private static final String WAKE_PARENT = """
            , wake as (
                update runs parent set status = %s, next_attempt_at = now(), wait_reason = null
                  from run
                 where run.finished_at is not null and parent.id = run.parent_run_id and %s)
            """.formatted(WAKE.toSql(), WAKE.fromSql("parent.status"));

    /** Cancels the runs the {@code where} (appended) finds; a parent waiting for one of them is woken. */
    private static final String CANCELLED = """
            with run as (
                update runs set status = %s, finished_at = now(), locked_by = null, locked_until = null, wait_reason = null
                 where %%s
                returning id, parent_run_id, finished_at)
            """.formatted(CANCEL.toSql()) + WAKE_PARENT + "select count(*) from run";

    private static final String CANCEL_ONE = CANCELLED.formatted("id = ? and status = ?");
    private static final String CANCEL_UNFINISHED = CANCELLED.formatted("id = ? and " + CANCEL.fromSql("status"));
    private static final String CANCEL_CHILDREN = CANCELLED.formatted("parent_run_id = ? and " + CANCEL.fromSql("status"));

    /** {@code overlap: queue} backfill runs whose run ahead has ended (or is gone). */
    private static final String RELEASE_OVERLAPS = """
            update runs q set status = %s, next_attempt_at = now(), wait_reason = null
             where %s and q.wait_reason = 'overlap'
               and not exists (select 1 from runs p where p.id = q.replay_of and %s)"""
            .formatted(WAKE.toSql(), WAKE.fromSql("q.status"), StatusSql.in("p.status", StatusSql.UNFINISHED));

    /**
     * The runs of newly stored trigger events: {@link EventStore} puts this after its {@code with ev as (...)}
     * (the {@code trigger_events} insert), so that an event, its run and the run's business keys commit in one
     * statement (ARCHITECTURE §3) while the columns a new run is given are decided here. {@code %1$s}: a select
     * yielding, in this order, id, recipe, recipe_version, leased (boolean), locked_by (the node, or null),
     * lease_seconds, origin, event_id, trigger, concurrency_key, concurrency_limit, ordering_key, keys (jsonb
     * text or null; nulls need no casts); {@code %2$s}: what to return, of {@code id, event_id}. A run is created
     * queued, or — the ingestion's fast path — running, leased to the node that stores it and executes it at
     * once (attempt 1, its lease and start time set here, as a claim would).
     */
    static final String INSERT_INGESTED = """
            , run as (
            insert into runs (id, recipe, recipe_version, status, origin, event_id, trigger, attempt, locked_by, locked_until,
                              started_at, concurrency_key, concurrency_limit, ordering_key, keys)
            select n.id::uuid, n.recipe::text, n.recipe_version::int, case when n.leased::boolean then %1$s else %2$s end,
                   n.origin::text, n.event_id::uuid, n.trigger::jsonb, case when n.leased::boolean then 1 else 0 end,
                   n.locked_by::text, case when n.leased::boolean then now() + make_interval(secs => n.lease_seconds::float8) end,
                   case when n.leased::boolean then now() end, n.concurrency_key::text, n.concurrency_limit::int, n.ordering_key::text,
                   n.keys::jsonb
              from (
                %%1$s
              ) as n(id, recipe, recipe_version, leased, locked_by, lease_seconds, origin, event_id, trigger,
                               concurrency_key, concurrency_limit, ordering_key, keys)
            returning id, event_id, keys)
            """.formatted(RUNNING, StatusSql.literal(RunStatus.QUEUED)) + RUN_KEYS + "select %2$s from run";

    /**
     * Retention's history pass over one recipe (ARCHITECTURE §10): the next runs in id (creation) order after
     * {@code after} and before {@code before}; of those that have ended and have no open dead letter, the
     * step records and log lines go ({@link StepStore#PRUNE}, {@link RunLogStore#PRUNE}). Runs still going
     * and runs an operator still has to look at keep theirs until their summary goes.
     */
    private static final String PRUNE_HISTORY = """
            with batch as (
                select r.id, %s and not exists (select 1 from dead_letters d where d.run_id = r.id and d.status = 'open') as prunable
                  from runs r
                 where r.recipe = ? and r.id > ? and r.id < ?
                 order by r.id
                 limit ?)
            """.formatted(StatusSql.in("r.status", StatusSql.ENDED)) + StepStore.PRUNE + RunLogStore.PRUNE + """
            select (select id from batch order by id desc limit 1) as last, (select count(*) from batch) as runs,
                   (select count(*) from steps) as steps, (select count(*) from logs) as logs""";

    /**
     * Retention's summaries pass: ended runs created before the cut, oldest first, at most a batch; their
     * steps, logs and dead letters go with them (cascade), called runs keep running without their parent.
     */
    private static final String PRUNE_SUMMARIES = """
            with gone as (
                delete from runs where id in (
                    select id from runs where recipe = ? and id < ? and %s order by id limit ?)
                returning 1)
            select count(*) from gone""".formatted(StatusSql.in("status", StatusSql.ENDED));

    /**
     * A further run keeps the place of the run it re-runs ({@code replay_of}) in its key's order when it has
     * that run's ordering key: a dead letter's redrive goes ahead of the key's runs that have not started.
     */
    private static final String ENQUEUE = """
            with run as (
            insert into runs (id, recipe, recipe_version, status, origin, replay_of, event_id, trigger,
                              concurrency_key, concurrency_limit, ordering_key, ordering_seq, keys)
            values (?, ?, ?, %s, ?, ?, ?, ?::jsonb, ?, ?, ?::text,
                    coalesce((select p.ordering_seq from runs p where p.id = ? and p.ordering_key = ?::text),
                             nextval('runs_ordering_seq')), ?::jsonb)
            returning id, keys)
            """.formatted(StatusSql.literal(RunStatus.QUEUED)) + RUN_KEYS + "select count(*) from run";

    /** Waiting without a due time (wait reason {@code overlap}) while the run ahead is unfinished, else queued. */
    private static final String ENQUEUE_BEHIND = """
            with run as (
            insert into runs (id, recipe, recipe_version, status, origin, replay_of, event_id, trigger,
                              next_attempt_at, wait_reason, concurrency_key, concurrency_limit, keys)
            select ?, ?, ?, case when p.active then %s else %s end, ?, p.id, ?, ?::jsonb,
                   case when p.active then 'infinity'::timestamptz else now() end,
                   case when p.active then 'overlap' end, ?, ?, ?::jsonb
              from (select id, %s as active from runs where id = ?) p
            returning id, keys, status)
            """.formatted(StatusSql.literal(RunStatus.WAITING), StatusSql.literal(RunStatus.QUEUED),
                    StatusSql.in("status", StatusSql.UNFINISHED)) + RUN_KEYS + "select count(*) from run";

    /** A step that finished ({@link LeaseExpiries#progress}, bound twice) resets the run's count of lease expiries. */
    private static final String PROGRESS_RESETS = "lease_expiries = case when ? then 0 else lease_expiries end, "
            + "lease_holders = case when ? then '{}' else lease_holders end";

    private static final String CHECKPOINT = """
            with run as (
                update runs set locked_until = now() + make_interval(secs => ?), %s
                 where id = ? and locked_by = ? and status = %s
                returning id)
            """.formatted(PROGRESS_RESETS, RUNNING) + StepStore.FROM_RUN + RunLogStore.FROM_RUN + "select count(*) from run";

    /**
     * Ends the attempt. Besides the runs row, step records, log lines and dead letter, the same statement
     * (all only if the lease fence matched) creates the child run a {@code call:} step waits for and the
     * run {@code onError.notify} starts, and wakes the parent waiting for this run when this one ended
     * for good. The to-status is bound: each {@link AttemptEnd} is checked to be a change from running.
     */
    private static final String FINISH = """
            with run as (
                update runs set status = ?, output = ?::jsonb, error = ?::jsonb, locked_by = null, locked_until = null,
                       finished_at = case when ? then now() else null end,
                       next_attempt_at = case when ? then 'infinity'::timestamptz else coalesce(?, next_attempt_at) end,
                       wait_reason = ?, dead_letter_id = ?, %s
                 where id = ? and locked_by = ? and status = %s
                returning id, parent_run_id, finished_at)
            """.formatted(PROGRESS_RESETS, RUNNING) + StepStore.FROM_RUN + RunLogStore.FROM_RUN + DeadLetterStore.FOR_ENDED_RUN + """
            , started as (
                insert into runs (id, recipe, recipe_version, status, origin, parent_run_id, parent_step, trigger,
                                  concurrency_key, concurrency_limit)
                select s.id, s.recipe, s.version, %s, s.origin,
                       case when s.origin = 'call' then run.id end, s.step, s.trigger::jsonb, s.ckey, s.climit
                  from run, unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[])
                       as s(id, recipe, version, origin, step, trigger, ckey, climit)
                on conflict (id) do nothing)
            """.formatted(StatusSql.literal(RunStatus.QUEUED)) + WAKE_PARENT + "select count(*) from run";

    /**
     * {@link #FINISH} for several attempts of one node ({@link #finishEach}): each run's ending from the arrays,
     * each row fenced by its lease as there, the step records and log lines of the runs it changed. Endings with
     * a dead letter or runs to start are not written here.
     */
    private static final String FINISH_EACH = """
            with run as (
                update runs r set status = e.status, output = e.output::jsonb, error = e.error::jsonb,
                       locked_by = null, locked_until = null,
                       finished_at = case when e.finished then now() else null end,
                       next_attempt_at = case when e.until_woken then 'infinity'::timestamptz
                                              else coalesce(e.next_at::timestamptz, r.next_attempt_at) end,
                       wait_reason = e.wait_reason, dead_letter_id = null,
                       lease_expiries = case when e.progress then 0 else r.lease_expiries end,
                       lease_holders = case when e.progress then '{}' else r.lease_holders end
                  from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::boolean[], ?::text[], ?::text[],
                              ?::boolean[]) as e(id, status, output, error, finished, until_woken, next_at, wait_reason, progress)
                 -- "= any" as well: the planner then finds the rows by primary key, never by a scan of the running ones
                 where r.id = e.id and r.id = any(?::uuid[]) and r.locked_by = ? and r.status = %s
                returning r.id, r.parent_run_id, r.finished_at)
            """.formatted(RUNNING) + StepStore.FOR_EACH_RUN + RunLogStore.FOR_EACH_RUN + WAKE_PARENT + "select id from run";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonColumns json;
    private final ConcurrencySlots slots;
    private final OrderingKeys orderings;
    private final LimitedClaims limited;
    private final TransactionTemplate transactions;
    private final BusinessKeys businessKeys;
    private final RunEvents events;

    public RunStore(JdbcClient jdbc, JdbcTemplate template, JsonColumns json, ConcurrencySlots slots, OrderingKeys orderings,
                    PlatformTransactionManager transactions, BusinessKeys businessKeys, RunEvents events) {
        this.jdbc = jdbc;
        this.businessKeys = businessKeys;
        this.events = events;
        this.template = template;
        this.json = json;
        this.slots = slots;
        this.orderings = orderings;
        this.transactions = new TransactionTemplate(transactions);
        this.limited = new LimitedClaims(jdbc, this::claimSlotGroup);
    }

    /**
     * Queues a run; its concurrency slot (if its recipe version has a limit) and its ordering key (if it
     * orders its runs) are worked out here, see {@link ConcurrencySlots} and {@link OrderingKeys}.
     */
    public void enqueue(NewRun run) {
        Optional<ConcurrencySlots.Slot> slot = slots.of(run.recipe(), run.recipeVersion(), run.trigger());
        String ordering = orderings.ofStored(run.recipe(), run.recipeVersion(), run.trigger()).orElse(null);
        JsonNode keys = businessKeys.ofStored(run.recipe(), run.recipeVersion(), run.trigger());
        jdbc.sql(ENQUEUE)
                .params(run.id(), run.recipe(), run.recipeVersion(), run.origin(), run.replayOf(), run.eventId(),
                        json.write(run.trigger()), slot.map(ConcurrencySlots.Slot::key).orElse(null),
                        slot.map(ConcurrencySlots.Slot::limit).orElse(null), ordering, run.replayOf(), ordering,
                        keys == null ? null : json.write(keys))
                .query(Long.class).single();
        events.run(run.id());
    }

    /** The unfinished runs now, by status, and the age of the oldest due run no worker has claimed (seconds). */
    public record QueueNow(long queued, long retrying, long waiting, long running, double lagSeconds) {}

    /**
     * Reads the partial indexes on unfinished runs only, never the history: for one recipe, or all ({@code null}).
     */
    private static final String QUEUE_NOW = """
            select count(*) filter (where status = %1$s) as queued, count(*) filter (where status = %2$s) as retrying,
                   count(*) filter (where status = %3$s) as waiting, count(*) filter (where status = %4$s) as running,
                   coalesce(extract(epoch from now() - min(next_attempt_at)
                       filter (where %5$s and next_attempt_at <= now())), 0) as lag
              from runs
             where %6$s and (?::text is null or recipe = ?::text)"""
            .formatted(StatusSql.literal(RunStatus.QUEUED), StatusSql.literal(RunStatus.RETRYING),
                    StatusSql.literal(RunStatus.WAITING), RUNNING, CLAIM.fromSql("status"),
                    StatusSql.in("status", StatusSql.UNFINISHED));

    public QueueNow queueNow(String recipe) {
        return jdbc.sql(QUEUE_NOW).params(recipe, recipe).query((rs, n) -> new QueueNow(rs.getLong("queued"),
                rs.getLong("retrying"), rs.getLong("waiting"), rs.getLong("running"), rs.getDouble("lag"))).single();
    }

    /** What one statement of the history pass did: the last run it looked at (null: none left), and the rows removed. */
    public record HistoryPruned(UUID last, int runs, int steps, int logs) {}

    /** One statement of retention's history pass; see {@link #PRUNE_HISTORY}. */
    public HistoryPruned pruneHistory(String recipe, UUID after, UUID before, int limit) {
        return jdbc.sql(PRUNE_HISTORY).params(recipe, after, before, limit)
                .query((rs, n) -> new HistoryPruned(rs.getObject("last", UUID.class), rs.getInt("runs"), rs.getInt("steps"),
                        rs.getInt("logs")))
                .single();
    }

    /** One statement of retention's summaries pass; the number of runs deleted. */
    public int pruneSummaries(String recipe, UUID before, int limit) {
        return jdbc.sql(PRUNE_SUMMARIES).params(recipe, before, limit).query(Integer.class).single();
    }

    /**
     * Enqueues a run behind the run {@code run.replayOf()} (a backfill's {@code overlap: queue}): while
     * that one is unfinished the new run is {@code waiting} (reason {@code overlap}, no due time) and
     * {@link #releaseOverlaps} queues it once it has ended; if it has already ended, queued at once.
     */
    public void enqueueBehind(NewRun run) {
        ConcurrencySlots.Slot slot = slots.of(run.recipe(), run.recipeVersion(), run.trigger()).orElse(null);
        JsonNode keys = businessKeys.ofStored(run.recipe(), run.recipeVersion(), run.trigger());
        jdbc.sql(ENQUEUE_BEHIND)
                .params(run.id(), run.recipe(), run.recipeVersion(), run.origin(), run.eventId(), json.write(run.trigger()),
                        slot == null ? null : slot.key(), slot == null ? null : slot.limit(),
                        keys == null ? null : json.write(keys), run.replayOf())
                .query(Long.class).single();
        events.run(run.id());
    }

    /**
     * {@link RunChange#CLAIM}: up to {@code limit} runs that are due, leased to {@code node} until now +
     * {@code lease}, attempt counted. Rows another node is claiming at the same moment are skipped, not
     * waited for. Only runs without a concurrency limit: see {@link #claimLimited}.
     */
    public List<RunRow> claim(String node, Duration lease, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return announced(jdbc.sql(CLAIM_UNLIMITED).params(node, seconds(lease), limit).query(this::map).list());
    }

    /**
     * {@link RunChange#CLAIM} of up to {@code max} due runs of recipes with a concurrency limit, never more
     * per slot group than its free slots, cluster-wide ({@link LimitedClaims}). Finds nothing in one cheap
     * query when no run is limited.
     */
    public List<RunRow> claimLimited(String node, Duration lease, int max) {
        return max <= 0 ? List.of() : limited.claim(node, seconds(lease), max);
    }

    /** One slot group's claim, in its own transaction under the group's advisory lock. */
    private List<RunRow> claimSlotGroup(String key, String node, double leaseSeconds, int max) {
        return transactions.execute(tx -> {
            jdbc.sql("select 1 from pg_advisory_xact_lock(?, hashtext(?))").params(LimitedClaims.LOCK_CLASS, key)
                    .query(Integer.class).single();
            return announced(jdbc.sql(CLAIM_SLOT_GROUP).params(node, leaseSeconds, key, max, key, key).query(this::map).list());
        });
    }

    /** Due runs no worker has claimed yet (the backlog), read from the runs_claimable index only. */
    private static final String DUE_COUNT = "select count(*) from runs where %s and next_attempt_at <= now()"
            .formatted(CLAIM.fromSql("status"));

    /** How many runs are due and unclaimed now, cluster-wide: the backlog that back-pressure bounds. */
    public long dueCount() {
        return jdbc.sql(DUE_COUNT).query(Long.class).single();
    }

    /**
     * When the next queued, retrying or waiting run falls due, if any. A limited run that is already
     * due is left out: it waits for a slot, not for a time, and the run that frees the slot wakes
     * the dispatcher (looking again at once would spin).
     */
    public Optional<Instant> nextDue() {
        return jdbc.sql(NEXT_DUE).query((rs, n) -> {
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        }).optional();
    }

    /**
     * Extends the leases of the runs this node is executing (no status changes). Only those: a run leased to
     * this node's name that it is not executing is an orphan of its previous life, whose lease must be left
     * to expire if reclaiming it at start failed.
     */
    public int renewLeases(String node, java.util.Collection<UUID> executing, Duration lease) {
        if (executing.isEmpty()) {
            return 0;
        }
        return jdbc.sql(RENEW).params(seconds(lease), executing.toArray(UUID[]::new), node).update();
    }

    /** What a reclaim of lost leases did: runs queued again, and runs given up as poison. */
    public record Reclaimed(int requeued, List<LeaseExpiries.Poisoned> poisoned) {
        public int total() {
            return requeued + poisoned.size();
        }
    }

    /**
     * Runs whose lease expired (their node died or stalled), each expiry counted: {@link RunChange#RELEASE}
     * to the queue for any node, or {@link RunChange#POISON} — failed with a {@code run.poison} dead letter —
     * when it is the {@code poisonAfter}th in a row without a step finishing ({@link LeaseExpiries}).
     * Cluster-safe: each change is guarded, so two nodes reclaiming at once count each expiry once.
     */
    public Reclaimed reclaimExpired(int poisonAfter) {
        return reclaim(LEASE_RAN_OUT, List.of(), poisonAfter);
    }

    /**
     * The same for the runs {@code node} still holds when it starts: with a node identity that is stable across
     * restarts ({@code NodeIdentity}) and held by one live process at a time, they are the orphans of its
     * previous life, which died without handing them back; there is no need to wait for their leases to expire.
     */
    public Reclaimed reclaimOrphans(String node, int poisonAfter) {
        return reclaim(HELD_BY, List.of(node), poisonAfter);
    }

    private Reclaimed reclaim(String guard, List<Object> guardParams, int poisonAfter) {
        List<Object> params = new java.util.ArrayList<>();
        params.add(poisonAfter);
        params.addAll(guardParams);
        List<LeaseExpiries.Poisoned> poisoned = new java.util.ArrayList<>();
        // The poison runs first (rare: a query through runs_leased that finds nothing), so the requeue skips them.
        for (LeaseExpiries.Poisoned candidate : jdbc.sql(POISON_CANDIDATES + " " + guard).params(params)
                .query(this::poisonCandidate).list()) {
            if (poison(candidate, guard, guardParams)) {
                poisoned.add(candidate);
                events.run(candidate.runId());
            }
        }
        int requeued = announcedCount(jdbc.sql(REQUEUE_EXPIRED + " " + guard + " returning id").params(params)
                .query(UUID.class).list());
        return new Reclaimed(requeued, List.copyOf(poisoned));
    }

    private boolean poison(LeaseExpiries.Poisoned run, String guard, List<Object> guardParams) {
        String error = json.write(run.error());
        AttemptEnd.DeadLetter dead = new AttemptEnd.DeadLetter(Ids.next(), run.recipe(), run.step(), error, run.triggerJson());
        return counted(POISONED.formatted(guard) + DeadLetterStore.FOR_ENDED_RUN + WAKE_PARENT + "select count(*) from run",
                (con, ps) -> {
                    int i = 1;
                    ps.setString(i++, error);
                    ps.setObject(i++, dead.id());
                    ps.setObject(i++, run.runId());
                    ps.setString(i++, run.holder());
                    ps.setInt(i++, run.expiriesSoFar());
                    for (Object p : guardParams) {
                        ps.setObject(i++, p);
                    }
                    DeadLetterStore.bind(ps, i, dead);
                }) == 1;
    }

    private LeaseExpiries.Poisoned poisonCandidate(ResultSet rs, int row) throws SQLException {
        java.sql.Array holders = rs.getArray("lease_holders");
        return new LeaseExpiries.Poisoned(rs.getObject("id", UUID.class), rs.getString("recipe"), rs.getString("locked_by"),
                rs.getInt("lease_expiries"), holders == null ? List.of() : List.of((String[]) holders.getArray()),
                rs.getString("step"), rs.getString("trigger"));
    }

    /** {@link RunChange#RELEASE} of this node's runs (shutdown): they are queued again for any node. */
    public int release(String node) {
        return announcedCount(jdbc.sql(RELEASED + " and locked_by = ? returning id").param(node).query(UUID.class).list());
    }

    /** Renews the lease and writes records and lines; false (nothing written) when the lease was lost. */
    public boolean checkpoint(UUID runId, String node, Duration lease, List<StepStore.SeqRecord> records,
                              List<RunLogStore.LogLine> lines) {
        boolean written = counted(CHECKPOINT, (con, ps) -> {
            boolean progress = LeaseExpiries.progress(records);
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setBoolean(2, progress);
            ps.setBoolean(3, progress);
            ps.setObject(4, runId);
            ps.setString(5, node);
            RunLogStore.bind(con, ps, StepStore.bind(con, ps, 6, records, json), lines);
        }) == 1;
        if (written) {
            events.steps(runId, false, records);
        }
        return written;
    }

    /**
     * Ends the attempt with {@link RunChange#SUCCEED}, {@link RunChange#FAIL}, {@link RunChange#RETRY_AT}
     * or {@link RunChange#WAIT} ({@link AttemptEnd}); false (nothing written) when the lease was lost and
     * another node, or an operator's cancel, owns the run now.
     */
    public boolean finish(UUID runId, String node, AttemptEnd end, List<StepStore.SeqRecord> records,
                          List<RunLogStore.LogLine> lines) {
        end.change().check(RunStatus.RUNNING);
        boolean written = counted(FINISH, (con, ps) -> {
            AttemptEnd.DeadLetter dead = end.deadLetter();
            int i = 1;
            ps.setString(i++, end.change().to().wire());
            ps.setString(i++, end.outputJson());
            ps.setString(i++, end.errorJson());
            ps.setBoolean(i++, end.finished());
            ps.setBoolean(i++, end.untilWoken());
            ps.setTimestamp(i++, end.nextAttemptAt() == null ? null : Timestamp.from(end.nextAttemptAt()));
            ps.setString(i++, end.waitReason());
            ps.setObject(i++, dead == null ? null : dead.id());
            boolean progress = LeaseExpiries.progress(records);
            ps.setBoolean(i++, progress);
            ps.setBoolean(i++, progress);
            ps.setObject(i++, runId);
            ps.setString(i++, node);
            i = StepStore.bind(con, ps, i, records, json);
            i = RunLogStore.bind(con, ps, i, lines);
            i = DeadLetterStore.bind(ps, i, dead);
            List<AttemptEnd.StartedRun> started = end.started();
            ps.setArray(i++, con.createArrayOf("uuid", started.stream().map(AttemptEnd.StartedRun::id).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(AttemptEnd.StartedRun::recipe).toArray()));
            ps.setArray(i++, con.createArrayOf("int4", started.stream().map(AttemptEnd.StartedRun::version).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(AttemptEnd.StartedRun::origin).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(AttemptEnd.StartedRun::parentStep).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(AttemptEnd.StartedRun::triggerJson).toArray()));
            ps.setArray(i++, con.createArrayOf("text", started.stream().map(AttemptEnd.StartedRun::concurrencyKey).toArray()));
            ps.setArray(i, con.createArrayOf("int4", started.stream().map(AttemptEnd.StartedRun::concurrencyLimit).toArray()));
        }) == 1;
        if (written) {
            events.steps(runId, true, records);
            events.runs(end.started().stream().map(AttemptEnd.StartedRun::id).toList());
        }
        return written;
    }

    /** One attempt's ending for {@link #finishEach}. */
    public record Finish(UUID runId, AttemptEnd end, List<StepStore.SeqRecord> records, List<RunLogStore.LogLine> lines) {}

    /**
     * {@link #finish} of several attempts of {@code node} in one statement and one commit (group commit,
     * {@link FinishGroups}); answers the runs written, the others' leases were lost. Only endings without a
     * dead letter and without runs to start (those go through {@link #finish}); one run at most once.
     */
    public Set<UUID> finishEach(String node, List<Finish> finishes) {
        List<Finish> ordered = new ArrayList<>(finishes);
        // In the database's order of ids: two statements locking some of the same rows lock them in one order.
        ordered.sort(Comparator.comparing(Finish::runId, Ids.DATABASE_ORDER));
        int n = ordered.size();
        UUID[] id = new UUID[n];
        String[] status = new String[n];
        String[] output = new String[n];
        String[] error = new String[n];
        Boolean[] finished = new Boolean[n];
        Boolean[] untilWoken = new Boolean[n];
        String[] nextAt = new String[n];
        String[] waitReason = new String[n];
        Boolean[] progress = new Boolean[n];
        Map<UUID, List<StepStore.SeqRecord>> records = new LinkedHashMap<>();
        Map<UUID, List<RunLogStore.LogLine>> lines = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            Finish f = ordered.get(k);
            AttemptEnd end = f.end();
            end.change().check(RunStatus.RUNNING);
            if (end.deadLetter() != null || !end.started().isEmpty()) {
                throw new IllegalArgumentException("Run " + f.runId() + "'s ending leaves a dead letter or starts runs: finish it alone");
            }
            if (records.put(f.runId(), f.records()) != null) {
                throw new IllegalArgumentException("Run " + f.runId() + " is ended twice in one statement");
            }
            lines.put(f.runId(), f.lines());
            id[k] = f.runId();
            status[k] = end.change().to().wire();
            output[k] = end.outputJson();
            error[k] = end.errorJson();
            finished[k] = end.finished();
            untilWoken[k] = end.untilWoken();
            nextAt[k] = end.nextAttemptAt() == null ? null : end.nextAttemptAt().toString();
            waitReason[k] = end.waitReason();
            progress[k] = LeaseExpiries.progress(f.records());
        }
        Set<UUID> written = new HashSet<>();
        template.execute((Connection con) -> {
            try (PreparedStatement ps = con.prepareStatement(FINISH_EACH)) {
                int i = 1;
                Array ids = con.createArrayOf("uuid", id);
                ps.setArray(i++, ids);
                ps.setArray(i++, con.createArrayOf("text", status));
                ps.setArray(i++, con.createArrayOf("text", output));
                ps.setArray(i++, con.createArrayOf("text", error));
                ps.setArray(i++, con.createArrayOf("bool", finished));
                ps.setArray(i++, con.createArrayOf("bool", untilWoken));
                ps.setArray(i++, con.createArrayOf("text", nextAt));
                ps.setArray(i++, con.createArrayOf("text", waitReason));
                ps.setArray(i++, con.createArrayOf("bool", progress));
                ps.setArray(i++, ids);
                ps.setString(i++, node);
                i = StepStore.bindEach(con, ps, i, records, json);
                RunLogStore.bindEach(con, ps, i, lines);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        written.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return null;
        });
        records.forEach((run, recs) -> {
            if (written.contains(run)) {
                events.steps(run, true, recs);
            }
        });
        return written;
    }

    /**
     * {@link RunChange#RETRY_NOW}: queues the run that is {@code from} at once, its error cleared; false
     * when it is not {@code from} any more (a worker moved it meanwhile).
     */
    public boolean retryNow(UUID id, RunStatus from) {
        RETRY_NOW.check(from);
        return announced(id, jdbc.sql(RETRIED).params(id, from.wire()).update() == 1);
    }

    /**
     * {@link RunChange#CANCEL} of the run that is {@code from}; false when it had moved on. A worker
     * still running it loses its lease, so its fenced writes write nothing; a parent waiting for it is
     * woken to see the cancellation.
     */
    public boolean cancel(UUID id, RunStatus from) {
        CANCEL.check(from);
        return announced(id, counted(CANCEL_ONE, (con, ps) -> {
            ps.setObject(1, id);
            ps.setString(2, from.wire());
        }) == 1);
    }

    /** {@link RunChange#CANCEL} of the run whatever unfinished status it is in; false when it had ended. */
    public boolean cancelUnfinished(UUID id) {
        return announced(id, counted(CANCEL_UNFINISHED, (con, ps) -> ps.setObject(1, id)) == 1);
    }

    /** {@link RunChange#CANCEL} of the unfinished runs a run's {@code call:} steps started. */
    public int cancelChildren(UUID parent) {
        return (int) counted(CANCEL_CHILDREN, (con, ps) -> ps.setObject(1, parent));
    }

    /** {@link RunChange#WAKE} of the backfill runs waiting behind a run that has ended; cluster-safe, idempotent. */
    public int releaseOverlaps() {
        return announcedCount(jdbc.sql(RELEASE_OVERLAPS + " returning q.id").query(UUID.class).list());
    }

    /**
     * The runs of these ids without their trigger (live events' summaries), in no order; ids not found are left out.
     */
    public List<RunRow> summaries(Collection<UUID> ids) {
        return jdbc.sql("select " + COLUMNS.replace("trigger,", "null::jsonb as trigger,") + " from runs where id = any(?)")
                .param(ids.toArray(UUID[]::new)).query(this::map).list();
    }

    /**
     * The runs that replay this one ({@code replay_of}) and its {@code call:} children ({@code parent_run_id}),
     * oldest first, at most {@code limit}, without their triggers (runs_by_replay_of, runs_by_parent).
     */
    public List<RunRow> related(UUID id, int limit) {
        return jdbc.sql("select " + COLUMNS.replace("trigger,", "null::jsonb as trigger,")
                        + " from runs where replay_of = ? or parent_run_id = ? order by id limit ?")
                .params(id, id, limit).query(this::map).list();
    }

    public Optional<RunRow> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from runs where id = ?").param(id).query(this::map).optional();
    }

    /** Newest first; {@code before} is the cursor (the last id of the previous page). */
    public List<RunRow> list(RunFilter filter, UUID before, int limit) {
        return filtered("select " + COLUMNS + " from runs", filter, before).page(jdbc, before, limit, this::map);
    }

    /** The ids of {@link #list} alone (a bulk job resolving "all matching this filter"). */
    public List<UUID> ids(RunFilter filter, UUID before, int limit) {
        return filtered("select id from runs", filter, before)
                .page(jdbc, before, limit, (rs, n) -> rs.getObject("id", UUID.class));
    }

    private static NewestFirst filtered(String select, RunFilter filter, UUID before) {
        NewestFirst query = new NewestFirst(select)
                .equal("recipe", filter.recipe())
                .equal("status", filter.status() == null ? null : filter.status().wire())
                .between("created_at", filter.from(), filter.to());
        // One run_keys index range per key, read newest first below the cursor (run_keys_lookup).
        for (Map.Entry<String, String> key : filter.keys().entrySet()) {
            String value = BusinessKeys.searched(key.getValue());
            if (before == null) {
                query.in("id", "select run_id from run_keys where name = ? and value = ?", key.getKey(), value);
            } else {
                query.in("id", "select run_id from run_keys where name = ? and value = ? and run_id < ?", key.getKey(), value, before);
            }
        }
        return query;
    }

    /** The list's filters; null members do not filter; {@code keys}: business keys, name to exact value. */
    public record RunFilter(String recipe, RunStatus status, Instant from, Instant to, Map<String, String> keys) {
        public RunFilter {
            keys = keys == null ? Map.of() : Map.copyOf(keys);
        }

        public RunFilter(String recipe, RunStatus status, Instant from, Instant to) {
            this(recipe, status, from, to, Map.of());
        }
    }

    RunRow map(ResultSet rs, int row) throws SQLException {
        return new RunRow(
                rs.getObject("id", UUID.class), rs.getString("recipe"), rs.getInt("recipe_version"),
                RunStatus.fromWire(rs.getString("status")), rs.getString("origin"), rs.getObject("replay_of", UUID.class),
                rs.getObject("event_id", UUID.class), json.read(rs, "trigger"), rs.getInt("attempt"),
                instant(rs, "next_attempt_at"), rs.getString("locked_by"), instant(rs, "locked_until"),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                json.read(rs, "output"), json.read(rs, "error"), rs.getObject("dead_letter_id", UUID.class),
                rs.getObject("parent_run_id", UUID.class), rs.getString("wait_reason"), json.read(rs, "keys"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** Live events ({@link RunEvents}) of the runs a statement changed; the rows or their count as before. */
    private List<RunRow> announced(List<RunRow> rows) {
        if (!rows.isEmpty()) {
            events.runs(rows.stream().map(RunRow::id).toList());
        }
        return rows;
    }

    private int announcedCount(List<UUID> ids) {
        events.runs(ids);
        return ids.size();
    }

    private boolean announced(UUID id, boolean changed) {
        if (changed) {
            events.run(id);
        }
        return changed;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(Connection con, PreparedStatement ps) throws SQLException;
    }

    /** Runs a statement ending in {@code select count(*) from run}: how many rows its guarded update changed. */
    private long counted(String sql, Binder binder) {
        Long found = template.execute((Connection con) -> {
            try (PreparedStatement ps = con.prepareStatement(sql)) {
                binder.bind(con, ps);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        return found == null ? 0 : found;
    }
}
