package dev.braid.app.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/**
 * Tracked bulk jobs end to end (issue 16): started through the API by ids or by a list filter, done in the
 * background in chunks, each item's outcome kept, a job whose node stopped or died taken over with every
 * item done exactly once.
 */
class BulkJobsIT extends BraidIntegrationTest {

    /** The target's health: false answers 500. */
    final AtomicBoolean healthy = new AtomicBoolean(false);

    @Autowired
    BulkJobWorker worker;

    @BeforeEach
    void setUp() {
        stub.reply("/target", n -> healthy.get() ? Reply.json(200, "{\"ok\":true}") : Reply.json(500, "{\"down\":true}"));
    }

    @Test
    void twoThousandDeadLettersAreReplayedByOneAllMatchingJobExactlyOnceAcrossAStopAndADeadNodesLease() throws Exception {
        braid.saveRecipe(recipe("jobs-many"));
        post(2000, "jobs-many");
        await().atMost(Duration.ofSeconds(120)).until(() -> openCount("jobs-many") == 2000);
        healthy.set(true);

        ApiClient.Response started = api.postJson("/api/v1/jobs", Map.of("action", "dead-letters.replay",
                "filter", Map.of("recipe", "jobs-many"), "from", "trigger"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String job = started.json().path("id").asString();
        assertThat(started.json().path("total").asInt()).isEqualTo(2000);
        assertThat(started.json().path("status").asString()).isEqualTo("running");

        // The node stops in the middle: the job is released with part of it done.
        await().atMost(Duration.ofSeconds(60)).until(() -> job(job).path("succeeded").asInt() >= 300);
        worker.stop();
        int atStop = job(job).path("done").asInt();
        assertThat(atStop).isLessThan(2000);
        // ... and as if another node had taken it and died: its lease ran out, held by a node that is gone.
        jdbc.sql("update bulk_jobs set locked_by = 'dead-node', locked_until = now() - interval '1 second' where id = ?::uuid")
                .param(job).update();
        worker.start();

        JsonNode done = await().atMost(Duration.ofSeconds(120)).until(() -> job(job),
                j -> j.path("status").asString().equals("finished"));
        assertThat(done.path("succeeded").asInt()).isEqualTo(2000);
        assertThat(done.path("failed").asInt()).isZero();
        assertThat(done.path("done").asInt()).isEqualTo(2000);
        assertThat(done.path("failures").size()).isZero();
        assertThat(done.path("finishedAt").asString()).isNotEmpty();
        // A figure for the note, never asserted: the job's own time, the stop and the takeover included.
        System.out.println("bulk-job figure: 2,000 dead letters replayed in " + java.time.Duration.between(
                java.time.Instant.parse(done.path("createdAt").asString()), java.time.Instant.parse(done.path("finishedAt").asString()))
                .toMillis() + " ms (one transaction per item, the replays running meanwhile; shared 2-core machine)");

        assertThat(sql.count("select count(*) from dead_letters where recipe = 'jobs-many' and status = 'replayed'"
                + " and jsonb_array_length(replays) = 1")).as("each dead letter replayed exactly once").isEqualTo(2000);
        assertThat(sql.count("select count(*) from runs where recipe = 'jobs-many' and origin = 'replay'")).isEqualTo(2000);
        assertThat(sql.count("select count(distinct replay_of) from runs where recipe = 'jobs-many' and origin = 'replay'"))
                .isEqualTo(2000);
        assertThat(sql.count("select count(distinct result_id) from bulk_job_items where job_id = ?::uuid", job)).isEqualTo(2000);
        await().atMost(Duration.ofSeconds(120))
                .until(() -> sql.count("select count(*) from runs where recipe = 'jobs-many' and origin = 'replay'"
                        + " and status = 'succeeded'") == 2000);
        assertThat(stub.received("/target")).as("2,000 failed calls, then one call per replay").hasSize(4000);

        JsonNode items = api.get("/api/v1/jobs/" + job + "/items?status=succeeded&limit=500").json();
        assertThat(items.path("items").size()).isEqualTo(500);
        assertThat(items.path("items").get(0).path("resultId").asString()).isNotEmpty();
        JsonNode next = api.get("/api/v1/jobs/" + job + "/items?status=succeeded&limit=500&cursor="
                + items.path("nextCursor").asString()).json();
        assertThat(next.path("items").get(0).path("seq").asInt()).isEqualTo(501);
        assertThat(api.get("/api/v1/jobs?limit=500").json().path("items").values().stream()
                .anyMatch(j -> j.path("id").asString().equals(job))).isTrue();
        assertThat(sql.count("select count(*) from audit_log where action = 'POST /api/v1/jobs' and target = ?",
                "/api/v1/jobs/" + job)).isEqualTo(1);
        assertThat(sql.count("select count(*) from audit_log where action = 'JOB FINISHED dead-letters.replay'"
                + " and target like ?", "/api/v1/jobs/" + job + " (2000 succeeded, 0 failed of 2000)")).isEqualTo(1);
    }

    @Test
    void anItemTheActionRefusesFailsWithItsProblemAndTheRestGoOn() {
        braid.saveRecipe(recipe("jobs-mixed"));
        post(5, "jobs-mixed");
        await().atMost(Duration.ofSeconds(30)).until(() -> openCount("jobs-mixed") == 5);
        List<String> ids = api.get("/api/v1/dead-letters?recipe=jobs-mixed").json().path("items").values().stream()
                .map(d -> d.path("id").asString()).toList();
        assertThat(api.delete("/api/v1/dead-letters/" + ids.get(0)).status()).isEqualTo(200);
        healthy.set(true);

        ApiClient.Response started = api.postJson("/api/v1/jobs", Map.of("action", "dead-letters.replay", "ids", ids));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String job = started.json().path("id").asString();
        JsonNode done = await().atMost(Duration.ofSeconds(30)).until(() -> job(job),
                j -> j.path("status").asString().equals("finished"));
        assertThat(done.path("succeeded").asInt()).isEqualTo(4);
        assertThat(done.path("failed").asInt()).isEqualTo(1);
        JsonNode failure = done.path("failures").get(0);
        assertThat(failure.path("targetId").asString()).isEqualTo(ids.get(0));
        assertThat(failure.path("problem").path("status").asInt()).isEqualTo(409);
        assertThat(failure.path("problem").path("detail").asString()).contains("discarded");
        // The original run of a replayed dead letter links to its replay, and the replay back to it.
        JsonNode replayed = api.get("/api/v1/jobs/" + job + "/items?status=succeeded").json().path("items").get(0);
        String original = api.get("/api/v1/dead-letters/" + replayed.path("targetId").asString()).json().path("runId").asString();
        JsonNode originalRun = braid.run(original);
        assertThat(originalRun.path("replays").size()).isEqualTo(1);
        assertThat(originalRun.path("replays").get(0).path("id").asString()).isEqualTo(replayed.path("resultId").asString());
        assertThat(originalRun.path("replays").get(0).path("origin").asString()).isEqualTo("replay");
        assertThat(originalRun.path("children").isArray()).isTrue();
        assertThat(braid.run(replayed.path("resultId").asString()).path("replayOf").asString()).isEqualTo(original);

        // Runs: a job cancelling runs that already ended refuses each with the reason.
        List<String> runs = api.get("/api/v1/runs?recipe=jobs-mixed&status=failed").json().path("items").values().stream()
                .map(r -> r.path("id").asString()).toList();
        ApiClient.Response cancel = api.postJson("/api/v1/jobs", Map.of("action", "runs.cancel", "ids", runs));
        JsonNode cancelled = await().atMost(Duration.ofSeconds(30)).until(() -> job(cancel.json().path("id").asString()),
                j -> j.path("status").asString().equals("finished"));
        assertThat(cancelled.path("failed").asInt()).as("failed runs cannot be cancelled").isEqualTo(runs.size());
        assertThat(cancelled.path("failures").get(0).path("problem").path("detail").asString()).contains("only");
    }

    @Test
    void badRequestsAreProblemsNamingTheField() {
        ApiClient.Response noAction = api.postJson("/api/v1/jobs", Map.of("ids", List.of()));
        assertThat(noAction.status()).isEqualTo(400);
        assertThat(noAction.body()).contains("action").contains("dead-letters.replay");
        ApiClient.Response both = api.postJson("/api/v1/jobs", Map.of("action", "runs.retry", "ids", List.of(),
                "filter", Map.of()));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.body()).contains("not both");
        ApiClient.Response badId = api.postJson("/api/v1/jobs", Map.of("action", "runs.retry", "ids", List.of("nope")));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body()).contains("ids[0]");
        ApiClient.Response nothing = api.postJson("/api/v1/jobs", Map.of("action", "runs.retry",
                "filter", Map.of("recipe", "no-such-recipe-here")));
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.body()).contains("no run matches the filter");
        ApiClient.Response badStatus = api.postJson("/api/v1/jobs", Map.of("action", "runs.retry",
                "filter", Map.of("status", "lost")));
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(api.get("/api/v1/jobs/0190f3a4-7b1c-7d2e-9f00-1234567890ab").status()).isEqualTo(404);
    }

    private JsonNode job(String id) {
        return api.get("/api/v1/jobs/" + id).json();
    }

    private void post(int n, String slug) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String body = "{\"order\":" + i + "}";
                sent.add(pool.submit(() -> braid.webhook(slug, body)));
            }
            for (Future<String> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdown();
        }
    }

    private long openCount(String recipe) {
        return sql.count("select count(*) from dead_letters where recipe = ? and status = 'open'", recipe);
    }

    private String recipe(String slug) {
        return """
                slug: %s
                name: %s
                trigger:
                  webhook: {}
                retry: { maxAttempts: 1 }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s", body: { order: "{{ trigger.body.order }}" } }
                """.formatted(slug, slug, stub.url("/target"));
    }
}
