package dev.braid.app.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * A dry run ({@code POST /api/v1/recipes/test} with {@code dryRun: true}) shows, for each action, exactly what it
 * would have sent — HTTP method, URL with query, headers with credentials and secrets masked, body; SQL with its
 * bound parameters; Kafka topic, key, value, headers; the mail's envelope — and sends nothing.
 */
class DryRunRequestsIT extends BraidIntegrationTest {

    @Test
    void eachActionShowsWhatItWouldHaveSent() {
        braid.saveSecret("DRY_TOKEN", "dry-secret-token-1");
        braid.saveConnection(Map.of("name", "dry-crm", "connector", "http", "settings", Map.of(
                "baseUrl", stub.url("/api"), "auth", Map.of("type", "bearer", "token", "conn-secret-token-2"))));
        ApiClient.Response db = api.postJson("/api/v1/connections", Map.of("name", "dry-db", "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres")));
        assertThat(db.status()).as(db.body()).isIn(201, 409);
        braid.saveConnection(Map.of("name", "dry-mail", "connector", "mail", "settings", Map.of(
                "host", "127.0.0.1", "port", 2, "from", "braid@example.com")));
        String recipe = """
                slug: dry-run-requests
                name: Dry run
                trigger: { webhook: {} }
                steps:
                  - id: post
                    action: http.request
                    connection: dry-crm
                    with:
                      method: POST
                      url: "/orders"
                      query: { source: "{{ trigger.body.source }}" }
                      headers: { X-Api-Key: "{{ secrets.DRY_TOKEN }}" }
                      body: { id: "{{ trigger.body.id }}", total: 12.5 }
                  - id: save
                    action: sql.execute
                    connection: dry-db
                    with:
                      sql: "update orders set state = :state where id = :id"
                      params: { state: shipped, id: "{{ trigger.body.id }}" }
                  - id: publish
                    action: kafka.publish
                    with:
                      topic: orders.shipped
                      key: "{{ trigger.body.id }}"
                      value: { id: "{{ trigger.body.id }}", state: shipped }
                      headers: { source: braid }
                  - id: tell
                    action: mail.send
                    connection: dry-mail
                    with:
                      to: ops@example.com
                      cc: [audit@example.com]
                      subject: "Order {{ trigger.body.id }} shipped"
                      text: "It left the warehouse."
                """;
        ApiClient.Response r = api.postJson("/api/v1/recipes/test", Map.of("recipe", recipe,
                "trigger", Map.of("body", Map.of("id", "o-7", "source", "shop")), "dryRun", true));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode run = r.json();
        assertThat(run.path("status").asString()).as(r.body()).isEqualTo("succeeded");
        assertThat(stub.received()).isEmpty();

        JsonNode http = request(run, "post");
        assertThat(http.path("method").asString()).isEqualTo("POST");
        assertThat(http.path("url").asString()).isEqualTo(stub.url("/api/orders?source=shop"));
        assertThat(http.at("/headers/Authorization").asString()).isEqualTo("***");
        assertThat(http.at("/headers/X-Api-Key").asString()).isEqualTo("***");
        assertThat(http.at("/headers/Idempotency-Key").asString()).endsWith("/post");
        assertThat(http.at("/headers/Content-Type").asString()).isEqualTo("application/json");
        assertThat(http.path("body").toString()).isEqualTo("{\"id\":\"o-7\",\"total\":12.5}");

        JsonNode sql = request(run, "save");
        assertThat(sql.path("sql").asString()).isEqualTo("update orders set state = :state where id = :id");
        assertThat(sql.path("statement").asString()).isEqualTo("update orders set state = ? where id = ?");
        assertThat(sql.path("parameters").toString())
                .isEqualTo("[{\"name\":\"state\",\"value\":\"shipped\"},{\"name\":\"id\",\"value\":\"o-7\"}]");

        JsonNode kafka = request(run, "publish");
        assertThat(kafka.path("topic").asString()).isEqualTo("orders.shipped");
        assertThat(kafka.path("key").asString()).isEqualTo("o-7");
        assertThat(kafka.path("value").toString()).isEqualTo("{\"id\":\"o-7\",\"state\":\"shipped\"}");
        assertThat(kafka.at("/headers/source").asString()).isEqualTo("braid");
        assertThat(kafka.at("/headers/Idempotency-Key").asString()).endsWith("/publish");

        JsonNode mail = request(run, "tell");
        assertThat(mail.path("from").asString()).isEqualTo("braid@example.com");
        assertThat(mail.path("to").toString()).isEqualTo("[\"ops@example.com\"]");
        assertThat(mail.path("cc").toString()).isEqualTo("[\"audit@example.com\"]");
        assertThat(mail.path("subject").asString()).isEqualTo("Order o-7 shipped");
        assertThat(mail.path("text").asString()).isEqualTo("It left the warehouse.");

        assertThat(r.body()).doesNotContain("dry-secret-token-1").doesNotContain("conn-secret-token-2");
    }

    private static JsonNode request(JsonNode run, String step) {
        for (JsonNode s : run.path("steps").values()) {
            if (s.path("path").asString().equals(step)) {
                assertThat(s.at("/output/dryRun").asBoolean()).isTrue();
                assertThat(s.at("/output/action").asString()).isNotBlank();
                return s.at("/output/request");
            }
        }
        throw new AssertionError("no step " + step + " in " + run);
    }
}
