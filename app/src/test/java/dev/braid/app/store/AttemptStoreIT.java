package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.engine.run.StepError;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.node.JsonNodeFactory;

/** The lease fences every write of an attempt: a node that lost it writes nothing at all. */
class AttemptStoreIT extends BraidIntegrationTest {

    @Autowired
    RunStore attempts;

    @Test
    void aNodeWithoutTheLeaseWritesNothingAndTheHolderWritesEverythingAtOnce() {
        jdbc.sql("insert into recipes (slug, name, trigger_type, version) values ('fenced', 'Fenced', 'manual', 1)").update();
        UUID runId = Ids.next();
        jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until)
                values (?, 'fenced', 1, 'running', 'manual', '{}'::jsonb, 1, 'holder', now() + interval '1 minute')""")
                .param(runId).update();
        Instant now = Instant.now();
        List<StepStore.SeqRecord> records = List.of(new StepStore.SeqRecord(0, new StepRecord("call", StepStatus.FAILED, 2,
                JsonNodeFactory.instance.objectNode().put("url", "http://x"), null,
                new StepError("http.status", "GET http://x answered 404", false), now, now)));
        List<RunLogStore.LogLine> lines = List.of(new RunLogStore.LogLine("call", "error", "gave up", now));
        AttemptEnd failed = AttemptEnd.failed("{\"type\":\"http.status\"}",
                new AttemptEnd.DeadLetter(Ids.next(), "fenced", "call", "{\"type\":\"http.status\"}", "{}"), List.of());

        assertThat(attempts.checkpoint(runId, "intruder", Duration.ofSeconds(30), records, lines)).isFalse();
        assertThat(attempts.finish(runId, "intruder", failed, records, lines)).isFalse();
        assertThat(count("step_runs", runId)).isZero();
        assertThat(count("run_logs", runId)).isZero();
        assertThat(count("dead_letters", runId)).isZero();
        assertThat(jdbc.sql("select status from runs where id = ?").param(runId).query(String.class).single()).isEqualTo("running");

        assertThat(attempts.finish(runId, "holder", failed, records, lines)).isTrue();
        assertThat(count("step_runs", runId)).isEqualTo(1);
        assertThat(count("run_logs", runId)).isEqualTo(1);
        assertThat(count("dead_letters", runId)).isEqualTo(1);
        assertThat(jdbc.sql("select status from runs where id = ?").param(runId).query(String.class).single()).isEqualTo("failed");
        // Once ended the run has no holder: a late second finish is refused too.
        assertThat(attempts.finish(runId, "holder", failed, records, lines)).isFalse();
    }

    private long count(String table, UUID runId) {
        return sql.count("select count(*) from " + table + " where run_id = ?", runId);
    }
}
