package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** The recipes API over real HTTP: lifecycle, versions, validation errors with lines, and refusals as problems. */
class RecipesApiIT extends BraidIntegrationTest {

    static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    static final String HELLO = """
            # Greets whoever posts a name (this comment is part of the stored source)
            slug: %s
            name: %s
            trigger:
              webhook: {}
            steps:
              - id: greet
                action: core.log
                with: { message: "hello {{ trigger.body.name }}" }
            """;

    /** Three problems on lines 7, 11 and 13. */
    static final String THREE_PROBLEMS = """
            slug: %s
            name: Three problems
            trigger:
              webhook: {}
            steps:
              - id: first
                action: core.nope
              - id: second
                action: core.log
                with: { message: hi }
                bogus: 1
              - id: third
                if: "trigger.body.x >"
                then:
                  - id: inner
                    action: core.log
                    with: { message: ok }
            """;

    @Test
    void aRecipeLivesThroughVersionsRestoreDisableAndDelete() {
        String slug = unique("life");
        ApiClient.Response created = api.postYaml("/api/v1/recipes", HELLO.formatted(slug, "Hello"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("location")).endsWith("/api/v1/recipes/" + slug);
        JsonNode v1 = created.json();
        assertThat(v1.path("slug").asString()).isEqualTo(slug);
        assertThat(v1.path("name").asString()).isEqualTo("Hello");
        assertThat(v1.path("version").asInt()).isEqualTo(1);
        assertThat(v1.path("enabled").asBoolean()).isTrue();
        assertThat(v1.path("triggerType").asString()).isEqualTo("webhook");
        assertThat(v1.path("definition").path("steps").path(0).path("id").asString()).isEqualTo("greet");
        assertThat(v1.path("createdAt").asString()).isNotBlank();
        assertThat(v1.path("updatedAt").asString()).isNotBlank();

        ApiClient.Response json = api.get("/api/v1/recipes/" + slug);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.header("content-type")).startsWith("application/json");
        assertThat(json.json().path("definition")).isEqualTo(v1.path("definition"));

        ApiClient.Response yaml = api.get("/api/v1/recipes/" + slug, "application/yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.header("content-type")).startsWith("application/yaml");
        assertThat(yaml.body()).isEqualTo(HELLO.formatted(slug, "Hello"));

        ApiClient.Response v2 = api.put("/api/v1/recipes/" + slug, "application/yaml", HELLO.formatted(slug, "Hello again"));
        assertThat(v2.status()).isEqualTo(200);
        assertThat(v2.json().path("version").asInt()).isEqualTo(2);
        assertThat(v2.json().path("name").asString()).isEqualTo("Hello again");

        JsonNode versions = api.get("/api/v1/recipes/" + slug + "/versions").json().path("items");
        assertThat(versions).hasSize(2);
        List<Integer> numbers = new ArrayList<>();
        versions.forEach(v -> {
            numbers.add(v.path("version").asInt());
            assertThat(v.path("createdBy").asString()).isEqualTo("admin");
            assertThat(v.path("createdAt").asString()).isNotBlank();
        });
        assertThat(numbers).containsExactlyInAnyOrder(1, 2);

        ApiClient.Response old = api.get("/api/v1/recipes/" + slug + "/versions/1");
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.json().path("version").asInt()).isEqualTo(1);
        assertThat(old.json().path("name").asString()).isEqualTo("Hello");
        assertThat(api.get("/api/v1/recipes/" + slug + "/versions/9").status()).isEqualTo(404);

        ApiClient.Response restored = api.postJson("/api/v1/recipes/" + slug + "/versions/1/restore", "");
        assertThat(restored.status()).isEqualTo(201);
        assertThat(restored.json().path("version").asInt()).isEqualTo(3);
        assertThat(restored.json().path("name").asString()).isEqualTo("Hello");
        assertThat(api.get("/api/v1/recipes/" + slug).json().path("version").asInt()).isEqualTo(3);
        assertThat(api.get("/api/v1/recipes/" + slug + "/versions").json().path("items")).hasSize(3);

        ApiClient.Response disabled = api.postJson("/api/v1/recipes/" + slug + "/disable", "");
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.json().path("enabled").asBoolean()).isFalse();
        // A save that does not state `enabled` keeps the switch where it is ...
        api.put("/api/v1/recipes/" + slug, "application/yaml", HELLO.formatted(slug, "Still off"));
        assertThat(api.get("/api/v1/recipes/" + slug).json().path("enabled").asBoolean()).isFalse();
        ApiClient.Response enabled = api.postJson("/api/v1/recipes/" + slug + "/enable", "");
        assertThat(enabled.json().path("enabled").asBoolean()).isTrue();
        // ... and one that states it sets it.
        api.put("/api/v1/recipes/" + slug, "application/yaml", HELLO.formatted(slug, "Off by document") + "enabled: false\n");
        assertThat(api.get("/api/v1/recipes/" + slug).json().path("enabled").asBoolean()).isFalse();

