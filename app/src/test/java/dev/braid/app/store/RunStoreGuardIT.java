package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.engine.run.IllegalTransitionException;
import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The runs table's writer guards each change at the database: the statement's {@code where} requires
 * the from-status it was checked for, so of two racing changes exactly one lands and the other writes
 * nothing, and a change the engine's Transitions refuses never reaches the row.
 */
class RunStoreGuardIT extends BraidIntegrationTest {

    /** Runs raced at once: a production claim batch is up to a few hundred. */
    private static final int RACES = 300;
    private static final String NODE = "guard-node";

    @Autowired
    RunStore runs;

    @BeforeEach
    void recipe() {
        jdbc.sql("""
                insert into recipes (slug, name, trigger_type, version) values ('guarded', 'Guarded', 'manual', 1)
                on conflict do nothing""").update();
    }

    @Test
    void aCancelRacingTheAttemptsSuccessLeavesExactlyOneOfThemAndAConsistentFinalState() throws Exception {
        List<UUID> ids = runningRuns(RACES);
        Instant now = Instant.now();
        List<StepStore.SeqRecord> records = List.of(new StepStore.SeqRecord(0, new StepRecord("only", StepStatus.SUCCEEDED, 1,
                JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode().put("ok", true), null, now, now)));
        List<CompletableFuture<Boolean>> succeeded = new ArrayList<>();
        List<CompletableFuture<Boolean>> cancelled = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (UUID id : ids) {
                CyclicBarrier start = new CyclicBarrier(2);
                succeeded.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return runs.finish(id, NODE, AttemptEnd.succeeded("{\"done\":true}"), records, List.of());
                }, threads));
                cancelled.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return runs.cancel(id, RunStatus.RUNNING);
                }, threads));
            }
            CompletableFuture.allOf(succeeded.toArray(CompletableFuture[]::new)).join();
            CompletableFuture.allOf(cancelled.toArray(CompletableFuture[]::new)).join();
        }
        int successes = 0;
        for (int i = 0; i < ids.size(); i++) {
            UUID id = ids.get(i);
            boolean won = succeeded.get(i).join();
            assertThat(won).as("exactly one of succeed and cancel changes run %s", id).isNotEqualTo(cancelled.get(i).join());
            Map<String, Object> row = jdbc.sql("""
                    select status, output::text as output, locked_by, finished_at is not null as finished,
                           (select count(*) from step_runs where run_id = runs.id) as steps
                      from runs where id = ?""").param(id).query().singleRow();
            assertThat(row.get("locked_by")).isNull();
            assertThat(row.get("finished")).isEqualTo(true);
            if (won) {
                successes++;
                assertThat(row.get("status")).isEqualTo("succeeded");
                assertThat(row.get("output")).isEqualTo("{\"done\": true}");
                assertThat(row.get("steps")).isEqualTo(1L);
            } else {
                // The cancel came first: the attempt's lease was gone, so none of its writes landed.
                assertThat(row.get("status")).isEqualTo("cancelled");
                assertThat(row.get("output")).isNull();
                assertThat(row.get("steps")).isEqualTo(0L);
            }
        }
        System.out.printf("RunStoreGuardIT: %d races, succeed won %d, cancel won %d%n", ids.size(), successes,
                ids.size() - successes);
    }

    @Test
    void aChangeTransitionsRefusesWritesNothingAndAStaleFromStatusChangesNothing() {
        UUID done = runningRuns(1).getFirst();
        assertThat(runs.finish(done, NODE, AttemptEnd.succeeded("{}"), List.of(), List.of())).isTrue();
        Map<String, Object> before = row(done);

        assertThatThrownBy(() -> runs.cancel(done, RunStatus.SUCCEEDED)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> runs.retryNow(done, RunStatus.SUCCEEDED)).isInstanceOf(IllegalTransitionException.class);
        // Transitions allows running -> queued, but not as an operator retry: refused all the same.
        assertThatThrownBy(() -> runs.retryNow(done, RunStatus.RUNNING)).isInstanceOf(IllegalStateException.class);
        // The attempt already ended: a second ending finds no running row it holds.
        assertThat(runs.finish(done, NODE, AttemptEnd.failed("{\"type\":\"late\"}", null, List.of()), List.of(), List.of()))
                .isFalse();
        // A caller that read the run as something it no longer is: legal change, stale from-status.
        assertThat(runs.cancel(done, RunStatus.RUNNING)).isFalse();
        assertThat(runs.retryNow(done, RunStatus.FAILED)).isFalse();
        assertThat(row(done)).isEqualTo(before);

        UUID running = runningRuns(1).getFirst();
        Map<String, Object> leased = row(running);
        assertThat(runs.cancel(running, RunStatus.QUEUED)).isFalse();
        assertThat(runs.retryNow(running, RunStatus.RETRYING)).isFalse();
        assertThat(row(running)).isEqualTo(leased);
    }

    @Test
    void aCancelledChildWakesItsWaitingParentOnce() {
        // The parent is in a slot group whose one slot a leased run holds, so once queued no worker takes it from the test.
        jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until,
                                  concurrency_key, concurrency_limit)
                values (gen_random_uuid(), 'guarded', 1, 'running', 'manual', '{}'::jsonb, 1, ?, now() + interval '5 minutes',
                        'guard-hold', 1)""").param(NODE).update();
        UUID parent = jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, next_attempt_at, wait_reason,
                                  concurrency_key, concurrency_limit)
                values (gen_random_uuid(), 'guarded', 1, 'waiting', 'manual', '{}'::jsonb, 'infinity', 'call', 'guard-hold', 1)
                returning id""").query(UUID.class).single();
        UUID child = jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until,
                                  parent_run_id, parent_step)
                values (gen_random_uuid(), 'guarded', 1, 'running', 'call', '{}'::jsonb, 1, ?, now() + interval '5 minutes', ?, 'sub')
                returning id""").params(NODE, parent).query(UUID.class).single();

        assertThat(runs.cancel(child, RunStatus.RUNNING)).isTrue();
        assertThat(status(child)).isEqualTo("cancelled");
        assertThat(status(parent)).isEqualTo("queued");
        assertThat(row(parent).get("wait_reason")).isNull();

        // Woken once: the child has ended, so cancelling it again changes nothing, the parent (waiting again) included.
        jdbc.sql("update runs set status = 'waiting', wait_reason = 'call' where id = ?").param(parent).update();
        assertThat(runs.cancelUnfinished(child)).isFalse();
        assertThat(runs.cancelChildren(parent)).isZero();
        assertThat(status(parent)).isEqualTo("waiting");
    }

    /** {@code n} runs of recipe {@code guarded}, running and leased to {@link #NODE}, as a claim leaves them. */
    private List<UUID> runningRuns(int n) {
        return jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until, started_at)
                select gen_random_uuid(), 'guarded', 1, 'running', 'manual', '{}'::jsonb, 1, ?, now() + interval '5 minutes', now()
                  from generate_series(1, ?)
                returning id""").params(NODE, n).query(UUID.class).list();
    }

    private Map<String, Object> row(UUID id) {
        return jdbc.sql("""
                select status, output::text as output, error::text as error, locked_by, locked_until, finished_at,
                       next_attempt_at, attempt, wait_reason from runs where id = ?""")
                .param(id).query().singleRow();
    }

    private String status(UUID id) {
        return jdbc.sql("select status from runs where id = ?").param(id).query(String.class).single();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(Duration.ofSeconds(30).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
