package dev.braid.app.store;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.braid.engine.run.RunStatus;

/**
 * Claims runs of recipes with a concurrency limit (ARCHITECTURE §2) so that no slot group ever has more
 * runs running than its limit, across all nodes.
 *
 * <p><b>Slots are the leased running rows themselves</b>: a run holds a slot of its
 * {@code concurrency_key} while it is running with a live lease ({@code locked_until > now()}). There is no
 * slot table that could leak: when a node dies its leases run out and its slots are free again (the
 * reaper then requeues those runs, which queue up for slots like any other).
 *
 * <p>Which groups to serve is decided here; the claim itself is {@link RunStore}'s (the runs table's
 * one writer). Per slot group, one transaction takes {@code pg_advisory_xact_lock} on the key's hash (so
 * claimers of that key on every node take turns; other keys are not held up), counts the slots
 * held and claims at most {@code limit - held} of the oldest due runs with {@code FOR UPDATE SKIP
 * LOCKED}. The lock is released at commit, after the claimed rows are visible as running. Two keys
 * whose hashes collide only take turns claiming; their slots stay separate. The limit is as strong
 * as the lease: a live node that cannot renew its leases in time (a stall longer than the lease)
 * loses its slots to other runs while it may still be running, as it loses the runs themselves.
 *
 * <p>The limit applied is the one the group's next due run was created with: runs keep the limit of
 * the recipe version that created them, so after a change the runs created under the old limit
 * drain under it, and runs created afterwards follow the new one.
 *
 * <p>A run waiting for a slot stays {@code queued} (ARCHITECTURE §3 calls that state {@code waiting}).
 * {@code waiting} runs are woken by a time ({@code next_attempt_at}); a queued run needs no wake-up
 * of its own: it is claimed by the next dispatch after a slot frees (the node where a run ends looks
 * at once; other nodes at their next poll or NOTIFY).
 *
 * <p>Fairness: the groups with free slots are served oldest head of line first, each taking an
 * equal share of the capacity asked for; groups that used their whole share get another turn while
 * capacity is left. A long backlog in one group does not hold up the others.
 */
final class LimitedClaims {

    /** The advisory lock namespace of concurrency keys (first of the two ints; the second is hashtext(key)). */
    static final int LOCK_CLASS = 0x4272_6401;
    private static final Logger log = LoggerFactory.getLogger(LimitedClaims.class);

    /**
     * The slot groups with a due run and a free slot (racy: confirmed under the lock), oldest head
     * of line first. The distinct keys are found by a skip scan of runs_claimable_limited, one index
     * probe per key however long the queues; with no limited run it is one probe that finds nothing.
     */
    private static final String CANDIDATES = """
            with recursive keys (k) as (
                (select concurrency_key from runs
                  where %1$s and concurrency_key is not null
                  order by concurrency_key limit 1)
                union all
                select (select r.concurrency_key from runs r
                         where %2$s and r.concurrency_key is not null
                           and r.concurrency_key > keys.k
                         order by r.concurrency_key limit 1)
                  from keys where keys.k is not null)
            select keys.k
              from keys
              cross join lateral (
                    select d.next_attempt_at, d.concurrency_limit from runs d
                     where d.concurrency_key = keys.k and %3$s
                       and d.next_attempt_at <= now()
                     order by d.next_attempt_at limit 1) head
             where keys.k is not null
               and head.concurrency_limit > (select count(*) from runs h
                                              where h.concurrency_key = keys.k and h.status = %4$s
                                                and h.locked_until > now())
             order by head.next_attempt_at
             limit ?""".formatted(RunChange.CLAIM.fromSql("status"), RunChange.CLAIM.fromSql("r.status"),
            RunChange.CLAIM.fromSql("d.status"), StatusSql.literal(RunStatus.RUNNING));

    /** Claims up to {@code max} due runs of one slot group under its lock ({@link RunStore} owns the statement). */
    @FunctionalInterface
    interface SlotGroupClaim {
        List<RunRow> claim(String key, String node, double leaseSeconds, int max);
    }

    private final JdbcClient jdbc;
    private final SlotGroupClaim slotGroup;

    LimitedClaims(JdbcClient jdbc, SlotGroupClaim slotGroup) {
        this.jdbc = jdbc;
        this.slotGroup = slotGroup;
    }

    List<RunRow> claim(String node, double leaseSeconds, int max) {
        List<String> open = jdbc.sql(CANDIDATES).param(max).query(String.class).list();
        List<RunRow> claimed = new ArrayList<>();
        while (!open.isEmpty() && claimed.size() < max) {
            List<String> more = new ArrayList<>();
            for (int i = 0; i < open.size() && claimed.size() < max; i++) {
                int share = ceilDiv(max - claimed.size(), open.size() - i);
                List<RunRow> got;
                try {
                    got = slotGroup.claim(open.get(i), node, leaseSeconds, share);
                } catch (RuntimeException e) {
                    if (claimed.isEmpty()) {
                        throw e;
                    }
                    // The runs claimed so far are committed and leased to this node: they must be run,
                    // not lost with the exception (their leases would be renewed with nobody running them).
                    log.warn("Claiming limited runs of {} failed ({}); running the {} claimed so far", open.get(i),
                            e.getMessage(), claimed.size());
                    return claimed;
                }
                claimed.addAll(got);
                if (got.size() == share) {
                    more.add(open.get(i)); // it may have more free slots and due runs
                }
            }
            open = more;
        }
        return claimed;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
