package dev.braid.app.triggers.webhook;

import static dev.braid.app.support.Braid.stepsByPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** The webhook path end to end over real HTTP and the real database: recipe in, webhook, durable run out. */
class WebhookIngressIT extends BraidIntegrationTest {

    static final String ORDER_RECIPE = """
            slug: %s
            name: Order intake
            trigger:
              webhook: {}
            steps:
              - id: total
                action: core.transform
                with:
                  value: "{{ $sum(trigger.body.items.(qty * price)) }}"
              - id: lines
                foreach: "trigger.body.items"
                as: line
                steps:
                  - id: describe
                    action: core.transform
                    with:
                      value: "{{ line.sku }} x{{ line.qty }}"
              - id: big
                if: "steps.total.output.value > 100"
                then:
                  - id: alert
                    action: core.log
                    with: { message: "big order {{ trigger.body.id }}", level: warn }
                else:
                  - id: note
                    action: core.log
                    with: { message: "small order {{ trigger.body.id }}" }
              - id: done
                stop:
                  output: "{{ {'order': trigger.body.id, 'total': steps.total.output.value} }}"
            """;

    @Test
    void aWebhookBecomesADurableRunWithEveryStepsInputAndOutput() {
        braid.saveRecipe(ORDER_RECIPE.formatted("order-intake"));

        ApiClient.Response accepted = anonymous.postJson("/hooks/order-intake", Map.of("id", "A-1", "items", java.util.List.of(
                Map.of("sku", "apple", "qty", 2, "price", 30),
                Map.of("sku", "pear", "qty", 1, "price", 50),
                Map.of("sku", "fig", "qty", 3, "price", 10))));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("duplicate").asBoolean()).isFalse();
        assertThat(accepted.json().path("eventId").asString()).isNotBlank();
        String runId = accepted.json().path("runId").asString();

        JsonNode run = braid.awaitStatus(runId, "succeeded");
        assertThat(run.path("recipe").asString()).isEqualTo("order-intake");
        assertThat(run.path("origin").asString()).isEqualTo("trigger");
        assertThat(run.path("output").path("order").asString()).isEqualTo("A-1");
        assertThat(run.path("output").path("total").asInt()).isEqualTo(140);

        Map<String, JsonNode> steps = stepsByPath(run);
        assertThat(steps.keySet()).containsExactlyInAnyOrder("total", "lines[0].describe", "lines[1].describe",
                "lines[2].describe", "lines", "big.alert", "big", "done");
        assertThat(steps.get("total").path("input").path("value").asInt()).isEqualTo(140);
        assertThat(steps.get("total").path("output").path("value").asInt()).isEqualTo(140);
        assertThat(steps.get("lines[1].describe").path("output").path("value").asString()).isEqualTo("pear x1");
        assertThat(steps.get("lines[2].describe").path("input").path("value").asString()).isEqualTo("fig x3");
        assertThat(steps.get("lines").path("output").size()).isEqualTo(3);
        assertThat(steps.get("big.alert").path("output").path("message").asString()).isEqualTo("big order A-1");
        assertThat(steps.get("big").path("output").path("branch").asString()).isEqualTo("then");
        steps.values().forEach(s -> {
            assertThat(s.path("status").asString()).isEqualTo("succeeded");
            assertThat(s.path("startedAt").isNull()).isFalse();
            assertThat(s.path("finishedAt").isNull()).isFalse();
        });

