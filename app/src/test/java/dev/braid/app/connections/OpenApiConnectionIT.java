package dev.braid.app.connections;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.Braid;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/**
 * The {@code openapi} connector through the API (issue 20 item 5): a connection holding the Swagger Petstore 3
 * document, its operations at {@code GET /api/v1/connections/{name}/operations}, recipes checked against it when
 * saved (errors with their lines), and runs whose calls reach a stub as the document places them.
 */
class OpenApiConnectionIT extends BraidIntegrationTest {

    /** The connectors module's copy: one Petstore document for both modules' tests. */
    private static final Path PETSTORE = Path.of("../connectors/src/test/resources/openapi/petstore3.yaml");

    private String connection;

    @BeforeEach
    void petstore() throws IOException {
        connection = "petstore-" + System.nanoTime();
        braid.saveConnection(Map.of("name", connection, "connector", "openapi", "settings", Map.of(
                "document", Files.readString(PETSTORE), "baseUrl", stub.url("/api/v3"),
                "auth", Map.of("type", "bearer", "token", "pet-token-8841"))));
    }

    @Test
    void theOperationsOfTheDocumentAreListedWithTheirSchemas() {
        ApiClient.Response answer = api.get("/api/v1/connections/" + connection + "/operations");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode items = answer.json().path("items");
        assertThat(items).hasSize(19);
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        items.forEach(o -> byId.put(o.path("operationId").asString(), o));
        assertThat(byId).containsKeys("addPet", "updatePet", "findPetsByStatus", "findPetsByTags", "getPetById", "deletePet",
                "placeOrder", "getOrderById", "createUser", "loginUser");
        JsonNode findByStatus = byId.get("findPetsByStatus");
        assertThat(findByStatus.path("method").asString()).isEqualTo("GET");
        assertThat(findByStatus.path("path").asString()).isEqualTo("/pet/findByStatus");
        assertThat(findByStatus.path("parameters").path(0).path("in").asString()).isEqualTo("query");
        assertThat(findByStatus.path("parameters").path(0).path("schema").path("enum").toString())
                .isEqualTo("[\"available\",\"pending\",\"sold\"]");
        JsonNode order = byId.get("placeOrder").path("requestBody").path("schema");
        assertThat(order.path("title").asString()).isEqualTo("Order");
        assertThat(order.path("properties").path("status").path("enum")).hasSize(3);
        assertThat(answer.body()).doesNotContain("pet-token-8841");
    }

    @Test
    void operationsOfAnUnknownOrANonOpenApiConnectionAreRefused() {
        ApiClient.Response unknown = api.get("/api/v1/connections/no-such-connection/operations");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");

        braid.saveConnection(Map.of("name", "plain-http-" + System.nanoTime() % 100000, "connector", "http",
                "settings", Map.of("baseUrl", stub.url("/"))));
        String http = api.get("/api/v1/connections").json().path("items").valueStream()
                .filter(c -> c.path("connector").asString().equals("http")).findFirst().orElseThrow().path("name").asString();
        ApiClient.Response notOpenApi = api.get("/api/v1/connections/" + http + "/operations");
        assertThat(notOpenApi.status()).isEqualTo(400);
        assertThat(notOpenApi.json().path("detail").asString()).contains("is a 'http' connection", "openapi");
    }

