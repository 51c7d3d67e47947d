package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/**
 * Dead letters end to end (ARCHITECTURE §3, §4): listed with filters and paging, replayed from the failed
 * step or from the trigger, with an edited payload, onto another version, in bulk, discarded.
 */
class DeadLettersIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(DeadLettersIT.class);

    /** The target's health: false answers 500. */
    final AtomicBoolean healthy = new AtomicBoolean(false);

    @BeforeEach
    void setUp() {
        stub.reply("/one", n -> Reply.json(200, "{\"one\":true}"));
        stub.reply("/two", n -> healthy.get() ? Reply.json(200, "{\"two\":true}") : Reply.json(500, "{\"down\":true}"));
    }

    @Test
    void deadLettersAreListedWithFiltersAndPagesAndADiscardedOneStaysListed() {
        braid.saveRecipe(yaml("dl-list", twoSteps()));
        for (int i = 0; i < 3; i++) {
            braid.webhook("dl-list", "{\"order\":" + i + "}");
        }
        awaitOpen("dl-list", 3);

        JsonNode first = api.get("/api/v1/dead-letters?recipe=dl-list&limit=2").json();
        assertThat(first.path("items").size()).isEqualTo(2);
        assertThat(first.path("nextCursor").asString()).isNotEmpty();
        JsonNode item = first.path("items").get(0);
        assertThat(item.path("recipe").asString()).isEqualTo("dl-list");
        assertThat(item.path("step").asString()).isEqualTo("two");
        assertThat(item.path("status").asString()).isEqualTo("open");
        assertThat(item.path("error").path("type").asString()).isEqualTo("http.status");
        assertThat(item.path("payload").path("body").has("order")).isTrue();
        assertThat(item.path("replays").isArray()).isTrue();
        assertThat(item.path("replayRunId").isNull()).isTrue();
        JsonNode second = api.get("/api/v1/dead-letters?recipe=dl-list&limit=2&cursor="
                + first.path("nextCursor").asString()).json();
        assertThat(second.path("items").size()).isEqualTo(1);
        assertThat(second.path("nextCursor").isNull()).isTrue();
        assertThat(api.get("/api/v1/dead-letters?recipe=dl-list&errorType=http.status").json().path("items").size())
                .isEqualTo(3);
        assertThat(api.get("/api/v1/dead-letters?recipe=dl-list&errorType=http.timeout").json().path("items").size())
                .isZero();
        assertThat(api.get("/api/v1/dead-letters?recipe=dl-list&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z")
                .json().path("items").size()).isZero();

        ApiClient.Response bad = api.get("/api/v1/dead-letters?status=lost");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("status").contains("open, replayed, discarded");
        assertThat(api.get("/api/v1/dead-letters?from=yesterday").body()).contains("from");
        assertThat(api.get("/api/v1/dead-letters?limit=501").status()).isEqualTo(400);

        String id = item.path("id").asString();
        ApiClient.Response discarded = api.delete("/api/v1/dead-letters/" + id);
        assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
        assertThat(discarded.json().path("status").asString()).isEqualTo("discarded");
        assertThat(api.delete("/api/v1/dead-letters/" + id).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/dead-letters/" + id).json().path("status").asString()).isEqualTo("discarded");
        assertThat(api.get("/api/v1/dead-letters?recipe=dl-list").json().path("items").size()).isEqualTo(3);
        assertThat(api.get("/api/v1/dead-letters?recipe=dl-list&status=discarded").json().path("items").size())
                .isEqualTo(1);
        ApiClient.Response replayDiscarded = api.postJson("/api/v1/dead-letters/" + id + "/replay", "{}");
        assertThat(replayDiscarded.status()).as(replayDiscarded.body()).isEqualTo(409);
        assertThat(api.get("/api/v1/dead-letters/0190f3a4-7b1c-7d2e-9f00-1234567890ab").status()).isEqualTo(404);
    }

    @Test
    void aReplayFromTheFailedStepSkipsFinishedStepsAndOneFromTheTriggerRunsThemAgain() {
        braid.saveRecipe(yaml("dl-resume", twoSteps()));
        String original = braid.webhook("dl-resume", "{\"order\":7}");
        JsonNode dead = awaitOpen("dl-resume", 1).getFirst();
        assertThat(stub.received("/one")).hasSize(1);
        assertThat(stub.received("/two")).hasSize(1);
        healthy.set(true);

        ApiClient.Response resumed = api.postJson("/api/v1/dead-letters/" + dead.path("id").asString() + "/replay", "{}");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
        String resumedRun = resumed.json().path("runId").asString();
        JsonNode run = braid.awaitStatus(resumedRun, "succeeded");
        assertThat(stub.received("/one")).as("step one is not called again").hasSize(1);
        assertThat(stub.received("/two")).hasSize(2);
        assertThat(run.path("origin").asString()).isEqualTo("replay");
        assertThat(run.path("replayOf").asString()).isEqualTo(original);
        JsonNode replayed = api.get("/api/v1/dead-letters/" + dead.path("id").asString()).json();
        assertThat(replayed.path("status").asString()).isEqualTo("replayed");
        assertThat(replayed.path("replayRunId").asString()).isEqualTo(resumedRun);
        assertThat(replayed.path("replays").get(0).path("from").asString()).isEqualTo("failed-step");
        assertThat(replayed.path("replays").get(0).path("by").asString()).isEqualTo("admin");

        ApiClient.Response fromTrigger = api.postJson("/api/v1/dead-letters/" + dead.path("id").asString() + "/replay",
                "{\"from\":\"trigger\"}");
        assertThat(fromTrigger.status()).as(fromTrigger.body()).isEqualTo(202);
        braid.awaitStatus(fromTrigger.json().path("runId").asString(), "succeeded");
        assertThat(stub.received("/one")).as("step one runs again from the trigger").hasSize(2);
        JsonNode twice = api.get("/api/v1/dead-letters/" + dead.path("id").asString()).json();
        assertThat(twice.path("replays").size()).isEqualTo(2);
        assertThat(twice.path("replayRunId").asString()).isEqualTo(fromTrigger.json().path("runId").asString());
        assertThat(api.postJson("/api/v1/dead-letters/" + dead.path("id").asString() + "/replay",
                "{\"from\":\"middle\"}").status()).isEqualTo(400);
    }

    @Test
    void anEditedPayloadReplacesTheTriggerBody() {
        braid.saveRecipe(yaml("dl-edit", twoSteps()));
        braid.webhook("dl-edit", "{\"order\":7}");
        JsonNode dead = awaitOpen("dl-edit", 1).getFirst();
        healthy.set(true);

        ApiClient.Response replay = api.postJson("/api/v1/dead-letters/" + dead.path("id").asString() + "/replay",
                "{\"from\":\"trigger\",\"payload\":{\"order\":99}}");
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        braid.awaitStatus(replay.json().path("runId").asString(), "succeeded");
        assertThat(stub.received("/two").getLast().body()).contains("99");
        assertThat(stub.received("/two").getFirst().body()).contains("7");
    }

    @Test
    void resumingOntoAVersionWithoutTheFailedStepIsAConflictNamingTheStep() {
        braid.saveRecipe(yaml("dl-version", twoSteps()));
        braid.webhook("dl-version", "{\"order\":1}");
        JsonNode dead = awaitOpen("dl-version", 1).getFirst();
        ApiClient.Response saved = api.put("/api/v1/recipes/dl-version", "application/yaml", yaml("dl-version", """
                steps:
                  - id: one
                    action: http.request
                    with: { method: POST, url: "%s" }
                """.formatted(stub.url("/one"))));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);

        String path = "/api/v1/dead-letters/" + dead.path("id").asString() + "/replay";
        ApiClient.Response refused = api.postJson(path, "{}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("'two'").contains("Version 2").contains("trigger");
        assertThat(api.postJson(path, "{\"version\":9}").status()).isEqualTo(404);
        ApiClient.Response onOld = api.postJson(path, "{\"version\":1}");
        assertThat(onOld.status()).as(onOld.body()).isEqualTo(202);
        ApiClient.Response fromTrigger = api.postJson(path, "{\"from\":\"trigger\"}");
        assertThat(fromTrigger.status()).as(fromTrigger.body()).isEqualTo(202);
        JsonNode run = braid.awaitStatus(fromTrigger.json().path("runId").asString(), "succeeded");
        assertThat(run.path("recipeVersion").asInt()).isEqualTo(2);
    }

    @Test
    void aHundredDeadLettersAreReplayedInBulkOnceTheTargetRecovers() {
        braid.saveRecipe(yaml("dl-bulk", twoSteps()));
        for (int i = 0; i < 100; i++) {
            braid.webhook("dl-bulk", "{\"order\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> openCount("dl-bulk") == 100);
        healthy.set(true);

        long started = System.nanoTime();
        ApiClient.Response bulk = api.postJson("/api/v1/dead-letters/replay",
                "{\"filter\":{\"recipe\":\"dl-bulk\"},\"limit\":1000}");
        long accepted = System.nanoTime();
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(202);
        assertThat(bulk.json().path("replayed").asInt()).isEqualTo(100);
        assertThat(bulk.json().path("skipped").size()).isZero();
        await().atMost(Duration.ofSeconds(120)).until(() -> jdbc.sql("""
                select count(*) from runs where recipe = 'dl-bulk' and origin = 'replay' and status = 'succeeded'""")
                .query(Long.class).single() == 100);
        long done = System.nanoTime();
        log.info("Bulk replay of 100 dead letters: request answered in {} ms, all 100 runs succeeded after {} ms",
                (accepted - started) / 1_000_000, (done - started) / 1_000_000);

        assertThat(openCount("dl-bulk")).isZero();
        List<Map<String, Object>> rows = jdbc.sql("""
                select d.status, jsonb_array_length(d.replays) as n, r.status as run_status, r.replay_of = d.run_id as linked
                  from dead_letters d join runs r on r.id = (d.replays -> 0 ->> 'runId')::uuid
                 where d.recipe = 'dl-bulk'""").query().listOfRows();
        assertThat(rows).hasSize(100);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("status")).isEqualTo("replayed");
            assertThat(((Number) r.get("n")).intValue()).isEqualTo(1);
            assertThat(r.get("run_status")).isEqualTo("succeeded");
            assertThat(r.get("linked")).isEqualTo(true);
        });
        Set<String> runIds = new HashSet<>();
        bulk.json().path("runs").values().forEach(r -> runIds.add(r.path("runId").asString()));
        assertThat(runIds).hasSize(100);
    }

    private String twoSteps() {
        return """
                retry: { maxAttempts: 1 }
                steps:
                  - id: one
                    action: http.request
                    with: { method: POST, url: "%s" }
                  - id: two
                    action: http.request
                    with: { method: POST, url: "%s", body: { order: "{{ trigger.body.order }}" } }
                """.formatted(stub.url("/one"), stub.url("/two"));
    }

    private static String yaml(String slug, String body) {
        return """
                slug: %s
                name: %s
                trigger:
                  webhook: {}
                """.formatted(slug, slug) + body;
    }

    private long openCount(String recipe) {
        return sql.count("select count(*) from dead_letters where recipe = ? and status = 'open'", recipe);
    }

    private List<JsonNode> awaitOpen(String recipe, int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> openCount(recipe) == n);
        return api.get("/api/v1/dead-letters?status=open&recipe=" + recipe).json().path("items").values().stream()
                .toList();
    }
}
