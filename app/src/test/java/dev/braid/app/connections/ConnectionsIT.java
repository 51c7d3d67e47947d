package dev.braid.app.connections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import tools.jackson.databind.JsonNode;

/** Connections are typed by their connector, checked against its schema, and keep secret fields write-only. */
class ConnectionsIT extends BraidIntegrationTest {

    static final String PASSWORD = "pw-3b1f9c-never-shown";

    @org.springframework.beans.factory.annotation.Autowired
    Connections connections;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void flowControlIsStoredReturnedValidatedAndReplacedByPut() throws java.io.IOException {
        ApiClient.Response created = api.postJson("/api/v1/connections", Map.of("name", "limited", "connector", "http",
                "settings", Map.of("baseUrl", "https://crm.example/api"),
                "circuitBreaker", Map.of("minimumCalls", 3, "slidingWindow", 3, "openFor", "2s"),
                "rateLimit", Map.of("requests", 2, "per", "1s")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("circuitBreaker").path("openFor").asString()).isEqualTo("2s");
        assertThat(created.json().path("rateLimit").path("requests").asInt()).isEqualTo(2);
        assertThat(jdbc.sql("select flow_control->'rateLimit'->>'per' from connections where name = 'limited'")
                .query(String.class).single()).isEqualTo("1s");

        ApiClient.Response bad = api.put("/api/v1/connections/limited", "application/json",
                "{\"settings\": {\"baseUrl\": \"https://crm.example/api\"}, \"circuitBreaker\": {\"openFor\": \"soon\"}}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("circuitBreaker.openFor").contains("10s");
        ApiClient.Response unknown = api.put("/api/v1/connections/limited", "application/json",
                "{\"settings\": {\"baseUrl\": \"https://crm.example/api\"}, \"rateLimit\": {\"requests\": 1, \"per\": \"1s\", \"burst\": 2}}");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.body()).contains("rateLimit.burst");

        ApiClient.Response replaced = api.put("/api/v1/connections/limited", "application/json",
                "{\"settings\": {\"baseUrl\": \"https://crm.example/api\"}, \"rateLimit\": {\"requests\": 5, \"per\": \"1m\"}}");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().has("circuitBreaker")).isFalse();
        assertThat(replaced.json().path("rateLimit").path("per").asString()).isEqualTo("1m");
    }

    @Test
    void secretFieldsAreWriteOnlyAndAPutWithoutThemKeepsThem() throws java.io.IOException {
        ApiClient.Response created = api.postJson("/api/v1/connections", Map.of("name", "warehouse", "connector", "http",
                "settings", Map.of("baseUrl", "https://crm.example/api", "auth", Map.of("type", "bearer", "token", PASSWORD))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(PASSWORD);
        assertThat(created.json().path("settings").path("auth").has("token")).isFalse();
        assertThat(created.json().path("settings").path("auth").path("type").asString()).isEqualTo("bearer");
        assertThat(created.json().path("secretFields").toString()).contains("auth.token");

        ApiClient.Response updated = api.put("/api/v1/connections/warehouse", "application/json",
                "{\"settings\": {\"baseUrl\": \"https://crm.example/v2\", \"auth\": {\"type\": \"bearer\"}}}");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().path("settings").path("baseUrl").asString()).isEqualTo("https://crm.example/v2");
        assertThat(updated.json().path("secretFields").toString()).contains("auth.token");
        assertThat(connections.resolve("warehouse").orElseThrow().settings().path("auth").path("token").asString())
                .isEqualTo(PASSWORD);
        assertThat(api.get("/api/v1/connections").body()).contains("warehouse").doesNotContain(PASSWORD);
        assertThat(api.get("/api/v1/connections/warehouse").body()).doesNotContain(PASSWORD);
        // Sealed at rest: the database files hold no plaintext of it.
        jdbc.sql("checkpoint").update();
        assertThat(TestDatabase.filesContaining(PASSWORD)).isEmpty();

        assertThat(api.postJson("/api/v1/connections", Map.of("name", "warehouse", "connector", "http",
                "settings", Map.of())).status()).isEqualTo(409);
        assertThat(api.delete("/api/v1/connections/warehouse").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/connections/warehouse").status()).isEqualTo(404);
    }

    @Test
    void settingsAreCheckedAgainstTheConnectorsSchema() {
        ApiClient.Response unknown = api.postJson("/api/v1/connections", Map.of("name", "x1", "connector", "ftp", "settings", Map.of()));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("path").asString()).isEqualTo("connector");

        ApiClient.Response missingHost = api.postJson("/api/v1/connections", Map.of("name", "x2", "connector", "mail",
                "settings", Map.of("port", 25)));
        assertThat(missingHost.status()).isEqualTo(400);
        assertThat(missingHost.body()).contains("host");

        assertThat(api.postJson("/api/v1/connections", Map.of("name", "Bad Name", "connector", "mail",
                "settings", Map.of("host", "smtp.example"))).status()).isEqualTo(400);
    }

    @Test
    void aRecipeIsCheckedAgainstTheCatalogueWhenSaved() {
        api.postJson("/api/v1/connections", Map.of("name", "reports-db", "connector", "mail",
                "settings", Map.of("host", "smtp.example")));
        ApiClient.Response answer = api.postYaml("/api/v1/recipes", """
                slug: catalogue-checked
                name: Checked against the catalogue
                trigger:
                  webhook: {}
                steps:
                  - id: wrongType
                    action: http.request
                    connection: reports-db
                    with: { url: "/x" }
                  - id: missingInput
                    action: http.request
                    with: { method: GET }
                  - id: noSuchConnection
                    action: http.request
                    connection: nowhere
                    with: { url: "/y" }
                  - id: unknownAction
                    action: http.fetch
                """);
        assertThat(answer.status()).isEqualTo(400);
        JsonNode errors = answer.json().path("errors");
        assertThat(errors.toString())
                .contains("'reports-db' is a 'mail' connection; action 'http.request' needs a 'http' connection")
                .contains("needs the input 'url'")
                .contains("Connection 'nowhere' does not exist")
                .contains("Unknown action 'http.fetch'");
        assertThat(errors.findValues("line")).extracting(JsonNode::asInt).contains(8, 12, 15, 18);
    }

    @Test
    void theCatalogueListsConnectorsActionsAndSchemas() {
        JsonNode catalogue = api.get("/api/v1/connectors").json();
        assertThat(catalogue.path("items").findValuesAsString("name")).contains("core", "http", "mail", "sql", "core.log", "http.request", "mail.send", "sql.query", "sql.batchInsert");
        assertThat(catalogue.toString()).contains("inputSchema").contains("connectionSchema");
        for (JsonNode connector : catalogue.path("items")) {
            for (JsonNode action : connector.path("actions")) {
                assertThat(action.path("example").path("with").isObject()).as(action.path("name").asString()).isTrue();
            }
        }
    }
}
