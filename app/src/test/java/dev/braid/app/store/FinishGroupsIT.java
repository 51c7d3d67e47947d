package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Group commit of attempts' endings: 4,096 attempts of one node ended from 64 threads at once — succeeded, failed,
 * retrying and waiting, an eighth of them leased by another node meanwhile — each get their own answer and exactly
 * their own writes (row, step records, log lines), in far fewer statements than runs; an ending the database refuses
 * fails alone; and a called run ending in a group wakes its waiting parent.
 */
class FinishGroupsIT extends BraidIntegrationTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String NODE = "finishing-node";

    @Autowired
    FinishGroups groups;

    @Autowired
    RunStore runs;

    @BeforeEach
    void recipe() {
        jdbc.sql("insert into recipes (slug, name, trigger_type, version) values ('ending', 'Ending', 'manual', 1) on conflict do nothing")
                .update();
    }

    @AfterEach
    void clean() {
        jdbc.sql("delete from runs where recipe = 'ending'").update();
        jdbc.sql("delete from recipes where slug = 'ending'").update();
    }

    @Test
    void concurrentEndingsShareStatementsAndEachWritesOnlyItsOwnRun() throws Exception {
        int threads = 64;
        int perThread = 64;
        List<UUID> ids = running(threads * perThread, NODE);
        // Every eighth run's lease went to another node (a takeover): its ending must write nothing.
        List<UUID> takenOver = new ArrayList<>();
        for (int k = 7; k < ids.size(); k += 8) {
            takenOver.add(ids.get(k));
        }
        jdbc.sql("update runs set locked_by = 'other-node' where id = any(?)").param(takenOver.toArray(UUID[]::new)).update();
        Instant later = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        long statementsBefore = groups.groupStatements();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Boolean>>> answers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                List<UUID> mine = ids.subList(t * perThread, (t + 1) * perThread);
                answers.add(pool.submit(() -> {
                    start.await();
                    List<Boolean> out = new ArrayList<>();
                    for (UUID id : mine) {
                        int k = ids.indexOf(id);
                        out.add(groups.finish(id, NODE, ending(k, later), records(k), lines(k)));
                    }
                    return out;
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                List<Boolean> out = answers.get(t).get();
                for (int i = 0; i < perThread; i++) {
                    int k = t * perThread + i;
                    assertThat(out.get(i)).as("answer for run %d", k).isEqualTo(k % 8 != 7);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (int k = 0; k < ids.size(); k++) {
            Map<String, Object> row = jdbc.sql("""
                    select status, output::text as output, error::text as error, locked_by, finished_at is not null as finished,
                           next_attempt_at, wait_reason,
                           (select count(*) from step_runs s where s.run_id = runs.id) as steps,
                           (select count(*) from run_logs l where l.run_id = runs.id) as logs,
                           (select string_agg(s.output->>'n', ',' order by s.seq) from step_runs s where s.run_id = runs.id) as step_n
                      from runs where id = ?""").param(ids.get(k)).query().singleRow();
            if (k % 8 == 7) {
                assertThat(row).as("run %d, taken over", k).containsEntry("status", "running").containsEntry("locked_by", "other-node")
                        .containsEntry("steps", 0L).containsEntry("logs", 0L);
                continue;
            }
            assertThat(row.get("locked_by")).as("run %d", k).isNull();
            assertThat(row.get("steps")).as("run %d's step records", k).isEqualTo(3L);
            assertThat(row.get("step_n")).as("run %d's own step records", k).isEqualTo(k + "," + k + "," + k);
            assertThat(row.get("logs")).as("run %d's log lines", k).isEqualTo(1L);
            switch (k % 4) {
                case 0 -> assertThat(row).as("run %d", k).containsEntry("status", "succeeded").containsEntry("finished", true)
                        .containsEntry("output", "{\"n\": " + k + "}");
                case 1 -> assertThat(row).as("run %d", k).containsEntry("status", "failed").containsEntry("finished", true)
                        .containsEntry("error", "{\"type\": \"boom\", \"message\": \"run " + k + "\"}");
                case 2 -> {
                    assertThat(row).as("run %d", k).containsEntry("status", "retrying").containsEntry("finished", false);
                    assertThat(((java.sql.Timestamp) row.get("next_attempt_at")).toInstant()).isEqualTo(later);
                }
                default -> {
                    assertThat(row).as("run %d", k).containsEntry("status", "waiting").containsEntry("wait_reason", "delay");
                    assertThat(((java.sql.Timestamp) row.get("next_attempt_at")).toInstant()).isEqualTo(later);
                }
            }
        }
        long statements = groups.groupStatements() - statementsBefore;
        System.out.printf("finish groups: %d endings from %d threads in %d grouped statements (+ groups of one)%n",
                ids.size(), threads, statements);
        assertThat(statements).as("endings shared statements").isPositive().isLessThan(ids.size() / 4);
    }

    @Test
    void anEndingTheDatabaseRefusesFailsAloneAndTheOthersOfItsGroupAreWritten() throws Exception {
        int threads = 32;
        List<UUID> ids = running(threads, NODE);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int k = t;
                answers.add(pool.submit(() -> {
                    start.await();
                    // jsonb refuses the NUL character: this run's step record fails in PostgreSQL.
                    Instant now = Instant.now();
                    List<StepStore.SeqRecord> records = List.of(new StepStore.SeqRecord(0, new StepRecord("only",
                            StepStatus.SUCCEEDED, 1, NODES.objectNode(),
                            NODES.objectNode().put("text", k == 7 ? "bad\u0000value" : "fine"), null, now, now)));
                    return groups.finish(ids.get(k), NODE, AttemptEnd.succeeded("{}"), records, List.of());
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                if (t == 7) {
                    assertThatThrownBy(answers.get(t)::get).hasMessageContaining("\\u0000");
                } else {
                    assertThat(answers.get(t).get()).isTrue();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sql.count("select count(*) from runs where recipe = 'ending' and status = 'succeeded'")).isEqualTo(threads - 1);
        assertThat(jdbc.sql("select status from runs where id = ?").param(ids.get(7)).query(String.class).single())
                .as("nothing of the refused ending was written").isEqualTo("running");
        assertThat(sql.count("select count(*) from step_runs s join runs r on r.id = s.run_id where r.recipe = 'ending'"))
                .isEqualTo(threads - 1);
    }

    @Test
    void calledRunsEndingInOneStatementWakeTheirWaitingParents() {
        List<UUID> parents = jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, next_attempt_at, wait_reason)
                select gen_random_uuid(), 'ending', 1, 'waiting', 'manual', '{}'::jsonb, 'infinity', 'call'
                  from generate_series(1, 2)
                returning id""").query(UUID.class).list();
        List<UUID> children = new ArrayList<>();
        for (UUID parent : parents) {
            children.add(jdbc.sql("""
                    insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until,
                                      started_at, parent_run_id, parent_step)
                    values (gen_random_uuid(), 'ending', 1, 'running', 'call', '{}'::jsonb, 1, ?, now() + interval '5 minutes',
                            now(), ?, 'call')
                    returning id""").params(NODE, parent).query(UUID.class).single());
        }
        UUID unrelated = running(1, NODE).getFirst();
        Set<UUID> written = runs.finishEach(NODE, List.of(
                new RunStore.Finish(children.get(0), AttemptEnd.succeeded("{\"child\":1}"), List.of(), List.of()),
                new RunStore.Finish(unrelated, AttemptEnd.succeeded("{}"), List.of(), List.of()),
                new RunStore.Finish(children.get(1), AttemptEnd.failed("{\"type\":\"boom\"}", null, List.of()), List.of(),
                        List.of())));
        assertThat(written).containsExactlyInAnyOrder(children.get(0), children.get(1), unrelated);
        for (UUID parent : parents) {
            // Woken means queued; this server's workers may already have claimed it since (and failed it: the test
            // recipe has no definition), which a parent still waiting could never be.
            assertThat(jdbc.sql("select status from runs where id = ?").param(parent).query(String.class).single())
                    .as("parent %s woken", parent).isNotEqualTo("waiting");
        }
        // A second ending of the same attempts finds no running row it holds.
        assertThat(runs.finishEach(NODE, List.of(new RunStore.Finish(unrelated, AttemptEnd.succeeded("{}"), List.of(), List.of()))))
                .isEmpty();
    }

    private static AttemptEnd ending(int k, Instant later) {
        return switch (k % 4) {
            case 0 -> AttemptEnd.succeeded("{\"n\":" + k + "}");
            case 1 -> AttemptEnd.failed("{\"type\":\"boom\",\"message\":\"run " + k + "\"}", null, List.of());
            case 2 -> AttemptEnd.retrying("{\"type\":\"later\"}", later);
            default -> AttemptEnd.waiting("delay", later, null);
        };
    }

    private static List<StepStore.SeqRecord> records(int k) {
        Instant now = Instant.now();
        List<StepStore.SeqRecord> out = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            out.add(new StepStore.SeqRecord(s, new StepRecord("step" + s, StepStatus.SUCCEEDED, 1, NODES.objectNode().put("s", s),
                    NODES.objectNode().put("n", k), null, now, now)));
        }
        return out;
    }

    private static List<RunLogStore.LogLine> lines(int k) {
        return List.of(new RunLogStore.LogLine("step2", "info", "run " + k, Instant.now()));
    }

    private List<UUID> running(int n, String node) {
        return jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until, started_at)
                select gen_random_uuid(), 'ending', 1, 'running', 'manual', '{}'::jsonb, 1, ?, now() + interval '5 minutes', now()
                  from generate_series(1, ?) g
                 order by g
                returning id""").params(node, n).query(UUID.class).list();
    }
}
