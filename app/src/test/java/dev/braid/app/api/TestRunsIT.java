package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** The synchronous test endpoints: run shape with step inputs and outputs, logs, and dry runs that call nothing. */
class TestRunsIT extends BraidIntegrationTest {

    HttpServer target;
    AtomicInteger calls = new AtomicInteger();
    volatile int answerStatus = 200;

    @BeforeEach
    void setUp() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/orders", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"accepted\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answerStatus, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
    }

    @AfterEach
    void stop() {
        target.stop(0);
    }

    static final String GREETER = """
            slug: %s
            name: Greeter
            trigger:
              webhook: {}
            steps:
              - id: greeting
                action: core.transform
                with:
                  value: "Hello, {{ trigger.body.name }} via {{ trigger.headers.'x-source' }}"
              - id: say
                action: core.log
                with: { message: "{{ steps.greeting.output.value }}", level: warn }
            """;

    private String poster(String slug, String retry) {
        return """
                slug: %s
                name: Order poster
                trigger:
                  manual: {}
                steps:
                  - id: post
                    action: http.request
                    %s
                    with:
                      method: POST
                      url: "http://127.0.0.1:%d/orders"
                      body: "{{ trigger.body }}"
                """.formatted(slug, retry, target.getAddress().getPort());
    }

    @Test
    void anUnsavedRecipeRunsOnceWithEveryStepsInputAndOutput() {
        String slug = RecipesApiIT.unique("unsaved");
        ApiClient.Response answer = api.postJson("/api/v1/recipes/test", Map.of(
                "recipe", GREETER.formatted(slug),
                "trigger", Map.of("body", Map.of("name", "Ada"), "headers", Map.of("X-Source", "docs"))));
        assertThat(answer.status()).isEqualTo(200);
        JsonNode run = answer.json();
        assertThat(run.path("id").asString()).hasSize(36);
        assertThat(run.path("recipe").asString()).isEqualTo(slug);
        assertThat(run.path("recipeVersion").isNull()).isTrue();
        assertThat(run.path("status").asString()).isEqualTo("succeeded");
        assertThat(run.path("origin").asString()).isEqualTo("test");
        assertThat(run.path("error").isNull()).isTrue();
        assertThat(run.path("output").path("message").asString()).isEqualTo("Hello, Ada via docs");

        JsonNode steps = run.path("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.path(0).path("path").asString()).isEqualTo("greeting");
        assertThat(steps.path(0).path("status").asString()).isEqualTo("succeeded");
        assertThat(steps.path(0).path("attempts").asInt()).isEqualTo(1);
        assertThat(steps.path(0).path("input").path("value").asString()).isEqualTo("Hello, Ada via docs");
        assertThat(steps.path(0).path("output").path("value").asString()).isEqualTo("Hello, Ada via docs");
        assertThat(steps.path(0).path("startedAt").asString()).isNotBlank();
        assertThat(steps.path(0).path("finishedAt").asString()).isNotBlank();
        assertThat(steps.path(1).path("path").asString()).isEqualTo("say");

        JsonNode log = run.path("logs").path(0);
        assertThat(log.path("step").asString()).isEqualTo("say");
        assertThat(log.path("level").asString()).isEqualTo("warn");
        assertThat(log.path("message").asString()).isEqualTo("Hello, Ada via docs");

        // Nothing was saved: no recipe, no run.
        assertThat(api.get("/api/v1/recipes/" + slug).status()).isEqualTo(404);
    }

    @Test
    void theRecipeMayAlsoBeAJsonObject() {
        String slug = RecipesApiIT.unique("unsaved-json");
        ApiClient.Response answer = api.postJson("/api/v1/recipes/test", Map.of(
                "recipe", Map.of("slug", slug, "name", "JSON", "trigger", Map.of("manual", Map.of()),
                        "steps", List.of(Map.of("id", "echo", "action", "core.transform", "with", Map.of("value", "{{ trigger.body }}")))),
                "trigger", Map.of("body", Map.of("a", 1))));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("output").path("value").path("a").asInt()).isEqualTo(1);
    }

    @Test
    void anInvalidUnsavedRecipeIsAnsweredWithItsErrors() {
        ApiClient.Response answer = api.postJson("/api/v1/recipes/test", Map.of(
                "recipe", RecipesApiIT.THREE_PROBLEMS.formatted(RecipesApiIT.unique("bad")), "dryRun", true));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("errors")).hasSize(3);

        ApiClient.Response noRecipe = api.postJson("/api/v1/recipes/test", Map.of("dryRun", true));
        assertThat(noRecipe.status()).isEqualTo(400);
        assertThat(noRecipe.json().path("parameter").asString()).isEqualTo("recipe");

        ApiClient.Response badFlag = api.postJson("/api/v1/recipes/test", Map.of("recipe", GREETER.formatted("x"), "dryRun", "yes"));
        assertThat(badFlag.json().path("parameter").asString()).isEqualTo("dryRun");
    }

    @Test
    void aDryRunDescribesTheCallAndCallsNoTarget() {
        String slug = RecipesApiIT.unique("dry");
        ApiClient.Response dry = api.postJson("/api/v1/recipes/test", Map.of(
                "recipe", poster(slug, ""), "trigger", Map.of("body", Map.of("order", 7)), "dryRun", true));
        assertThat(dry.status()).isEqualTo(200);
        assertThat(calls.get()).isZero();
        JsonNode run = dry.json();
        assertThat(run.path("status").asString()).isEqualTo("succeeded");
        JsonNode described = run.path("steps").path(0).path("output");
        assertThat(described.path("dryRun").asBoolean()).isTrue();
        assertThat(described.path("action").asString()).isEqualTo("http.request");
        assertThat(described.path("input").path("method").asString()).isEqualTo("POST");
        assertThat(described.path("input").path("url").asString()).endsWith("/orders");
        assertThat(described.path("input").path("body").path("order").asInt()).isEqualTo(7);

        ApiClient.Response real = api.postJson("/api/v1/recipes/test", Map.of(
                "recipe", poster(slug, ""), "trigger", Map.of("body", Map.of("order", 7)), "dryRun", false));
        assertThat(real.status()).isEqualTo(200);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(real.json().path("steps").path(0).path("output").path("status").asInt()).isEqualTo(200);
        assertThat(real.json().path("output").path("body").path("accepted").asBoolean()).isTrue();
    }

    @Test
    void aSavedRecipeIsTestedWithoutARunInTheHistory() {
        String slug = RecipesApiIT.unique("saved");
        braid.saveRecipe(GREETER.formatted(slug));
        ApiClient.Response answer = api.postJson("/api/v1/recipes/" + slug + "/test", Map.of(
                "trigger", Map.of("body", Map.of("name", "Bo"), "headers", Map.of("x-source", "ui")), "dryRun", true));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("recipeVersion").asInt()).isEqualTo(1);
        assertThat(answer.json().path("output").path("message").asString()).isEqualTo("Hello, Bo via ui");
        assertThat(api.get("/api/v1/runs?recipe=" + slug).json().path("items")).isEmpty();
    }

    @Test
    void aRetryableFailureIsReportedAsFailedWithTheTimeARealRunWouldRetry() {
        answerStatus = 503;
        ApiClient.Response answer = api.postJson("/api/v1/recipes/test", Map.of(
                "recipe", poster(RecipesApiIT.unique("retry"), "retry: { maxAttempts: 3, initialDelay: 1s }"),
                "trigger", Map.of("body", Map.of("order", 8))));
        assertThat(answer.status()).isEqualTo(200);
        JsonNode run = answer.json();
        assertThat(run.path("status").asString()).isEqualTo("failed");
        assertThat(run.path("error").path("step").asString()).isEqualTo("post");
        assertThat(run.path("error").path("retryAt").asString()).isNotBlank();
        assertThat(run.path("error").path("note").asString()).contains("would try step 'post' again");
        assertThat(calls.get()).isEqualTo(1);
    }
}
