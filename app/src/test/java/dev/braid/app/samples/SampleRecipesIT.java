package dev.braid.app.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import tools.jackson.databind.JsonNode;

/** Every sample recipe is accepted by the server and runs from a real webhook to the documented output. */
class SampleRecipesIT extends BraidIntegrationTest {

    @BeforeEach
    void createSamples() throws IOException {
        // The connections the samples name, as the README sets them up: embedded-db exists in the embedded
        // default (here pointed at the test database), warehouse is the one inventory-sync asks for.
        embeddedDb(api);
        if (api.get("/api/v1/connections/warehouse").status() == 404) {
            assertThat(api.postJson("/api/v1/connections", java.util.Map.of("name", "warehouse", "connector", "http",
                    "settings", java.util.Map.of("baseUrl", "http://127.0.0.1:" + port + "/hooks"))).status()).isEqualTo(201);
        }
        for (String file : sampleFiles()) {
            String yaml = resource("samples/" + file);
            ApiClient.Response saved = api.postYaml("/api/v1/recipes", yaml);
            assertThat(saved.status()).as(file + ": " + saved.body()).isIn(201, 409);
        }
    }

    @Test
    void helloWebhookGreetsAndBranchesOnVip() {
        JsonNode vip = runOutput("hello-webhook", "{\"name\": \"Ada\", \"vip\": true}");
        assertThat(vip.path("greeting").asString()).isEqualTo("Hello, Ada!");
        assertThat(vip.path("vip").asBoolean()).isTrue();
        JsonNode guest = runOutput("hello-webhook", "{\"name\": \"Bo\"}");
        assertThat(guest.path("vip").asBoolean()).isFalse();
    }

    @Test
    void orderFanoutSumsTheLinesAndDedupesByOrderId() {
        String order = """
                {"orderId": "SO-1001", "customer": "acme",
                 "items": [ {"sku": "BOLT-M6", "qty": 100, "unitPrice": 0.12},
                            {"sku": "NUT-M6",  "qty": 100, "unitPrice": 0.05},
                            {"sku": "DRILL-1", "qty": 1,   "unitPrice": 89.9} ] }""";
        ApiClient.Response first = anonymous.postJson("/hooks/order-fanout", order);
        String runId = first.json().path("runId").asString();
        JsonNode run = braid.awaitStatus(runId, "succeeded");
        assertThat(run.toString()).contains("106.9");
        ApiClient.Response again = anonymous.postJson("/hooks/order-fanout", order);
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(again.json().path("runId").asString()).isEqualTo(runId);
    }

    @Test
    void syncEchoAnswersWithTheRunOutput() {
        ApiClient.Response answer = anonymous.postJson("/hooks/sync-echo?source=docs", "{\"message\": \"ping\", \"count\": 3}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("output").path("echo").path("message").asString()).isEqualTo("ping");
        assertThat(answer.json().path("output").path("query").path("source").asString()).isEqualTo("docs");
    }

    private JsonNode runOutput(String slug, String body) {
        String runId = anonymous.postJson("/hooks/" + slug, body).json().path("runId").asString();
        return braid.awaitStatus(runId, "succeeded").path("output");
    }

    /**
     * The connection the embedded default creates for samples that work on tables ({@code embedded-db},
     * schema demo), here on the test database: the test context configures a datasource, so the server's
     * own embedded default (and with it that connection) is off.
     */
    static void embeddedDb(ApiClient api) {
        ApiClient.Response created = api.postJson("/api/v1/connections", Map.of("name", "embedded-db", "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres", "schema", "demo")));
        assertThat(created.status()).as(created.body()).isIn(201, 409);
    }

    static List<String> sampleFiles() throws IOException {
        return resource("samples/index.txt").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    static String resource(String path) throws IOException {
        try (InputStream in = SampleRecipesIT.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