        assertThat(api.delete("/api/v1/recipes/" + slug).status()).isEqualTo(204);
        ApiClient.Response gone = api.get("/api/v1/recipes/" + slug);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.header("content-type")).startsWith("application/problem+json");
        assertThat(gone.json().path("detail").asString()).contains(slug);
    }

    @Test
    void aRecipeCanBeCreatedFromJsonAndReadBackAsYaml() {
        String slug = unique("json");
        Map<String, Object> recipe = Map.of(
                "slug", slug,
                "name", "From JSON",
                "trigger", Map.of("manual", Map.of()),
                "steps", List.of(Map.of("id", "shape", "action", "core.transform",
                        "with", Map.of("value", "{{ trigger.body }}"))));
        ApiClient.Response created = api.postJson("/api/v1/recipes", recipe);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("triggerType").asString()).isEqualTo("manual");
        assertThat(created.json().path("definition").path("steps").path(0).path("action").asString()).isEqualTo("core.transform");

        ApiClient.Response yaml = api.get("/api/v1/recipes/" + slug, "application/yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).contains("slug: " + slug).contains("action: core.transform").contains("{{ trigger.body }}");
    }

    @Test
    void anInvalidRecipeIsAnsweredWithEveryProblemAndItsLine() {
        ApiClient.Response refused = api.postYaml("/api/v1/recipes", THREE_PROBLEMS.formatted(unique("bad")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("content-type")).startsWith("application/problem+json");
        JsonNode problem = refused.json();
        assertThat(problem.path("detail").asString()).isEqualTo("The recipe has 3 problem(s)");
        List<Integer> lines = new ArrayList<>();
        problem.path("errors").forEach(e -> {
            lines.add(e.path("line").asInt());
            assertThat(e.path("path").asString()).isNotBlank();
            assertThat(e.path("message").asString()).isNotBlank();
            assertThat(e.path("column").asInt()).isPositive();
        });
        assertThat(lines).containsExactly(7, 11, 13);
        assertThat(problem.path("errors").path(0).path("path").asString()).isEqualTo("steps[0].action");
    }

    @Test
    void malformedJsonRecipesNameTheLine() {
        ApiClient.Response refused = api.postJson("/api/v1/recipes", "{\"slug\": \"x\",\n \"name\": ");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("errors").path(0).path("line").asInt()).isPositive();
    }

    @Test
    void aSecondRecipeWithTheSameSlugIsAConflict() {
        String slug = unique("dup");
        braid.saveRecipe(HELLO.formatted(slug, "One"));
        ApiClient.Response again = api.postYaml("/api/v1/recipes", HELLO.formatted(slug, "Two"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.header("content-type")).startsWith("application/problem+json");
        assertThat(again.json().path("detail").asString()).contains(slug);
    }

    @Test
    void unknownRecipesAreNotFoundEverywhere() {
        String slug = unique("nobody");
        for (ApiClient.Response r : List.of(
                api.get("/api/v1/recipes/" + slug),
                api.get("/api/v1/recipes/" + slug, "application/yaml"),
                api.put("/api/v1/recipes/" + slug, "application/yaml", HELLO.formatted(slug, "x")),
                api.delete("/api/v1/recipes/" + slug),
                api.postJson("/api/v1/recipes/" + slug + "/enable", ""),
                api.get("/api/v1/recipes/" + slug + "/versions"),
                api.postJson("/api/v1/recipes/" + slug + "/runs", "{}"),
                api.postJson("/api/v1/recipes/" + slug + "/test", "{}"))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("content-type")).startsWith("application/problem+json");
            assertThat(r.json().path("detail").asString()).isEqualTo("No recipe '" + slug + "' exists");
        }
    }

    @Test
    void aSaveCannotChangeTheSlug() {
        String slug = unique("keep");
        api.postYaml("/api/v1/recipes", HELLO.formatted(slug, "Keep"));
        ApiClient.Response refused = api.put("/api/v1/recipes/" + slug, "application/yaml", HELLO.formatted(slug + "-other", "Moved"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("detail").asString()).contains("slug");
        assertThat(refused.json().path("errors").path(0).path("path").asString()).isEqualTo("slug");
        assertThat(refused.json().path("errors").path(0).path("line").asInt()).isEqualTo(2);
    }

    @Test
    void recipesArePagedWithACursor() {
        String prefix = unique("page");
        List<String> mine = List.of(prefix + "-a", prefix + "-b", prefix + "-c");
        mine.forEach(s -> assertThat(api.postYaml("/api/v1/recipes", HELLO.formatted(s, "Paged")).status()).isEqualTo(201));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/recipes?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.path("items").size()).isLessThanOrEqualTo(2);
            page.path("items").forEach(r -> seen.add(r.path("slug").asString()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 1000);
        assertThat(seen).doesNotHaveDuplicates().isSorted();
        assertThat(seen).containsSubsequence(mine);

        assertThat(api.get("/api/v1/recipes").json().path("items").size()).isLessThanOrEqualTo(50);
        assertThat(api.get("/api/v1/recipes?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/recipes?limit=501").json().path("parameter").asString()).isEqualTo("limit");
        assertThat(api.get("/api/v1/recipes?limit=abc").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/recipes?cursor=***").json().path("parameter").asString()).isEqualTo("cursor");
    }

    @Test
    void aBodyAboveTheLimitIsRefusedWith413() throws Exception {
        String big = "# " + "x".repeat(1024 * 1024 + 10) + "\n";
        ApiClient.Response declared = api.postYaml("/api/v1/recipes", big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.header("content-type")).startsWith("application/problem+json");
        assertThat(declared.json().path("detail").asString()).contains("1 MB");

        // Without a Content-Length (chunked), the body is counted while it is read.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/recipes"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> answer = http.send(chunked, HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(413);
            assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        }
    }

    @Test
    void otherMediaTypesAndMethodsAreRefusedAsProblems() {
        ApiClient.Response csv = api.post("/api/v1/recipes", "text/csv", "slug,name\nx,y\n");
        assertThat(csv.status()).isEqualTo(415);
        assertThat(csv.header("content-type")).startsWith("application/problem+json");
        assertThat(csv.json().path("detail").asString()).contains("text/csv");

        ApiClient.Response method = api.delete("/api/v1/recipes");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.header("content-type")).startsWith("application/problem+json");

        ApiClient.Response nowhere = api.get("/api/v1/nothing-here");
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.header("content-type")).startsWith("application/problem+json");

        ApiClient.Response notANumber = api.get("/api/v1/recipes/" + unique("v") + "/versions/first");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.json().path("parameter").asString()).isEqualTo("version");
    }
}
