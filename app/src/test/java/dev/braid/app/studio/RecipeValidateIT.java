package dev.braid.app.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/recipes/validate} through real HTTP: problems at their lines, the graph, never saved. */
class RecipeValidateIT extends BraidIntegrationTest {

    /** Two mistakes: an action name misspelt (line 9) and a connection that does not exist (line 14). */
    private static final String TWO_MISTAKES = """
            slug: validate-two-mistakes
            name: Two mistakes
            trigger:
              webhook: {}
            steps:
              # the customer first
              - id: customer
                action: http.requets
                with: { method: GET, url: "https://crm.example/c" }
              - id: big
                if: "trigger.body.amount > 1000"
                then:
                  - id: alert
                    action: http.request
                    connection: no-such-connection
                    with: { method: POST, url: "https://alerts.example" }
            """;

    @Test
    void aRecipeWithTwoMistakesGetsTwoErrorsAtTheirLinesAndIsNotSaved() {
        ApiClient.Response r = api.postYaml("/api/v1/recipes/validate", TWO_MISTAKES);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("valid").asBoolean()).isFalse();
        JsonNode errors = body.path("errors");
        assertThat(errors.size()).as(body.toString()).isEqualTo(2);
        assertThat(errors.get(0).path("path").asString()).isEqualTo("steps[0].action");
        assertThat(errors.get(0).path("line").asInt()).isEqualTo(8);
        assertThat(errors.get(0).path("column").asInt()).isEqualTo(13);
        assertThat(errors.get(0).path("message").asString()).contains("Unknown action 'http.requets'").contains("http.request");
        assertThat(errors.get(1).path("path").asString()).isEqualTo("steps[1].then[0].connection");
        assertThat(errors.get(1).path("line").asInt()).isEqualTo(15);
        assertThat(errors.get(1).path("message").asString()).contains("Connection 'no-such-connection' does not exist");
        // the graph still shows what could be read
        assertThat(body.path("graph").path("nodes").size()).isEqualTo(4);
        assertThat(api.get("/api/v1/recipes/validate-two-mistakes").status()).isEqualTo(404);

        // the same problems block saving: what validate refuses, save refuses
        ApiClient.Response save = api.postYaml("/api/v1/recipes", TWO_MISTAKES);
        assertThat(save.status()).isEqualTo(400);
        assertThat(save.json().path("errors")).isEqualTo(errors);
    }

    @Test
    void aValidRecipeAnswersItsGraphAndSavingAcceptsIt() {
        braid.saveConnection(Map.of("name", "validate-crm", "connector", "http",
                "settings", Map.of("baseUrl", "https://crm.example")));
        String yaml = """
                slug: validate-ok
                name: Valid
                trigger:
                  webhook: {}
                steps:
                  - id: customer
                    action: http.request
                    connection: validate-crm
                    with: { method: GET, url: "/customers/{{ trigger.body.id }}" }
                  - id: big
                    if: "steps.customer.output.body.vip = true"
                    then:
                      - { id: note, action: core.log, with: { message: vip } }
                    else:
                      - { id: done, stop: {} }
                  - id: lines
                    foreach: "trigger.body.items"
                    chunk: 500
                    steps:
                      - { id: each, action: core.transform, with: { value: "{{ item }}" } }
                """;
        // as JSON {"yaml": ...}, the way the studio sends editor text
        ApiClient.Response r = api.postJson("/api/v1/recipes/validate", Map.of("yaml", yaml));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("valid").asBoolean()).as(body.toString()).isTrue();
        assertThat(body.path("errors").size()).isZero();
        JsonNode nodes = body.path("graph").path("nodes");
        assertThat(nodes.size()).isEqualTo(7);
        assertThat(nodes.get(0).toString()).isEqualTo("{\"id\":\"$trigger\",\"kind\":\"trigger\",\"label\":\"webhook\",\"line\":3}");
        assertThat(nodes.get(1).path("action").asString()).isEqualTo("http.request");
        assertThat(nodes.get(3).path("parent").asString()).isEqualTo("big");
        assertThat(nodes.get(3).path("branch").asString()).isEqualTo("then");
        assertThat(nodes.get(5).path("chunk").asInt()).isEqualTo(500);
        JsonNode edges = body.path("graph").path("edges");
        assertThat(edges.get(2).toString()).isEqualTo("{\"source\":\"big\",\"target\":\"note\",\"label\":\"then\"}");
        assertThat(edges.size()).isEqualTo(6);

        assertThat(api.postYaml("/api/v1/recipes", yaml).status()).isEqualTo(201);
    }

    @Test
    void textThatIsNotYamlGetsTheSyntaxErrorsPositionAndAnEmptyGraph() {
        String broken = "slug: broken\nname: Broken\ntrigger:\n  webhook: {\nsteps: []\n";
        ApiClient.Response r = api.post("/api/v1/recipes/validate", "text/yaml", broken);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.path("valid").asBoolean()).isFalse();
        assertThat(body.path("errors").size()).isEqualTo(1);
        assertThat(body.path("errors").get(0).path("line").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(body.path("errors").get(0).path("column").asInt()).isPositive();
        assertThat(body.path("graph").toString()).isEqualTo("{\"nodes\":[],\"edges\":[]}");
    }

    @Test
    void otherMediaTypesAndOtherRolesAreRefused() {
        ApiClient.Response wrongType = api.post("/api/v1/recipes/validate", "text/plain", "slug: x");
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.header("content-type")).contains("application/problem+json");
        assertThat(anonymous.postYaml("/api/v1/recipes/validate", "slug: x").status()).isEqualTo(401);
    }
}
