package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** Manual runs through the durable queue, and the run history: paging, filters, detail shape, logs. */
class RunsApiIT extends BraidIntegrationTest {

    static final String DOUBLER = """
            slug: %s
            name: Doubler
            trigger:
              manual: {}
            steps:
              - id: note
                action: core.log
                with: { message: "n is {{ trigger.body.n }}" }
              - id: check
                if: "trigger.body.n > 100"
                then:
                  - id: tooBig
                    fail: "n is too big"
              - id: double
                action: core.transform
                with:
                  value: "{{ trigger.body.n * 2 }}"
            """;

    private String recipe() {
        String slug = RecipesApiIT.unique("runs");
        braid.saveRecipe(DOUBLER.formatted(slug));
        return slug;
    }

    private String start(String slug, Object body) {
        ApiClient.Response started = api.postJson("/api/v1/recipes/" + slug + "/runs", body);
        assertThat(started.status()).isEqualTo(202);
        String runId = started.json().path("runId").asString();
        assertThat(started.header("location")).endsWith("/api/v1/runs/" + runId);
        return runId;
    }

    @Test
    void aManualRunHasTheRunShapeWithItsStepsInOrder() {
        String slug = recipe();
        String runId = start(slug, Map.of("n", 21));
        JsonNode run = braid.awaitEnd(runId);

        assertThat(run.path("id").asString()).isEqualTo(runId);
        assertThat(run.path("recipe").asString()).isEqualTo(slug);
        assertThat(run.path("recipeVersion").asInt()).isEqualTo(1);
        assertThat(run.path("status").asString()).isEqualTo("succeeded");
        assertThat(run.path("origin").asString()).isEqualTo("manual");
        assertThat(run.path("attempt").asInt()).isEqualTo(1);
        for (String field : List.of("replayOf", "eventId", "error", "deadLetterId", "nextAttemptAt")) {
            assertThat(run.has(field)).as(field).isTrue();
            assertThat(run.path(field).isNull()).as(field).isTrue();
        }
        Instant created = Instant.parse(run.path("createdAt").asString());
        Instant finished = Instant.parse(run.path("finishedAt").asString());
        assertThat(Instant.parse(run.path("startedAt").asString())).isBetween(created.minusSeconds(1), finished);
        assertThat(run.path("output").path("value").asInt()).isEqualTo(42);
        assertThat(run.path("trigger").path("type").asString()).isEqualTo("manual");
        assertThat(run.path("trigger").path("body").path("n").asInt()).isEqualTo(21);

        List<String> paths = new ArrayList<>();
        run.path("steps").forEach(s -> paths.add(s.path("path").asString()));
        assertThat(paths).containsExactly("note", "check", "double");
        JsonNode doubled = run.path("steps").path(2);
        assertThat(doubled.path("status").asString()).isEqualTo("succeeded");
        assertThat(doubled.path("attempts").asInt()).isEqualTo(1);
        assertThat(doubled.path("input").path("value").asInt()).isEqualTo(42);
        assertThat(doubled.path("output").path("value").asInt()).isEqualTo(42);
        assertThat(doubled.path("error").isNull()).isTrue();
        assertThat(doubled.path("startedAt").asString()).isNotBlank();
        assertThat(doubled.path("finishedAt").asString()).isNotBlank();
    }

    @Test
    void aRunsLogHoldsItsCoreLogLines() {
        String slug = recipe();
        String runId = start(slug, Map.of("n", 5));
        braid.awaitEnd(runId);
        ApiClient.Response logs = api.get("/api/v1/runs/" + runId + "/logs");
        assertThat(logs.status()).isEqualTo(200);
        JsonNode line = null;
        for (JsonNode l : logs.json().path("items")) {
            if (l.path("message").asString().equals("n is 5")) {
                line = l;
            }
        }
        assertThat(line).as("log line 'n is 5' in %s", logs.body()).isNotNull();
        assertThat(line.path("step").asString()).isEqualTo("note");
        assertThat(line.path("level").asString()).isEqualTo("info");
        assertThat(line.path("at").asString()).isNotBlank();
    }

    @Test
    void aFailedRunCarriesItsErrorAndDeadLetter() {
        String slug = recipe();
        JsonNode run = braid.awaitEnd(start(slug, Map.of("n", 1000)));
        assertThat(run.path("status").asString()).isEqualTo("failed");
        assertThat(run.path("error").path("message").asString()).contains("too big");
        assertThat(run.path("deadLetterId").isNull()).isFalse();
        assertThat(run.path("output").isNull()).isTrue();
    }