    @Test
    void aRecipeIsCheckedAgainstTheDocumentWhenSavedWithLinesAndFixes() {
        ApiClient.Response refused = api.postYaml("/api/v1/recipes", """
                slug: pets-bad
                name: Pets bad
                trigger:
                  manual: {}
                steps:
                  - id: pet
                    action: openapi.call
                    connection: %s
                    with:
                      operation: getPet
                  - id: sold
                    action: openapi.call
                    connection: %s
                    with:
                      operation: findPetsByStatus
                      parameters:
                        staus: sold
                  - id: add
                    action: openapi.call
                    connection: %s
                    with:
                      operation: addPet
                      body:
                        name: "{{ trigger.body.name }}"
                        photoUrls: []
                        status: lost
                """.formatted(connection, connection, connection));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        List<String> errors = new ArrayList<>();
        refused.json().path("errors").forEach(e -> errors.add(e.path("line").asInt() + " " + e.path("path").asString()
                + " " + e.path("message").asString()));
        assertThat(errors).hasSize(4);
        assertThat(errors.get(0)).startsWith("10 steps[0].with.operation Unknown operation 'getPet'").contains("did you mean 'getPetById'?");
        assertThat(errors.get(1)).startsWith("16 steps[1].with.parameters")
                .contains("needs the query parameter 'status'");
        assertThat(errors.get(2)).startsWith("17 steps[1].with.parameters.staus").contains("did you mean 'status'?");
        assertThat(errors.get(3)).startsWith("26 steps[2].with.body.status").contains("available");
    }

    @Test
    void aCallReachesTheApiAsTheDocumentPlacesItsParametersAndBody() {
        stub.reply("/api/v3/pet/findByStatus", n -> Reply.json(200, "[{\"id\": 42, \"name\": \"Rex\", \"photoUrls\": []}]"));
        stub.reply("/api/v3/store/order", n -> Reply.json(200, "{\"id\": 9, \"status\": \"placed\"}"));
        braid.saveRecipe("""
                slug: pets-order
                name: Pets order
                trigger:
                  manual: {}
                steps:
                  - id: sold
                    action: openapi.call
                    connection: %s
                    with:
                      operation: findPetsByStatus
                      parameters: { status: "{{ trigger.body.status }}" }
                  - id: order
                    action: openapi.call
                    connection: %s
                    with:
                      operation: placeOrder
                      body:
                        petId: "{{ steps.sold.output.body[0].id }}"
                        quantity: 1
                        status: placed
                """.formatted(connection, connection));

        JsonNode run = braid.awaitEnd(braid.startRun("pets-order", "{\"status\": \"sold\"}"));

        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        StubServer.Received find = stub.received("/api/v3/pet/findByStatus").getFirst();
        assertThat(find.method()).isEqualTo("GET");
        assertThat(find.query()).isEqualTo("status=sold");
        assertThat(find.authorization()).isEqualTo("Bearer pet-token-8841");
        StubServer.Received order = stub.received("/api/v3/store/order").getFirst();
        assertThat(order.method()).isEqualTo("POST");
        assertThat(tools.jackson.databind.json.JsonMapper.shared().readTree(order.body()))
                .isEqualTo(tools.jackson.databind.json.JsonMapper.shared().readTree("{\"petId\":42,\"quantity\":1,\"status\":\"placed\"}"));
        assertThat(order.idempotencyKey()).isEqualTo(run.path("id").asString() + "/order");
        assertThat(Braid.step(run, "order").path("output").path("body").path("id").asInt()).isEqualTo(9);
    }

    @Test
    void aRetryable503WithRetryAfterIsRetriedAndThenSucceeds() {
        stub.reply("/api/v3/pet/7", n -> n == 1 ? Reply.json(503, "{\"busy\": true}").withHeader("Retry-After", "1")
                : Reply.json(200, "{\"id\": 7, \"name\": \"Rex\"}"));
        braid.saveRecipe("""
                slug: pets-retry
                name: Pets retry
                trigger:
                  manual: {}
                retry: { maxAttempts: 3, initialDelay: 100ms }
                steps:
                  - id: pet
                    action: openapi.call
                    connection: %s
                    with:
                      operation: getPetById
                      parameters: { petId: 7 }
                """.formatted(connection));

        JsonNode run = braid.awaitEnd(braid.startRun("pets-retry", "{}"));

        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(Braid.step(run, "pet").path("attempts").asInt()).isEqualTo(2);
        List<StubServer.Received> calls = stub.received("/api/v3/pet/7");
        assertThat(calls).hasSize(2);
        assertThat(java.time.Duration.between(calls.get(0).at(), calls.get(1).at()))
                .as("Retry-After: 1 wins over the 100ms backoff").isGreaterThanOrEqualTo(java.time.Duration.ofMillis(900));
    }
}
