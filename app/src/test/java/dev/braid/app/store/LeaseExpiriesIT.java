package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;

/**
 * The reclaim of lost leases in PostgreSQL (issue 14): each expiry counted once even when two nodes reclaim
 * at once, the runs at their last allowed expiry given up with one {@code run.poison} dead letter each, the
 * others queued again with their count and holders; a checkpoint of a finished step resets the count, the
 * running record written before a call does not. Runs leased to a node name of this test only, with leases
 * in the future, so the shared server's own reaper leaves them alone: they are reclaimed as that node's orphans.
 */
class LeaseExpiriesIT extends BraidIntegrationTest {

    private static final String RECIPE = "lease-expiries";
    private static final int REQUEUED = 900;
    private static final int POISONED = 100;

    @Autowired
    RunStore runs;

    @BeforeEach
    void recipe() {
        jdbc.sql("insert into recipes (slug, name, trigger_type, version) values (?, 'Lease expiries', 'manual', 1) "
                + "on conflict do nothing").param(RECIPE).update();
    }

    @AfterEach
    void forget() {
        jdbc.sql("delete from runs where recipe = ?").param(RECIPE).update();
    }

    @Test
    void twoNodesReclaimingAThousandOrphansAtOnceCountEachExpiryOnceAndPoisonOnlyTheRunsAtTheirLast() throws Exception {
        String node = "dead-node-" + UUID.randomUUID();
        List<UUID> fresh = leasedRuns(node, REQUEUED, 0, "{}");
        List<UUID> doomed = leasedRuns(node, POISONED, 2, "{other-node,other-node}");
        jdbc.sql("""
                insert into step_runs (run_id, path, seq, status, attempts, started_at)
                select id, 'charge', 1, 'running', 3, now() from runs where id = any(?)""")
                .param(doomed.toArray(UUID[]::new)).update();

        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<RunStore.Reclaimed>> reclaims = List.of(
                CompletableFuture.supplyAsync(() -> reclaimAfter(start, node)),
                CompletableFuture.supplyAsync(() -> reclaimAfter(start, node)));
        List<RunStore.Reclaimed> done = reclaims.stream().map(CompletableFuture::join).toList();

        assertThat(done.stream().mapToInt(RunStore.Reclaimed::requeued).sum()).as("each orphan queued by one node")
                .isEqualTo(REQUEUED);
        assertThat(done.stream().mapToInt(r -> r.poisoned().size()).sum()).as("each poison run given up once")
                .isEqualTo(POISONED);
        assertThat(jdbc.sql("select count(*) from runs where recipe = ? and locked_by = ?").params(RECIPE, node)
                .query(Long.class).single()).isZero();
        // The queued ones may be claimed (and fail: their recipe has no version) by the shared server meanwhile;
        // their count and holders are what this asserts.
        assertThat(jdbc.sql("""
                select count(*) from runs where id = any(?) and lease_expiries = 1 and lease_holders = array[?]::text[]
                   and (error is null or error ->> 'type' <> 'run.poison')""")
                .params(fresh.toArray(UUID[]::new), node).query(Long.class).single())
                .isEqualTo(REQUEUED);
        Map<String, Object> poisoned = jdbc.sql("""
                select count(*) as runs, count(*) filter (where r.status = 'failed' and r.finished_at is not null
                                                                and r.locked_by is null and r.lease_expiries = 3) as failed,
                       count(d.id) as letters,
                       count(*) filter (where d.step = 'charge' and d.error ->> 'type' = 'run.poison'
                                         and d.error = r.error and d.id = r.dead_letter_id
                                         and r.error -> 'nodes' = jsonb_build_array('other-node', 'other-node', ?::text))
                           as described
                  from runs r left join dead_letters d on d.run_id = r.id where r.id = any(?)""")
                .params(node, doomed.toArray(UUID[]::new)).query().singleRow();
        assertThat(poisoned).containsEntry("runs", (long) POISONED).containsEntry("failed", (long) POISONED)
                .containsEntry("letters", (long) POISONED).containsEntry("described", (long) POISONED);
    }

    @Test
    void aCheckpointOfAFinishedStepResetsTheCountButTheRunningRecordBeforeACallDoesNot() {
        String node = "live-node-" + UUID.randomUUID();
        UUID run = leasedRuns(node, 1, 2, "{a,b}").getFirst();
        Instant now = Instant.now();
        assertThat(runs.checkpoint(run, node, Duration.ofMinutes(5),
                List.of(new StepStore.SeqRecord(0, new StepRecord("send", StepStatus.RUNNING, 1, null, null, null, now, null))),
                List.of())).isTrue();
        assertThat(expiries(run)).isEqualTo(2);
        assertThat(runs.checkpoint(run, node, Duration.ofMinutes(5),
                List.of(new StepStore.SeqRecord(0, new StepRecord("send", StepStatus.SUCCEEDED, 1, null, null, null, now, now))),
                List.of())).isTrue();
        assertThat(expiries(run)).isZero();
        assertThat(jdbc.sql("select cardinality(lease_holders) from runs where id = ?").param(run).query(Integer.class)
                .single()).isZero();
    }

    @Test
    void theHeartbeatRenewsOnlyTheRunsTheNodeIsExecutingNotOrphansLeasedToItsName() {
        String node = "renewing-node-" + UUID.randomUUID();
        List<UUID> leased = leasedRuns(node, 3, 0, "{}");
        jdbc.sql("update runs set locked_until = now() + interval '1 second' where id = any(?)")
                .param(leased.toArray(UUID[]::new)).update();
        assertThat(runs.renewLeases(node, List.of(leased.get(0), leased.get(1)), Duration.ofMinutes(5))).isEqualTo(2);
        assertThat(runs.renewLeases(node, List.of(), Duration.ofMinutes(5))).isZero();
        assertThat(runs.renewLeases("another-node", List.of(leased.get(2)), Duration.ofMinutes(5))).isZero();
        List<Boolean> renewed = leased.stream().map(id -> jdbc.sql(
                "select locked_until > now() + interval '4 minutes' from runs where id = ?").param(id)
                .query(Boolean.class).single()).toList();
        assertThat(renewed).containsExactly(true, true, false);
    }

    private RunStore.Reclaimed reclaimAfter(CyclicBarrier start, String node) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return runs.reclaimOrphans(node, 3);
    }

    private int expiries(UUID run) {
        return jdbc.sql("select lease_expiries from runs where id = ?").param(run).query(Integer.class).single();
    }

    private List<UUID> leasedRuns(String node, int n, int expiries, String holders) {
        return jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until,
                                  started_at, lease_expiries, lease_holders)
                select gen_random_uuid(), ?, 1, 'running', 'manual', '{"body":{"n":1}}'::jsonb, 1, ?,
                       now() + interval '5 minutes', now(), ?, ?::text[]
                  from generate_series(1, ?)
                returning id""").params(RECIPE, node, expiries, holders, n).query(UUID.class).list();
    }
}