        JsonNode logs = api.get("/api/v1/runs/" + runId + "/logs").json();
        assertThat(logs.path("items").toString()).contains("big order A-1");
    }

    @Test
    void theElseBranchRunsWhenTheConditionIsFalse() {
        api.postYaml("/api/v1/recipes", ORDER_RECIPE.formatted("order-small"));
        String runId = anonymous.postJson("/hooks/order-small", Map.of("id", "B-2", "items",
                java.util.List.of(Map.of("sku", "nut", "qty", 1, "price", 5)))).json().path("runId").asString();
        Map<String, JsonNode> steps = stepsByPath(braid.awaitStatus(runId, "succeeded"));
        assertThat(steps).containsKey("big.note").doesNotContainKey("big.alert");
        assertThat(steps.get("big").path("output").path("branch").asString()).isEqualTo("else");
        assertThat(steps.get("big.note").path("output").path("message").asString()).isEqualTo("small order B-2");
    }

    @Test
    void aDuplicateWebhookAnswersTheFirstRunAndCreatesNoRun() {
        api.postYaml("/api/v1/recipes", """
                slug: dedupe-by-header
                name: Dedupe
                trigger:
                  webhook: {}
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """);
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "evt-42");
        ApiClient.Response first = anonymous.post("/hooks/dedupe-by-header", headers, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        ApiClient.Response second = anonymous.post("/hooks/dedupe-by-header", headers, "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.json().path("duplicate").asBoolean()).isTrue();
        assertThat(second.json().path("runId").asString()).isEqualTo(first.json().path("runId").asString());
        assertThat(second.json().path("eventId").asString()).isEqualTo(first.json().path("eventId").asString());
        assertThat(sql.runCount("dedupe-by-header")).isEqualTo(1);

        // Without a header or expression the body's hash is the key: same body, same run.
        ApiClient.Response a = anonymous.postJson("/hooks/dedupe-by-header", "{\"same\":true}");
        ApiClient.Response b = anonymous.postJson("/hooks/dedupe-by-header", "{\"same\":true}");
        assertThat(b.json().path("duplicate").asBoolean()).isTrue();
        assertThat(b.json().path("runId").asString()).isEqualTo(a.json().path("runId").asString());
        assertThat(sql.runCount("dedupe-by-header")).isEqualTo(2);
    }

    @Test
    void theRecipesIdempotencyExpressionComesFirst() {
        api.postYaml("/api/v1/recipes", """
                slug: dedupe-by-expression
                name: Dedupe by order id
                trigger:
                  webhook:
                    idempotencyKey: "trigger.body.orderId"
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body.note }}" }
                """);
        String first = braid.webhook("dedupe-by-expression", "{\"orderId\":7,\"note\":\"a\"}");
        ApiClient.Response again = anonymous.postJson("/hooks/dedupe-by-expression", "{\"orderId\":7,\"note\":\"b\"}");
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(again.json().path("runId").asString()).isEqualTo(first);
        assertThat(anonymous.postJson("/hooks/dedupe-by-expression", "{\"orderId\":8}").json().path("duplicate").asBoolean()).isFalse();
        assertThat(sql.runCount("dedupe-by-expression")).isEqualTo(2);
    }

    @Test
    void formAndTextBodiesAndTheQueryReachTheTrigger() {
        api.postYaml("/api/v1/recipes", """
                slug: body-kinds
                name: Body kinds
                trigger:
                  webhook: {}
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ {'body': trigger.body, 'q': trigger.query.source, 'ua': trigger.headers.'x-sender'} }}" }
                """);
        String form = anonymous.post("/hooks/body-kinds?source=shop", Map.of("Content-Type", "application/x-www-form-urlencoded",
                "X-Sender", "tests"), "a=1&b=2&b=3".getBytes(StandardCharsets.UTF_8)).json().path("runId").asString();
        JsonNode formValue = braid.awaitStatus(form, "succeeded").path("output").path("value");
        assertThat(formValue.path("body").path("a").asString()).isEqualTo("1");
        assertThat(formValue.path("body").path("b").size()).isEqualTo(2);
        assertThat(formValue.path("q").asString()).isEqualTo("shop");
        assertThat(formValue.path("ua").asString()).isEqualTo("tests");

        String text = anonymous.post("/hooks/body-kinds", "text/plain", "hello there").json().path("runId").asString();
        assertThat(braid.awaitStatus(text, "succeeded").path("output").path("value").path("body").asString()).isEqualTo("hello there");
    }

    @Test
    void badRequestsGetProblemDetailsAndWriteNothing() {
        api.postYaml("/api/v1/recipes", """
                slug: strict-hook
                name: Strict
                trigger:
                  webhook: {}
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """);
        ApiClient.Response unknown = anonymous.postJson("/hooks/no-such-recipe", "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("content-type")).contains("application/problem+json");
        assertThat(unknown.json().path("detail").asString()).contains("no-such-recipe");

        ApiClient.Response malformed = anonymous.post("/hooks/strict-hook", "application/json", "{\"a\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("detail").asString()).contains("not valid JSON");

        assertThat(anonymous.post("/hooks/strict-hook", "application/xml", "<a/>").status()).isEqualTo(415);

        byte[] huge = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(huge, (byte) 'a');
        ApiClient.Response tooLarge = anonymous.post("/hooks/strict-hook", Map.of("Content-Type", "text/plain"), huge);
        assertThat(tooLarge.status()).isEqualTo(413);

        assertThat(api.post("/api/v1/recipes/strict-hook/disable", "application/json", "").status()).isEqualTo(200);
        ApiClient.Response disabled = anonymous.postJson("/hooks/strict-hook", "{}");
        assertThat(disabled.status()).isEqualTo(409);
        assertThat(disabled.json().path("detail").asString()).contains("disabled");

        assertThat(sql.runCount("strict-hook")).isZero();
        assertThat(sql.count("select count(*) from trigger_events where recipe = 'strict-hook'")).isZero();
    }

    @Test
    void syncModeAnswersWithTheRunOutputOrA502() {
        api.postYaml("/api/v1/recipes", """
                slug: sync-hook
                name: Sync
                trigger:
                  webhook:
                    respond: { mode: sync, timeout: 10s }
                steps:
                  - id: check
                    if: "trigger.body.ok"
                    then:
                      - id: fine
                        stop:
                          output: "{{ {'greeting': 'hi ' & trigger.body.name} }}"
                  - id: broken
                    fail:
                      message: "not ok: {{ trigger.body.name }}"
                """);
        ApiClient.Response ok = anonymous.postJson("/hooks/sync-hook", "{\"ok\":true,\"name\":\"Ada\"}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("status").asString()).isEqualTo("succeeded");
        assertThat(ok.json().path("output").path("greeting").asString()).isEqualTo("hi Ada");

        ApiClient.Response failed = anonymous.postJson("/hooks/sync-hook", "{\"ok\":false,\"name\":\"Bob\"}");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.header("content-type")).contains("application/problem+json");
        assertThat(failed.json().path("detail").asString()).contains("not ok: Bob");
        JsonNode failedRun = api.get("/api/v1/runs/" + failed.json().path("runId").asString()).json();
        assertThat(failedRun.path("status").asString()).isEqualTo("failed");
        assertThat(failedRun.path("deadLetterId").isNull()).isFalse();
    }

    @Test
    void aSignedWebhookIsCheckedWhenTheRecipeHasASecret() {
        api.postYaml("/api/v1/recipes", """
                slug: signed-hook
                name: Signed
                trigger:
                  webhook:
                    secret: "s3cr3t"
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """);
        byte[] body = "{\"signed\":true}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        String valid = "t=" + now + ",sha256=" + "00".repeat(32) + "," + WebhookSignature.sign("s3cr3t", now, body).split(",")[1];
        assertThat(anonymous.post("/hooks/signed-hook", Map.of("Content-Type", "application/json",
                WebhookSignature.HEADER, valid), body).status()).isEqualTo(202);
        assertThat(anonymous.post("/hooks/signed-hook", Map.of("Content-Type", "application/json",
                WebhookSignature.HEADER, WebhookSignature.sign("wrong", now, body)), body).status()).isEqualTo(401);
        assertThat(anonymous.post("/hooks/signed-hook", Map.of("Content-Type", "application/json",
                WebhookSignature.HEADER, WebhookSignature.sign("s3cr3t", now - 400, body)), body).status()).isEqualTo(401);
        assertThat(anonymous.post("/hooks/signed-hook", Map.of("Content-Type", "application/json"), body).status()).isEqualTo(401);
        assertThat(sql.runCount("signed-hook")).isEqualTo(1);
    }

    @Test
    void theRateLimitAnswers429WithRetryAfter() {
        api.postYaml("/api/v1/recipes", """
                slug: limited-hook
                name: Limited
                trigger:
                  webhook:
                    rateLimit: { requests: 2, per: 1m }
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: 1 }
                """);
        assertThat(anonymous.postJson("/hooks/limited-hook", "{\"n\":1}").status()).isEqualTo(202);
        assertThat(anonymous.postJson("/hooks/limited-hook", "{\"n\":2}").status()).isEqualTo(202);
        ApiClient.Response limited = anonymous.postJson("/hooks/limited-hook", "{\"n\":3}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, 60L);
    }

    @Test
    void theRateLimitRecoversOnceItsPeriodHasPassed() {
        api.postYaml("/api/v1/recipes", """
                slug: recovering-hook
                name: Recovering
                trigger:
                  webhook:
                    rateLimit: { requests: 2, per: 2s }
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: 1 }
                """);
        assertThat(anonymous.postJson("/hooks/recovering-hook", "{\"n\":1}").status()).isEqualTo(202);
        assertThat(anonymous.postJson("/hooks/recovering-hook", "{\"n\":2}").status()).isEqualTo(202);
        ApiClient.Response limited = anonymous.postJson("/hooks/recovering-hook", "{\"n\":3}");
        assertThat(limited.status()).isEqualTo(429);
        long retryAfter = Long.parseLong(limited.header("retry-after"));
        assertThat(retryAfter).isBetween(1L, 2L);
        assertThat(sql.runCount("recovering-hook")).as("the refused one started nothing").isEqualTo(2);

        await().pollDelay(Duration.ofSeconds(retryAfter)).atMost(Duration.ofSeconds(retryAfter + 5))
                .until(() -> anonymous.postJson("/hooks/recovering-hook", "{\"n\":4}").status() == 202);
        assertThat(sql.runCount("recovering-hook")).isEqualTo(3);
    }
}
