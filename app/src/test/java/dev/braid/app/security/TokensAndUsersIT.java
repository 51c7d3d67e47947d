package dev.braid.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** API tokens through their whole life, the users API's guards, and the audit log that records both. */
class TokensAndUsersIT extends BraidIntegrationTest {

    @Test
    void aTokenIsShownOnceWorksAsItsOwnerAndIsRefusedAfterRevocation() {
        createUser("token-owner", "operator");
        ApiClient owner = ApiClient.user(port, "token-owner", "owner-password-1");

        ApiClient.Response created = owner.postJson("/api/v1/tokens", Map.of("name", "ci-deploy"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.json().path("token").asString();
        String id = created.json().path("id").asString();
        assertThat(secret).startsWith("brd_").hasSizeGreaterThan(40);
        assertThat(jdbc.sql("select token_hash from api_tokens where id = ?::uuid").param(id).query(String.class).single())
                .as("only a hash is stored").isNotEqualTo(secret).hasSize(64);

        ApiClient bearer = ApiClient.bearer(port, secret);
        assertThat(bearer.get("/api/v1/runs").status()).as("reads as the operator").isEqualTo(200);
        assertThat(bearer.postJson("/api/v1/connections", Map.of("name", "x", "connector", "http",
                "settings", Map.of("baseUrl", "https://example.org"))).status()).as("with the owner's roles only").isEqualTo(403);
        JsonNode listed = owner.get("/api/v1/tokens").json().path("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).has("token")).as("the secret is never listed").isFalse();
        assertThat(listed.get(0).path("lastUsedAt").isString()).isTrue();

        ApiClient.Response revoked = owner.delete("/api/v1/tokens/" + id);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().path("revokedAt").isString()).isTrue();
        ApiClient.Response after = bearer.get("/api/v1/runs");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.body()).contains("unknown or revoked");
        assertThat(ApiClient.bearer(port, "brd_forged").get("/api/v1/runs").status()).isEqualTo(401);
    }

    @Test
    void someoneElsesTokenCannotBeRevokedButAnAdminCan() {
        createUser("token-a", "viewer");
        createUser("token-b", "viewer");
        String id = ApiClient.user(port, "token-a", "owner-password-1").postJson("/api/v1/tokens", Map.of("name", "a"))
                .json().path("id").asString();

        assertThat(ApiClient.user(port, "token-b", "owner-password-1").delete("/api/v1/tokens/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/tokens/" + id).status()).isEqualTo(200);
    }

    @Test
    void usersAreCheckedAndTheLastAdminIsKept() {
        assertThat(api.postJson("/api/v1/users", Map.of("username", "weak", "password", "short", "roles", List.of("viewer")))
                .body()).contains("password");
        ApiClient.Response badRole = api.postJson("/api/v1/users",
                Map.of("username", "typo", "password", "long-enough-pass", "roles", List.of("superuser")));
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.body()).contains("superuser").contains("roles");
        ApiClient.Response lastAdmin = api.put("/api/v1/users/admin", "application/json", "{\"roles\": [\"viewer\"]}");
        assertThat(lastAdmin.status()).as(lastAdmin.body()).isEqualTo(409);
        assertThat(api.delete("/api/v1/users/admin").status()).as("not yourself").isEqualTo(409);

        createUser("demoted", "builder");
        ApiClient demoted = ApiClient.user(port, "demoted", "owner-password-1");
        assertThat(demoted.get("/api/v1/users").status()).isEqualTo(403);
        assertThat(api.put("/api/v1/users/demoted", "application/json", "{\"roles\": [\"admin\"]}").status()).isEqualTo(200);
        assertThat(demoted.get("/api/v1/users").status()).as("a role change applies at once").isEqualTo(200);
        assertThat(api.put("/api/v1/users/demoted", "application/json", "{\"password\": \"a-new-password-2\"}").status())
                .isEqualTo(200);
        assertThat(demoted.get("/api/v1/users").status()).as("the old password stops working").isEqualTo(401);
        assertThat(api.delete("/api/v1/users/demoted").status()).isEqualTo(204);
    }

    @Test
    void theAuditLogSaysWhoChangedWhatAndNotWhoRead() {
        createUser("auditor", "builder");
        ApiClient builder = ApiClient.user(port, "auditor", "owner-password-1");
        assertThat(builder.postYaml("/api/v1/recipes", """
                slug: audited
                name: Audited
                trigger:
                  webhook: {}
                steps:
                  - id: a
                    action: core.transform
                    with: { value: 1 }
                """).status()).isEqualTo(201);
        assertThat(builder.post("/api/v1/recipes/audited/disable", "application/json", "").status()).isEqualTo(200);
        builder.get("/api/v1/recipes/audited");
        assertThat(builder.delete("/api/v1/recipes/no-such-recipe").status()).isEqualTo(404);

        JsonNode items = api.get("/api/v1/audit?user=auditor").json().path("items");
        assertThat(items).extracting(i -> i.path("action").asString() + " " + i.path("target").asString())
                .containsExactly(
                        "POST /api/v1/recipes/{slug}/disable /api/v1/recipes/audited/disable",
                        "POST /api/v1/recipes /api/v1/recipes");
        assertThat(items.get(0).path("user").asString()).isEqualTo("auditor");
        assertThat(items.get(0).path("at").isString()).isTrue();
    }

    private void createUser(String name, String role) {
        ApiClient.Response created = api.postJson("/api/v1/users",
                Map.of("username", name, "password", "owner-password-1", "roles", List.of(role)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }
}
