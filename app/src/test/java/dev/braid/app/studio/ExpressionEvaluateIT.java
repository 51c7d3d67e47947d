package dev.braid.app.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/expressions/evaluate} through real HTTP, against a given context and a stored run's. */
class ExpressionEvaluateIT extends BraidIntegrationTest {

    @Test
    void anExpressionAndATemplateAgainstAStoredRunsContextWithSecretsMasked() {
        braid.saveSecret("STUDIO_EVAL_KEY", "s3cr3t-value");
        braid.saveRecipe("""
                slug: studio-eval
                name: Evaluate against me
                trigger:
                  webhook: {}
                steps:
                  - id: total
                    action: core.transform
                    with: { value: "{{ $sum(trigger.body.items.qty) }}" }
                """);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            items.add(Map.of("sku", "sku-" + i, "qty", i));
        }
        String runId = braid.webhook("studio-eval", tools.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsString(Map.of("id", "o-17", "items", items)));
        braid.awaitStatus(runId, "succeeded");

        ApiClient.Response doubled = api.postJson("/api/v1/expressions/evaluate",
                Map.of("expression", "steps.total.output.value * 2", "runId", runId));
        assertThat(doubled.status()).as(doubled.body()).isEqualTo(200);
        assertThat(doubled.json().path("value").asLong()).isEqualTo(1000L * 1001);

        ApiClient.Response text = api.postJson("/api/v1/expressions/evaluate",
                Map.of("template", "order {{ trigger.body.id }}: {{ $count(trigger.body.items) }} lines, run {{ run.recipe }}",
                        "runId", runId));
        assertThat(text.json().path("value").asString()).isEqualTo("order o-17: 1000 lines, run studio-eval");

        ApiClient.Response secret = api.postJson("/api/v1/expressions/evaluate",
                Map.of("expression", "secrets.STUDIO_EVAL_KEY", "runId", runId));
        assertThat(secret.json().path("value").asString()).isEqualTo("***");
        assertThat(secret.body()).doesNotContain("s3cr3t-value");

        // a given context is laid over the run's (an item, as inside a foreach)
        ApiClient.Response item = api.postJson("/api/v1/expressions/evaluate",
                Map.of("expression", "item.qty + steps.total.output.value", "runId", runId, "context", Map.of("item", Map.of("qty", 1))));
        assertThat(item.json().path("value").asLong()).isEqualTo(500_501L);
    }

    @Test
    void aGivenContext() {
        ApiClient.Response r = api.postJson("/api/v1/expressions/evaluate", Map.of(
                "expression", "$sum(trigger.body.lines.(price * qty))",
                "context", Map.of("trigger", Map.of("body", Map.of("lines", List.of(
                        Map.of("price", 2.5, "qty", 4), Map.of("price", 1, "qty", 3)))))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("value").asDouble()).isEqualTo(13.0);

        ApiClient.Response none = api.postJson("/api/v1/expressions/evaluate", Map.of("expression", "trigger.body.missing",
                "context", Map.of()));
        assertThat(none.json().has("value")).isTrue();
        assertThat(none.json().path("value").isNull()).isTrue();
    }

    @Test
    void errorsAreProblemsNamingTheFieldAndThePosition() {
        ApiClient.Response syntax = api.postJson("/api/v1/expressions/evaluate",
                Map.of("template", "total: {{ trigger.body.( }}", "context", Map.of()));
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.header("content-type")).contains("application/problem+json");
        JsonNode problem = syntax.json();
        assertThat(problem.path("field").asString()).isEqualTo("template");
        assertThat(problem.path("expression").asString()).isEqualTo("trigger.body.(");
        // the position counts from the start of the template, inside the {{ }}
        assertThat(problem.path("position").asInt()).isBetween(10, 25);
        assertThat(problem.path("detail").asString()).contains("trigger.body.(");

        ApiClient.Response tooBig = api.postJson("/api/v1/expressions/evaluate",
                Map.of("expression", "$count([1..100000000])", "context", Map.of()));
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.json().path("detail").asString()).contains("limit");

        ApiClient.Response both = api.postJson("/api/v1/expressions/evaluate", Map.of("expression", "1", "template", "x"));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().path("field").asString()).isEqualTo("template");

        ApiClient.Response badRun = api.postJson("/api/v1/expressions/evaluate", Map.of("expression", "1", "runId", "nope"));
        assertThat(badRun.status()).isEqualTo(400);
        assertThat(badRun.json().path("field").asString()).isEqualTo("runId");

        ApiClient.Response noRun = api.postJson("/api/v1/expressions/evaluate",
                Map.of("expression", "1", "runId", "0190b7c2-7a3e-7d1a-9c1e-2b8f4a5d6e7f"));
        assertThat(noRun.status()).isEqualTo(404);

        assertThat(anonymous.postJson("/api/v1/expressions/evaluate", Map.of("expression", "1")).status()).isEqualTo(401);
    }
}
