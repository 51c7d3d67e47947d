package dev.braid.app.queue;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/**
 * Runs that wait without a thread (ARCHITECTURE §3 status {@code waiting}): {@code call:} sub-recipes,
 * {@code core.delay}, and the run {@code onError.notify} starts when one fails.
 */
class WaitsIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(WaitsIT.class);

    @Test
    void aCalledRecipesOutputReachesTheCallerWhichWaitsWithoutAWorker() {
        stub.hold("/price");
        stub.reply("/price", n -> Reply.json(200, "{\"price\": 12.5}"));
        braid.saveRecipe("""
                slug: price-lookup
                name: Price lookup
                trigger:
                  manual: {}
                steps:
                  - id: fetch
                    action: http.request
                    with: { method: POST, url: "%s", body: "{{ trigger.body }}" }
                  - id: answer
                    action: core.transform
                    with: { value: "{{ {'sku': trigger.body.sku, 'price': steps.fetch.output.body.price} }}" }
                """.formatted(stub.url("/price")));
        braid.saveRecipe("""
                slug: order-pricing
                name: Order pricing
                trigger:
                  webhook: {}
                steps:
                  - id: lookup
                    call: price-lookup
                    with: { sku: "{{ trigger.body.sku }}" }
                  - id: total
                    action: core.transform
                    with: { value: "{{ steps.lookup.output.value.price * trigger.body.qty }}" }
                """);
        String parentId = braid.webhook("order-pricing", "{\"sku\": \"A-1\", \"qty\": 4}");

        await().atMost(Duration.ofSeconds(20)).until(() -> stub.received("/price").size() == 1);
        Map<String, Object> parent = await().atMost(Duration.ofSeconds(10))
                .until(() -> row(parentId), r -> "waiting".equals(r.get("status")));
        assertThat(parent.get("wait_reason")).isEqualTo("call");
        assertThat(parent.get("locked_by")).as("a waiting parent holds no worker").isNull();
        Map<String, Object> child = jdbc.sql("""
                select id::text as id, origin, parent_step, status, trigger::text as trigger from runs
                 where parent_run_id = ?::uuid""").param(parentId).query().singleRow();
        assertThat(child.get("origin")).isEqualTo("call");
        assertThat(child.get("parent_step")).isEqualTo("lookup");
        assertThat(child.get("status")).isEqualTo("running");
        assertThat((String) child.get("trigger")).contains("\"sku\": \"A-1\"").contains("\"type\": \"manual\"");

        stub.release("/price");
        braid.awaitStatus(parentId, "succeeded");
        JsonNode run = api.get("/api/v1/runs/" + parentId).json();
        assertThat(run.path("output").path("value").asDouble()).isEqualTo(50.0);
        assertThat(step(run, "lookup").path("status").asString()).isEqualTo("succeeded");
        assertThat(step(run, "lookup").path("output").path("value").path("price").asDouble()).isEqualTo(12.5);
        assertThat(stub.received("/price")).hasSize(1);
        assertThat(stub.received("/price").getFirst().idempotencyKey()).isEqualTo(child.get("id") + "/fetch");
        // The parent's answer links to its call: child (the run page's "Called" links).
        assertThat(run.path("children").size()).isEqualTo(1);
        assertThat(run.path("children").get(0).path("id").asString()).isEqualTo(child.get("id"));
        assertThat(run.path("children").get(0).path("recipe").asString()).isEqualTo("price-lookup");
        assertThat(run.path("children").get(0).path("status").asString()).isEqualTo("succeeded");
        assertThat(run.path("replays").size()).isZero();
    }

    @Test
    void aFailedChildFailsTheCallStepUnlessItContinues() {
        stub.reply("/broken", n -> Reply.json(500, "{\"error\": \"down\"}"));
        braid.saveRecipe("""
                slug: broken-child
                name: Broken child
                trigger:
                  manual: {}
                retry: { maxAttempts: 1 }
                steps:
                  - id: fetch
                    action: http.request
                    with: { method: GET, url: "%s" }
                """.formatted(stub.url("/broken")));
        braid.saveRecipe("""
                slug: strict-parent
                name: Strict parent
                trigger:
                  webhook: {}
                steps:
                  - id: sub
                    call: broken-child
                """);
        braid.saveRecipe("""
                slug: lenient-parent
                name: Lenient parent
                trigger:
                  webhook: {}
                steps:
                  - id: sub
                    call: broken-child
                    onError: continue
                  - id: after
                    action: core.transform
                    with: { value: "{{ steps.sub.output.error.type }}" }
                """);

        String strict = braid.webhook("strict-parent", "{}");
        braid.awaitStatus(strict, "failed");
        JsonNode failed = api.get("/api/v1/runs/" + strict).json();
        assertThat(failed.path("error").path("type").asString()).isEqualTo("call.failed");
        assertThat(failed.path("error").path("message").asString()).contains("broken-child").contains("http.status");
        assertThat(failed.path("deadLetterId").isNull()).isFalse();

        String lenient = braid.webhook("lenient-parent", "{}");
        braid.awaitStatus(lenient, "succeeded");
        assertThat(api.get("/api/v1/runs/" + lenient).json().path("output").path("value").asString()).isEqualTo("call.failed");
    }

    @Test
    void onlyRecipesWithAManualTriggerCanBeCalled() {
        braid.saveRecipe("""
                slug: hook-only
                name: Hook only
                trigger:
                  webhook: {}
                steps:
                  - id: noop
                    action: core.log
                    with: { message: hi }
                """);
        braid.saveRecipe("""
                slug: calls-a-webhook-recipe
                name: Calls a webhook recipe
                trigger:
                  webhook: {}
                steps:
                  - id: sub
                    call: hook-only
                """);
        String runId = braid.webhook("calls-a-webhook-recipe", "{}");
        braid.awaitStatus(runId, "failed");
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("error").path("type").asString()).isEqualTo("call.refused");
        assertThat(run.path("error").path("message").asString()).contains("manual trigger");
        assertThat(jdbc.sql("select count(*) from runs where parent_run_id = ?::uuid").param(runId).query(Integer.class).single())
                .isZero();
    }

    @Test
    void aFailedRunNotifiesTheRecipeNamedInOnErrorWithTheFailure() {
        stub.reply("/rejects", n -> Reply.json(422, "{\"error\": \"bad order\"}"));
        braid.saveRecipe("""
                slug: ops-alerts
                name: Ops alerts
                trigger:
                  manual: {}
                steps:
                  - id: note
                    action: core.log
                    with: { message: "{{ 'Run ' & trigger.body.run.id & ' failed at ' & trigger.body.step }}", level: warn }
                """);
        braid.saveRecipe("""
                slug: notifying-sync
                name: Notifying sync
                trigger:
                  webhook: {}
                onError:
                  notify: { recipe: ops-alerts }
                steps:
                  - id: push
                    action: http.request
                    with: { method: POST, url: "%s", body: "{{ trigger.body }}" }
                """.formatted(stub.url("/rejects")));

        String failedId = braid.webhook("notifying-sync", "{\"order\": 99}");
        braid.awaitStatus(failedId, "failed");
        String deadLetterId = api.get("/api/v1/runs/" + failedId).json().path("deadLetterId").asString();

        List<Map<String, Object>> notified = await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("""
                select id::text as id, origin, status, trigger::text as trigger from runs where recipe = 'ops-alerts'""")
                .query().listOfRows(), rows -> rows.size() == 1 && "succeeded".equals(rows.getFirst().get("status")));
        Map<String, Object> alert = notified.getFirst();
        assertThat(alert.get("origin")).isEqualTo("notify");
        JsonNode body = api.get("/api/v1/runs/" + alert.get("id")).json();
        JsonNode trigger = jdbc.sql("select trigger::text from runs where id = ?::uuid").param(alert.get("id"))
                .query(String.class).optional().map(tools.jackson.databind.json.JsonMapper.shared()::readTree).orElseThrow();
        JsonNode failure = trigger.path("body");
        assertThat(failure.path("run").path("id").asString()).isEqualTo(failedId);
        assertThat(failure.path("run").path("recipe").asString()).isEqualTo("notifying-sync");
        assertThat(failure.path("step").asString()).isEqualTo("push");
        assertThat(failure.path("error").path("type").asString()).isEqualTo("http.status");
        assertThat(failure.path("payload").path("order").asInt()).isEqualTo(99);
        assertThat(failure.path("deadLetterId").asString()).isEqualTo(deadLetterId);
        assertThat(body.path("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void aDelayWaitsInTheQueueNotInAThread() {
        braid.saveRecipe("""
                slug: delay-three
                name: Delay three seconds
                trigger:
                  webhook: {}
                steps:
                  - id: pause
                    action: core.delay
                    with: { duration: 3s }
                  - id: after
                    action: core.log
                    with: { message: resumed }
                """);
        Instant posted = Instant.now();
        String runId = braid.webhook("delay-three", "{}");
        Map<String, Object> waiting = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> row(runId), r -> "waiting".equals(r.get("status")));
        assertThat(waiting.get("wait_reason")).isEqualTo("delay");
        assertThat(waiting.get("locked_by")).isNull();
        Instant due = ((java.sql.Timestamp) waiting.get("next_attempt_at")).toInstant();
        assertThat(Duration.between(posted, due)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5));

        braid.awaitStatus(runId, "succeeded");
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        Instant resumedAt = Instant.parse(step(run, "after").path("startedAt").asString());
        log.info("core.delay 3s: due at {}, next step started {} ms after the webhook", due,
                Duration.between(posted, resumedAt).toMillis());
        assertThat(resumedAt).isAfterOrEqualTo(due);
        assertThat(step(run, "pause").path("attempts").asInt()).isEqualTo(1);
        assertThat(step(run, "pause").path("output").path("waited").asString()).isEqualTo("3s");
    }

    @Test
    void aCallThatOutlivesItsTimeoutFailsTheStepAndCancelsTheChild() {
        braid.saveRecipe("""
                slug: slow-child
                name: Slow child
                trigger:
                  manual: {}
                steps:
                  - id: pause
                    action: core.delay
                    with: { duration: 60s }
                """);
        braid.saveRecipe("""
                slug: impatient
                name: Impatient caller
                trigger:
                  webhook: {}
                steps:
                  - id: slow
                    call: slow-child
                    timeout: 2s
                """);
        Instant posted = Instant.now();
        String parentId = braid.webhook("impatient", "{}");

        braid.awaitStatus(parentId, "failed");
        Duration took = Duration.between(posted, Instant.now());
        JsonNode run = api.get("/api/v1/runs/" + parentId).json();
        String childId = jdbc.sql("select id::text from runs where parent_run_id = ?::uuid").param(parentId)
                .query(String.class).single();
        log.info("call timeout 2s: the caller failed {} ms after the webhook; child {} is {}", took.toMillis(), childId,
                row(childId).get("status"));
        assertThat(run.path("error").path("type").asString()).isEqualTo("call.timeout");
        assertThat(run.path("error").path("message").asString()).contains("2s").contains(childId);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(10));
        assertThat(row(childId).get("status")).isEqualTo("cancelled");
    }

    private Map<String, Object> row(String runId) {
        return jdbc.sql("select status, wait_reason, next_attempt_at, locked_by from runs where id = ?::uuid")
                .param(runId).query().singleRow();
    }
}