    @Test
    void anEmptyBodyStartsARunWithANullTriggerBody() {
        String slug = RecipesApiIT.unique("empty");
        api.postYaml("/api/v1/recipes", """
                slug: %s
                name: Empty body
                trigger: { manual: {} }
                steps:
                  - id: seen
                    action: core.transform
                    with: { value: "{{ $exists(trigger.body) }}" }
                """.formatted(slug));
        ApiClient.Response started = api.post("/api/v1/recipes/" + slug + "/runs", java.util.Map.of(), new byte[0]);
        assertThat(started.status()).isEqualTo(202);
        JsonNode run = braid.awaitEnd(started.json().path("runId").asString());
        assertThat(run.path("status").asString()).isEqualTo("succeeded");
        assertThat(run.path("trigger").path("body").isNull()).isTrue();
    }

    @Test
    void aDisabledRecipeStartsNoRun() {
        String slug = recipe();
        api.postJson("/api/v1/recipes/" + slug + "/disable", "");
        ApiClient.Response refused = api.postJson("/api/v1/recipes/" + slug + "/runs", Map.of("n", 1));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.header("content-type")).startsWith("application/problem+json");
        assertThat(refused.json().path("detail").asString()).contains("disabled");
    }

    @Test
    void runsAreListedNewestFirstWithACursorAndFilters() {
        String slug = recipe();
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            started.add(start(slug, Map.of("n", i)));
        }
        started.forEach(braid::awaitEnd);
        List<String> newestFirst = started.stream().sorted(Comparator.reverseOrder()).toList();

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/runs?recipe=" + slug + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.path("items").size()).isLessThanOrEqualTo(2);
            page.path("items").forEach(r -> {
                seen.add(r.path("id").asString());
                assertThat(r.path("recipe").asString()).isEqualTo(slug);
                assertThat(r.has("steps")).isFalse();
            });
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(newestFirst);

        assertThat(api.get("/api/v1/runs?recipe=" + slug + "&status=succeeded").json().path("items")).hasSize(5);
        assertThat(api.get("/api/v1/runs?recipe=" + slug + "&status=failed").json().path("items")).isEmpty();
        String later = Instant.now().plusSeconds(3600).toString();
        assertThat(api.get("/api/v1/runs?recipe=" + slug + "&from=" + later).json().path("items")).isEmpty();
        assertThat(api.get("/api/v1/runs?recipe=" + slug + "&to=" + later).json().path("items")).hasSize(5);
        assertThat(api.get("/api/v1/runs?recipe=" + slug + "&to=2001-01-01T00:00:00Z").json().path("items")).isEmpty();
    }

    @Test
    void badRunQueriesNameTheParameter() {
        ApiClient.Response status = api.get("/api/v1/runs?status=finished");
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.header("content-type")).startsWith("application/problem+json");
        assertThat(status.json().path("parameter").asString()).isEqualTo("status");
        assertThat(status.json().path("detail").asString()).contains("succeeded");

        assertThat(api.get("/api/v1/runs?from=yesterday").json().path("parameter").asString()).isEqualTo("from");
        assertThat(api.get("/api/v1/runs?to=2026-13-01").json().path("parameter").asString()).isEqualTo("to");
        assertThat(api.get("/api/v1/runs?cursor=bm90LWEtdXVpZA").json().path("parameter").asString()).isEqualTo("cursor");
        assertThat(api.get("/api/v1/runs?limit=1000").json().path("parameter").asString()).isEqualTo("limit");
    }

    @Test
    void unknownAndMalformedRunIds() {
        ApiClient.Response malformed = api.get("/api/v1/runs/not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("detail").asString()).contains("not-a-uuid");
        assertThat(api.get("/api/v1/runs/not-a-uuid/logs").status()).isEqualTo(400);

        String unknown = "0190f3a4-7b1c-7d2e-9f00-1234567890ab";
        ApiClient.Response missing = api.get("/api/v1/runs/" + unknown);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("detail").asString()).contains(unknown);
        assertThat(api.get("/api/v1/runs/" + unknown + "/logs").status()).isEqualTo(404);
    }

    @Test
    void malformedJsonIsRefusedWithItsLine() {
        String slug = recipe();
        ApiClient.Response refused = api.postJson("/api/v1/recipes/" + slug + "/runs", "{\n  \"n\": 1,\n  oops\n}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("content-type")).startsWith("application/problem+json");
        assertThat(refused.json().path("detail").asString()).contains("not valid JSON").contains("line 3");
        assertThat(refused.json().path("line").asInt()).isEqualTo(3);
    }
}
