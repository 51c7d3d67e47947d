package dev.braid.app.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.TestKafka;
import dev.braid.engine.parse.ConnectionTypes;
import dev.braid.engine.parse.RecipeParser;
import tools.jackson.databind.JsonNode;

/**
 * Promotion and GitOps (issue 19, ARCHITECTURE §12). Recipes exported from this test's server are imported into a
 * fresh server (its own embedded database): the preview lists what is new and the secrets the target must
 * provide, and changes nothing; applying gives the same recipes, which run the same way; importing the same bundle
 * again changes nothing, one edited recipe becomes one new version, and a bundle with a broken recipe changes
 * nothing at all. A folder of recipe files ({@code braid.recipes.dir}) becomes recipes and versions, a deleted file
 * disables its recipe, and a broken file changes nothing and is reported with its line.
 */
class PromotionIT extends BraidIntegrationTest {

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Autowired
    RecipeParser parser;
    @Autowired
    ConnectionTypes connectionTypes;
    @Autowired
    RecipeSaving saving;

    @Test
    void recipesExportedFromOneServerImportIntoAFreshOneAfterAPreview() throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36);
        String crm = "crm-" + suffix;
        assertThat(braid.saveConnection(Map.of("name", crm, "connector", "http", "settings",
                Map.of("baseUrl", stub.url(""), "auth", Map.of("type", "bearer", "token", "crm-token-never-exported"))))
                .status()).isEqualTo(201);
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String slug = "promote-" + i + "-" + suffix;
            slugs.add(slug);
            assertThat(braid.saveRecipe("""
                    slug: %s
                    name: Promoted %d
                    trigger:
                      manual: {}
                    steps:
                      - id: double
                        action: core.transform
                        with: { value: "{{ trigger.body.n * 2 }}" }
                      - id: tell
                        action: http.request
                        connection: %s
                        with: { method: POST, url: "/promoted", headers: { x-key: "{{ secrets.PROMO_KEY_%s }}" }, body: "{{ steps.double.output }}" }
                    """.formatted(slug, i, crm, suffix.toUpperCase())).status()).isEqualTo(201);
        }
        stub.reply("/promoted", n -> new dev.braid.app.support.StubServer.Reply(200, "application/json", "{\"ok\":true}"));

        ApiClient.Response export = api.get("/api/v1/export?recipes=" + String.join(",", slugs), "application/yaml");
        assertThat(export.status()).isEqualTo(200);
        String bundle = export.body();
        assertThat(bundle).contains("format: braid-bundle/1").contains(crm).contains("secretFields")
                .contains("auth.token").doesNotContain("crm-token-never-exported")
                .contains("PROMO_KEY_" + suffix.toUpperCase());
        assertThat(api.get("/api/v1/export?recipes=no-such-recipe").status()).isEqualTo(404);

        try (ServerProcess target = servers.start("target-pw",
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers())) {
            ApiClient tapi = target.api();
            ApiClient.Response preview = tapi.post("/api/v1/import?preview=true", "application/yaml", bundle);
            assertThat(preview.status()).as(preview.body()).isEqualTo(200);
            JsonNode plan = preview.json();
            assertThat(plan.path("applied").asBoolean()).isFalse();
            assertThat(changes(plan)).containsOnly("new").hasSize(3);
            assertThat(plan.path("connections").get(0).path("change").asString()).isEqualTo("new");
            assertThat(plan.path("secretsToProvide").toString())
                    .contains("\"connection\":\"" + crm + "\",\"field\":\"auth.token\"")
                    .contains("\"secret\":\"PROMO_KEY_" + suffix.toUpperCase() + "\"");
            assertThat(tapi.get("/api/v1/recipes/" + slugs.getFirst()).status()).isEqualTo(404);

            // Secrets are provided on the target (the bundle never carries them): the operator fills in the
            // connection's token in the bundle (here its JSON form) and saves the standalone secret; then it applies.
            JsonNode tree = api.get("/api/v1/export?recipes=" + String.join(",", slugs), "application/json").json();
            ((tools.jackson.databind.node.ObjectNode) tree.path("connections").get(0).path("settings").path("auth"))
                    .put("token", "target-token");
            String filled = tree.toString();
            assertThat(tapi.postJson("/api/v1/secrets", Map.of("name", "PROMO_KEY_" + suffix.toUpperCase(), "value", "k"))
                    .status()).isIn(200, 201);
            ApiClient.Response applied = tapi.post("/api/v1/import", "application/json", filled);
            assertThat(applied.status()).as(applied.body()).isEqualTo(200);
            assertThat(applied.json().path("applied").asBoolean()).isTrue();
            assertThat(applied.json().path("secretsToProvide").size()).isZero();
            for (String slug : slugs) {
                assertThat(tapi.get("/api/v1/recipes/" + slug).json().path("definition"))
                        .isEqualTo(api.get("/api/v1/recipes/" + slug).json().path("definition"));
            }
            // They run the same way there.
            String runId = tapi.postJson("/api/v1/recipes/" + slugs.getFirst() + "/runs", Map.of("n", 21)).json().path("runId").asString();
            JsonNode run = target.braid().awaitStatus(runId, "succeeded");
            assertThat(dev.braid.app.support.Braid.step(run, "double").path("output").path("value").asInt()).isEqualTo(42);
            assertThat(stub.received("/promoted")).isNotEmpty();

            // Again: nothing changes. One recipe edited: one new version.
            JsonNode again = tapi.post("/api/v1/import", "application/json", filled).json();
            assertThat(changes(again)).containsOnly("unchanged");
            assertThat(tapi.get("/api/v1/recipes/" + slugs.getFirst()).json().path("version").asInt()).isEqualTo(1);
            String edited = filled.replace("name: Promoted 1", "name: Promoted one");
            JsonNode once = tapi.post("/api/v1/import", "application/json", edited).json();
            assertThat(changes(once)).containsExactly("unchanged", "changed", "unchanged");
            assertThat(tapi.get("/api/v1/recipes/" + slugs.get(1)).json().path("version").asInt()).isEqualTo(2);

            // A broken recipe anywhere in the bundle: 400 naming it and its line, and nothing applied.
            String broken = edited.replace("name: Promoted 0", "name: Promoted zero").replace("action: core.transform",
                    "action: core.transfrom");
            ApiClient.Response refused = tapi.post("/api/v1/import", "application/json", broken);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().path("errors").get(0).path("message").asString()).contains("core.transfrom");
            assertThat(refused.json().path("errors").get(0).path("line").asInt()).isEqualTo(7);
            assertThat(tapi.get("/api/v1/recipes/" + slugs.getFirst()).json().path("name").asString()).isEqualTo("Promoted 0");
        }
    }

    @Test
    void aFolderOfRecipeFilesBecomesRecipesAndVersionsAndABrokenFileChangesNothing(@TempDir Path dir) throws Exception {
        String slug = "gitops-" + Long.toString(System.nanoTime(), 36);
        RecipeFolder folder = new RecipeFolder(dir, Duration.ofSeconds(1), parser, connectionTypes, saving);
        Path file = dir.resolve(slug + ".yaml");
        Files.writeString(file, recipe(slug, "First"));
        Files.writeString(dir.resolve("notes.txt"), "not a recipe");
        folder.scanNow();
        assertThat(api.get("/api/v1/recipes/" + slug).json().path("version").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/recipes/" + slug + "/versions").json().path("items").get(0).path("createdBy").asString())
                .isEqualTo(RecipeFolder.AUTHOR);

        // Only formatting changed: no new version. The name changed: version 2.
        Files.writeString(file, "# a comment\n" + recipe(slug, "First"));
        folder.scanNow();
        assertThat(api.get("/api/v1/recipes/" + slug).json().path("version").asInt()).isEqualTo(1);
        Files.writeString(file, recipe(slug, "Second"));
        folder.scanNow();
        assertThat(api.get("/api/v1/recipes/" + slug).json().path("version").asInt()).isEqualTo(2);

        // Broken: nothing changes, the problem is reported with its line.
        Files.writeString(file, recipe(slug, "Third").replace("core.transform", "core.transfrom"));
        folder.scanNow();
        JsonNode current = api.get("/api/v1/recipes/" + slug).json();
        assertThat(current.path("version").asInt()).isEqualTo(2);
        assertThat(current.path("name").asString()).isEqualTo("Second");
        assertThat(folder.problems()).containsOnlyKeys(slug + ".yaml");
        assertThat(folder.problems().get(slug + ".yaml").getFirst()).startsWith("line 6, column").contains("core.transfrom");

        // Fixed: applied, the problem gone. Deleted: the recipe is disabled, not deleted.
        Files.writeString(file, recipe(slug, "Third"));
        folder.scanNow();
        assertThat(api.get("/api/v1/recipes/" + slug).json().path("version").asInt()).isEqualTo(3);
        assertThat(folder.problems()).isEmpty();
        Files.delete(file);
        folder.scanNow();
        JsonNode disabled = api.get("/api/v1/recipes/" + slug).json();
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(disabled.path("version").asInt()).isEqualTo(3);
    }

    private static List<String> changes(JsonNode plan) {
        List<String> out = new ArrayList<>();
        plan.path("recipes").forEach(r -> out.add(r.path("change").asString()));
        return out;
    }

    private static String recipe(String slug, String name) {
        return """
                slug: %s
                name: %s
                trigger: { manual: {} }
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """.formatted(slug, name);
    }
}
