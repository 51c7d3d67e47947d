package dev.braid.app.connections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer.Reply;
import dev.braid.app.support.TestDatabase;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/connections/{name}/test} (issue 16): each connector that can reaches its system with
 * the stored settings, secrets opened, and answers {@code {ok, detail, durationMs}} — the secret never in it.
 */
class ConnectionTestIT extends BraidIntegrationTest {

    @Test
    void anHttpConnectionIsTestedWithItsAuthAndAFailingOneSaysWhy() {
        stub.reply("/api/", n -> Reply.json(200, "{\"up\":true}"));
        braid.saveConnection(Map.of("name", "test-http-up", "connector", "http",
                "settings", Map.of("baseUrl", stub.url("/api/"), "auth", Map.of("type", "bearer", "token", "tok-secret-1234"))));
        JsonNode up = test("test-http-up");
        assertThat(up.path("ok").asBoolean()).as(up.toString()).isTrue();
        assertThat(up.path("detail").asString()).contains("GET").contains("answered 200");
        assertThat(up.path("durationMs").isIntegralNumber()).isTrue();
        assertThat(stub.received("/api/")).hasSize(1);

        stub.reply("/down/", n -> Reply.json(503, "{\"maintenance\":\"tok-secret-1234\"}"));
        braid.saveConnection(Map.of("name", "test-http-down", "connector", "http",
                "settings", Map.of("baseUrl", stub.url("/down/"), "auth", Map.of("type", "bearer", "token", "tok-secret-1234"))));
        JsonNode down = test("test-http-down");
        assertThat(down.path("ok").asBoolean()).isFalse();
        assertThat(down.path("detail").asString()).contains("503").doesNotContain("tok-secret-1234");
    }

    @Test
    void aSqlConnectionRunsSelectOneAndAWrongPasswordFails() {
        braid.saveConnection(Map.of("name", "test-sql-good", "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "postgres", "password", "postgres")));
        JsonNode good = test("test-sql-good");
        assertThat(good.path("ok").asBoolean()).as(good.toString()).isTrue();
        assertThat(good.path("detail").asString()).contains("select 1").contains("PostgreSQL");

        braid.saveConnection(Map.of("name", "test-sql-bad", "connector", "sql",
                "settings", Map.of("url", TestDatabase.jdbcUrl(), "username", "nobody-here", "password", "wrong-pass-5678")));
        JsonNode bad = test("test-sql-bad");
        assertThat(bad.path("ok").asBoolean()).isFalse();
        assertThat(bad.path("detail").asString()).contains("select 1 failed").doesNotContain("wrong-pass-5678");
    }

    @Test
    void aKafkaConnectionDescribesTheCluster() {
        braid.saveConnection(Map.of("name", "test-kafka", "connector", "kafka",
                "settings", Map.of("bootstrapServers", TestKafka.bootstrapServers())));
        JsonNode found = test("test-kafka");
        assertThat(found.path("ok").asBoolean()).as(found.toString()).isTrue();
        assertThat(found.path("detail").asString()).contains("cluster").contains("1 broker");
    }

    @Test
    void anUnknownConnectionIsNotFound() {
        ApiClient.Response missing = api.postJson("/api/v1/connections/no-such-connection/test", "{}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("no-such-connection");
    }

    private JsonNode test(String name) {
        ApiClient.Response answer = api.postJson("/api/v1/connections/" + name + "/test", "{}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }
}
