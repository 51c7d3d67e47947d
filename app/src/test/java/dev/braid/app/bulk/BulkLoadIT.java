package dev.braid.app.bulk;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * A bulk load through the recipe language: 100,000 rows from {@code sql.query}, a {@code foreach} with
 * {@code chunk: 1000} feeding {@code sql.batchInsert}, its progress (items done / total) visible in the
 * run while it works, and one chunk failing once (a serialization failure raised by a trigger on the
 * target) so that the step is retried: every row arrives, none twice.
 */
class BulkLoadIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(BulkLoadIT.class);
    private static final int ROWS = 100_000;

    @Test
    void aHundredThousandRowsLoadInChunksWithProgressAndNoneTwiceAfterARetriedChunk() {
        jdbc.sql("drop schema if exists bulk cascade").update();
        jdbc.sql("create schema bulk").update();
        jdbc.sql("create table bulk.target (id bigint not null, name text not null)").update();
        // A real failure inside the database, once, in the middle: the chunk holding row 50,001 is rolled
        // back and retried. A sequence counts it because nextval is not undone by the rollback.
        jdbc.sql("create sequence bulk.failures").update();
        jdbc.sql("""
                create function bulk.fail_once() returns trigger language plpgsql as $$
                begin
                  if new.id = 50001 and (select last_value = 1 and not is_called from bulk.failures) then
                    perform nextval('bulk.failures');
                    raise exception 'injected conflict' using errcode = '40001';
                  end if;
                  return new;
                end $$""").update();
        jdbc.sql("create trigger fail_once before insert on bulk.target for each row execute function bulk.fail_once()").update();

        ApiClient.Response conn = api.postJson("/api/v1/connections", Map.of("name", "bulk-db", "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres")));
        assertThat(conn.status()).as(conn.body()).isIn(201, 409);
        braid.saveRecipe("""
                slug: bulk-load
                name: Bulk load
                trigger:
                  manual: {}
                retry: { maxAttempts: 3, initialDelay: 100ms, jitter: 0 }
                steps:
                  - id: source
                    action: sql.query
                    connection: bulk-db
                    with: { sql: "select g as id, 'row ' || g as name from generate_series(1, %d) g" }
                  - id: load
                    foreach: "steps.source.output.rows"
                    as: rows
                    chunk: 1000
                    steps:
                      - id: insert
                        action: sql.batchInsert
                        connection: bulk-db
                        with: { table: bulk.target, rows: "{{ rows }}" }
                """.formatted(ROWS));

        ApiClient.Response started = api.postJson("/api/v1/recipes/bulk-load/runs", Map.of());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String runId = started.json().path("runId").asString();

        // The progress as an operator sees it in the run's step list; read from the step's row itself so
        // that polling a run with 100 chunk records does not slow the load it watches.
        List<Integer> seen = new ArrayList<>();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            jdbc.sql("select output::text from step_runs where run_id = ?::uuid and path = 'load'").param(runId)
                    .query(String.class).optional()
                    .map(text -> tools.jackson.databind.json.JsonMapper.shared().readTree(text).path("progress"))
                    .filter(progress -> progress.has("done"))
                    .ifPresent(progress -> {
                        assertThat(progress.path("total").asInt()).isEqualTo(ROWS);
                        seen.add(progress.path("done").asInt());
                    });
            return jdbc.sql("select finished_at is not null from runs where id = ?::uuid").param(runId)
                    .query(Boolean.class).single();
        });
        JsonNode run = api.get("/api/v1/runs/" + runId).json();

        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(seen).as("the progress was seen part-way and only grew").isNotEmpty()
                .anyMatch(done -> done > 0 && done < ROWS).isSorted();
        Map<String, Object> loaded = jdbc.sql("select count(*) as rows, count(distinct id) as ids, min(id) as lo, max(id) as hi from bulk.target")
                .query().singleRow();
        assertThat(loaded.get("rows")).isEqualTo((long) ROWS);
        assertThat(loaded.get("ids")).isEqualTo((long) ROWS);
        assertThat(loaded.get("lo")).isEqualTo(1L);
        assertThat(loaded.get("hi")).isEqualTo((long) ROWS);
        JsonNode retried = step(run, "load[50].insert");
        assertThat(retried.path("attempts").asInt()).as("the chunk with row 50,001 failed once").isEqualTo(2);
        assertThat(jdbc.sql("select last_value from bulk.failures").query(Long.class).single()).isEqualTo(1L);

        // From the rows being read to the run's end: both attempts of the load, the failed chunk and the resume included.
        Instant from = Instant.parse(step(run, "source").path("finishedAt").asString());
        Instant to = Instant.parse(run.path("finishedAt").asString());
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        log.info("Bulk load: {} rows in {} chunks of 1000 in {} s = {} rows/s (incl. one failed chunk, its retry and the "
                        + "resume); the load's last attempt started {}; progress seen {} times: {}",
                ROWS, ROWS / 1000, seconds, Math.round(ROWS / seconds), step(run, "load").path("startedAt").asString(),
                seen.size(), seen.size() > 12 ? seen.subList(0, 12) + "…" : seen);
    }
}
