package dev.braid.app.queue;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import tools.jackson.databind.JsonNode;

/** The durable queue: NOTIFY wake-up, checkpoints, lease takeover, and HTTP retries through real targets. */
class RunQueueIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(RunQueueIT.class);

    @Autowired
    RunStore runs;

    @Autowired
    BraidProperties properties;

    @Test
    void aQueuedRunIsWokenByNotifyLongBeforeTheNextPoll() {
        // A manual run is queued (no fast path): only the trigger's NOTIFY, heard on LISTEN, wakes the
        // worker before its next poll, which the shared context puts 60 s away. Each run is queued after
        // the previous one ended, so no finished run's own wake-up is pending when it arrives.
        Duration poll = properties.worker().pollInterval();
        assertThat(poll).as("the fallback poll this test must beat").isGreaterThanOrEqualTo(Duration.ofSeconds(60));
        Duration longBeforeAPoll = poll.dividedBy(10);
        List<Long> waits = new java.util.ArrayList<>();
        create("notify-quick", """
                  - id: one
                    action: core.transform
                    with: { value: 1 }
                """);
        for (int i = 0; i < 5; i++) {
            String runId = braid.startRun("notify-quick", "{\"i\":" + i + "}");
            // Fails (times out) when nothing but the poll would wake the worker.
            braid.awaitStatus(runId, "succeeded", longBeforeAPoll);
            Map<String, Object> times = jdbc.sql("""
                    select created_at, started_at, extract(epoch from (started_at - created_at)) * 1000 as wait_ms
                      from runs where id = ?::uuid""").param(runId).query().singleRow();
            Duration waited = Duration.ofMillis(((Number) times.get("wait_ms")).longValue());
            assertThat((java.sql.Timestamp) times.get("started_at")).as("queued first, then claimed (not the webhook fast path)")
                    .isAfter((java.sql.Timestamp) times.get("created_at"));
            assertThat(waited).as("queued to started, from the run's recorded times").isLessThan(longBeforeAPoll);
            waits.add(waited.toMillis());
        }
        log.info("Queued manual runs started {} ms after they were queued (poll interval {})", waits, poll);
    }

    @Test
    void aWebhookRunStartsAtOnceOnTheFastPathWhilePollingIsSetTo60Seconds() {
        // A webhook's run is inserted already leased to this node and started without a claim.
        create("fast-path", """
                  - id: one
                    action: core.transform
                    with: { value: 1 }
                """);
        for (int i = 0; i < 5; i++) {
            String runId = braid.webhook("fast-path", "{\"i\":" + i + "}");
            await().atMost(Duration.ofSeconds(5)).until(() -> "succeeded".equals(sql.runStatus(runId)));
            Map<String, Object> times = jdbc.sql("""
                    select extract(epoch from (started_at - created_at)) * 1000 as wait_ms from runs where id = ?::uuid""")
                    .param(runId).query().singleRow();
            assertThat(((Number) times.get("wait_ms")).doubleValue()).isLessThan(1000.0);
        }
    }

    @Test
    void aCheckpointedStepIsVisibleWhileTheNextStepIsStillRunning() {
        stub.hold("/slow");
        create("checkpoints", """
                  - id: first
                    action: http.request
                    with: { method: POST, url: "%s", body: { step: 1 } }
                  - id: second
                    action: http.request
                    with: { method: POST, url: "%s", body: { step: 2 } }
                """.formatted(stub.url("/fast"), stub.url("/slow")));
        String runId = braid.webhook("checkpoints", "{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> stub.received("/slow").size() == 1);
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("status").asString()).isEqualTo("running");
        JsonNode first = step(run, "first");
        assertThat(first.path("status").asString()).isEqualTo("succeeded");
        assertThat(first.path("output").path("status").asInt()).isEqualTo(200);
        assertThat(first.path("output").path("body").path("ok").asBoolean()).isTrue();
        assertThat(step(run, "second").path("status").asString()).isEqualTo("running");

        stub.release("/slow");
        await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(sql.runStatus(runId)));
        // The step idempotency key reached the target: <run id>/<step path>.
        assertThat(stub.received("/fast").getFirst().idempotencyKey()).isEqualTo(runId + "/first");
        assertThat(stub.received("/slow").getFirst().idempotencyKey()).isEqualTo(runId + "/second");
    }

    @Test
    void aRunWhoseLeaseExpiredIsTakenOverByAnotherWorker() {
        create("takeover", """
                  - id: work
                    action: http.request
                    with: { method: POST, url: "%s" }
                """.formatted(stub.url("/work")));
        // Stop every worker from seeing the run first: enqueue it as already claimed by a node that then "dies".
        String runId = jdbc.sql("""
                insert into runs (id, recipe, recipe_version, status, origin, trigger, attempt, locked_by, locked_until, started_at)
                values (gen_random_uuid(), 'takeover', 1, 'running', 'manual', '{"type":"manual","body":null}'::jsonb, 1,
                        'dead-node', now() + interval '2 seconds', now())
                returning id""").query(String.class).single();
        assertThat(sql.runStatus(runId)).isEqualTo("running");
        await().atMost(Duration.ofSeconds(20)).until(() -> "succeeded".equals(sql.runStatus(runId)));
        RunRow row = runs.find(java.util.UUID.fromString(runId)).orElseThrow();
        assertThat(row.attempt()).isEqualTo(2);
        assertThat(row.lockedBy()).isNull();
        assertThat(stub.received("/work")).hasSize(1);
    }

    @Test
    void aRetryableFailureIsRetriedWithTheSameIdempotencyKeyAndAFatalOneIsDeadLettered() {
        stub.reply("/flaky", n -> n < 3 ? StubServer.Reply.json(503, "{\"busy\":true}") : StubServer.Reply.json(200, "{\"done\":true}"));
        stub.reply("/missing", n -> StubServer.Reply.json(404, "{\"error\":\"no such thing\"}"));
        create("retry-http", """
                  - id: call
                    action: http.request
                    retry: { maxAttempts: 4, initialDelay: 200ms, multiplier: 2 }
                    with: { method: POST, url: "%s" }
                """.formatted(stub.url("/flaky")));
        String runId = braid.webhook("retry-http", "{}");
        await().atMost(Duration.ofSeconds(20)).until(() -> "succeeded".equals(sql.runStatus(runId)));
        List<StubServer.Received> calls = stub.received("/flaky");
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(StubServer.Received::idempotencyKey).containsOnly(runId + "/call");
        JsonNode call = step(api.get("/api/v1/runs/" + runId).json(), "call");
        assertThat(call.path("attempts").asInt()).isEqualTo(3);
        assertThat(call.path("output").path("body").path("done").asBoolean()).isTrue();

        create("fatal-http", """
                  - id: call
                    action: http.request
                    with: { method: GET, url: "%s" }
                """.formatted(stub.url("/missing")));
        String failedId = braid.webhook("fatal-http", "{\"order\":1}");
        await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(sql.runStatus(failedId)));
        assertThat(stub.received("/missing")).hasSize(1);
        JsonNode failed = api.get("/api/v1/runs/" + failedId).json();
        assertThat(failed.path("error").path("type").asString()).isEqualTo("http.status");
        assertThat(failed.path("error").path("message").asString()).contains("404");
        assertThat(step(failed, "call").path("status").asString()).isEqualTo("failed");
        Map<String, Object> deadLetter = jdbc.sql("select step, status, payload::text as payload from dead_letters where run_id = ?::uuid")
                .param(failedId).query().singleRow();
        assertThat(deadLetter.get("step")).isEqualTo("call");
        assertThat(deadLetter.get("status")).isEqualTo("open");
        assertThat((String) deadLetter.get("payload")).contains("\"order\": 1");
    }

    private void create(String slug, String steps) {
        braid.saveRecipe("""
                slug: %s
                name: %s
                trigger:
                  webhook: {}
                steps:
                %s""".formatted(slug, slug, steps));
    }
}
