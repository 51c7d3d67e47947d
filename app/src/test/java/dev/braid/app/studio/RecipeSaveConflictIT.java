package dev.braid.app.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** Saving with {@code If-Match: "<version>"}: a stale version gets 409 with the current version and YAML. */
class RecipeSaveConflictIT extends BraidIntegrationTest {

    private static String recipe(String message) {
        return """
                slug: studio-conflict
                name: Conflicts
                trigger:
                  manual: {}
                steps:
                  # kept as written
                  - id: say
                    action: core.log
                    with: { message: "%s" }
                """.formatted(message);
    }

    @Test
    void aSaveFromAStaleVersionIsRefusedWithTheCurrentOne() {
        braid.saveRecipe(recipe("v1"));
        ApiClient.Response read = api.get("/api/v1/recipes/studio-conflict");
        assertThat(read.header("etag")).isEqualTo("\"1\"");

        // two editors start from version 1; the first saves
        ApiClient.Response first = api.put("/api/v1/recipes/studio-conflict", Map.of("Content-Type", "application/yaml",
                "If-Match", "\"1\""), recipe("from alice"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("version").asInt()).isEqualTo(2);
        assertThat(first.header("etag")).isEqualTo("\"2\"");

        // the second, still at version 1, gets the conflict with what is current now
        ApiClient.Response second = api.put("/api/v1/recipes/studio-conflict", Map.of("Content-Type", "application/yaml",
                "If-Match", "\"1\""), recipe("from bob"));
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.header("content-type")).contains("application/problem+json");
        JsonNode problem = second.json();
        assertThat(problem.path("currentVersion").asInt()).isEqualTo(2);
        assertThat(problem.path("currentYaml").asString()).contains("from alice").contains("# kept as written");
        assertThat(problem.path("detail").asString()).contains("version 2");
        assertThat(api.get("/api/v1/recipes/studio-conflict").json().path("version").asInt()).isEqualTo(2);

        // merged onto version 2 it saves
        ApiClient.Response merged = api.put("/api/v1/recipes/studio-conflict", Map.of("Content-Type", "application/yaml",
                "If-Match", "\"2\""), recipe("from bob, merged"));
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(merged.json().path("version").asInt()).isEqualTo(3);

        // without If-Match saving is unchanged: last write wins
        ApiClient.Response plain = api.put("/api/v1/recipes/studio-conflict", "application/yaml", recipe("no if-match"));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.json().path("version").asInt()).isEqualTo(4);

        ApiClient.Response bad = api.put("/api/v1/recipes/studio-conflict", Map.of("Content-Type", "application/yaml",
                "If-Match", "\"latest\""), recipe("x"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("parameter").asString()).isEqualTo("If-Match");
    }

    @Test
    void fixturesArePinnedListedReplacedAndDeleted() {
        braid.saveRecipe(recipe("fixtures").replace("studio-conflict", "studio-fixtures"));
        String base = "/api/v1/recipes/studio-fixtures/fixtures";
        assertThat(api.get(base).json().path("items").size()).isZero();

        StringBuilder items = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            items.append(i == 0 ? "" : ",").append("{\"sku\":\"sku-").append(i).append("\",\"qty\":").append(i % 7 + 1).append('}');
        }
        items.append(']');
        String big = "{\"trigger\":{\"body\":{\"orderId\":\"o-1\",\"items\":" + items + "},\"headers\":{\"x-event-id\":\"e-1\"}}}";
        ApiClient.Response created = api.put(base + "/big-order", Map.of("Content-Type", "application/json"), big);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().at("/trigger/body/items").size()).isEqualTo(500);

        ApiClient.Response replaced = api.put(base + "/big-order", Map.of("Content-Type", "application/json"),
                "{\"trigger\":{\"body\":{\"orderId\":\"o-2\"}}}");
        assertThat(replaced.status()).isEqualTo(200);
        api.put(base + "/small", Map.of("Content-Type", "application/json"), "{\"trigger\":{\"body\":{}}}");

        JsonNode list = api.get(base).json();
        assertThat(list.path("items").size()).isEqualTo(2);
        assertThat(list.path("items").get(0).path("name").asString()).isEqualTo("big-order");
        assertThat(list.path("items").get(0).at("/trigger/body/orderId").asString()).isEqualTo("o-2");
        assertThat(list.path("items").get(0).path("updatedBy").asString()).isEqualTo("admin");

        // the pinned trigger runs as a test run takes it
        ApiClient.Response test = api.postJson("/api/v1/recipes/studio-fixtures/test",
                "{\"trigger\":" + list.path("items").get(0).path("trigger") + ",\"dryRun\":true}");
        assertThat(test.status()).as(test.body()).isEqualTo(200);

        ApiClient.Response wrong = api.put(base + "/bad", Map.of("Content-Type", "application/json"),
                "{\"trigger\":{\"bdy\":{}}}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().path("field").asString()).isEqualTo("trigger.bdy");
        assertThat(api.put(base + "/bad", Map.of("Content-Type", "application/json"), "{\"body\":{}}").json()
                .path("field").asString()).isEqualTo("trigger");
        assertThat(api.put(base + "/-x", Map.of("Content-Type", "application/json"), "{\"trigger\":{}}").json()
                .path("parameter").asString()).isEqualTo("name");
        assertThat(api.get("/api/v1/recipes/no-such-recipe/fixtures").status()).isEqualTo(404);

        assertThat(api.delete(base + "/small").status()).isEqualTo(204);
        assertThat(api.delete(base + "/small").status()).isEqualTo(404);
        assertThat(api.get(base).json().path("items").size()).isEqualTo(1);

        // a recipe's fixtures go with it
        assertThat(api.delete("/api/v1/recipes/studio-fixtures").status()).isEqualTo(204);
        assertThat(jdbc.sql("select count(*) from recipe_fixtures where recipe = 'studio-fixtures'").query(Integer.class).single())
                .isZero();
    }
}
