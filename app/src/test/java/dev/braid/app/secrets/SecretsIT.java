package dev.braid.app.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.TestDatabase;

/** A secret's plaintext reaches the target and nowhere else: not the API, the run history, the logs or the database files. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsIT extends BraidIntegrationTest {

    static final String TOKEN = "tok-9f2c61d0-plaintext-must-not-leak";

    @Test
    void aSecretIsUsedByARunAndAppearsNowhereElse(CapturedOutput output) throws java.io.IOException {
        ApiClient.Response created = api.postJson("/api/v1/secrets", Map.of("name", "API_TOKEN", "value", TOKEN));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(TOKEN);
        assertThat(api.postJson("/api/v1/secrets", Map.of("name", "API_TOKEN", "value", TOKEN)).status()).isEqualTo(200);

        braid.saveRecipe("""
                slug: uses-secret
                name: Uses a secret
                trigger:
                  webhook: {}
                steps:
                  - id: call
                    action: http.request
                    with:
                      method: POST
                      url: "%s"
                      headers: { Authorization: "Bearer {{ secrets.API_TOKEN }}" }
                      body: { note: "token is {{ secrets.API_TOKEN }}" }
                  - id: say
                    action: core.log
                    with: { message: "used {{ secrets.API_TOKEN }}" }
                """.formatted(stub.url("/secured")));
        String runId = braid.webhook("uses-secret", "{}");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "succeeded".equals(api.get("/api/v1/runs/" + runId).json().path("status").asString()));

        // The target got the real value ...
        assertThat(stub.received("/secured").getFirst().body()).contains(TOKEN);
        // ... the history shows stars.
        String run = api.get("/api/v1/runs/" + runId).body();
        assertThat(run).doesNotContain(TOKEN).contains("Bearer ***").contains("token is ***");
        String logs = api.get("/api/v1/runs/" + runId + "/logs").body();
        assertThat(logs).doesNotContain(TOKEN).contains("used ***");
        assertThat(api.get("/api/v1/secrets").body()).contains("API_TOKEN").doesNotContain(TOKEN);
        assertThat(api.get("/api/v1/secrets/API_TOKEN").body()).doesNotContain(TOKEN);
        String test = api.postJson("/api/v1/recipes/uses-secret/test", Map.of("trigger", Map.of("body", Map.of()), "dryRun", true)).body();
        assertThat(test).doesNotContain(TOKEN).contains("***");

        assertThat(output.getAll()).doesNotContain(TOKEN);
        // Control: text stored in plain (a webhook body) is found by the same search, so the search can fail.
        String control = "control-8e2d5b-stored-in-plain";
        anonymous.postJson("/hooks/uses-secret", "{\"note\":\"" + control + "\"}");
        jdbc.sql("checkpoint").update();
        assertThat(TestDatabase.filesContaining(control)).isNotEmpty();
        assertThat(TestDatabase.filesContaining(TOKEN)).isEmpty();
    }

    @Test
    void secretNamesAndValuesAreChecked() {
        ApiClient.Response badName = api.postJson("/api/v1/secrets", Map.of("name", "not-an-identifier", "value", "x"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(api.postJson("/api/v1/secrets", Map.of("name", "EMPTY", "value", "")).status()).isEqualTo(400);
        assertThat(api.delete("/api/v1/secrets/NEVER_CREATED").status()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/secrets").status()).isEqualTo(401);
    }

    /**
     * A secret sealed by a node with another master key (a cluster whose nodes were not given the same
     * BRAID_MASTER_KEY): the runs that do not use it run; those that do fail at once, naming the secret and
     * the fix — never a run that every node claims and drops until it is given up as poison.
     */
    @Test
    void aSecretSealedWithAnotherKeyFailsOnlyTheRunsThatUseItAndSaysWhy(CapturedOutput output) throws Exception {
        braid.saveSecret("OTHER_NODE_TOKEN", "placeholder");
        byte[] foreignKey = new byte[32];
        new java.security.SecureRandom().nextBytes(foreignKey);
        SecretBox otherNode = new SecretBox(new javax.crypto.spec.SecretKeySpec(foreignKey, "AES"), null);
        jdbc.sql("update secrets set value = ? where name = 'OTHER_NODE_TOKEN'")
                .param(otherNode.seal("sealed-elsewhere", SecretStore.bound("OTHER_NODE_TOKEN"))).update();
        try {
            braid.saveRecipe("""
                    slug: foreign-secret-unused
                    name: Uses no secret
                    trigger: { webhook: {} }
                    steps:
                      - { id: echo, action: core.transform, with: { value: "{{ trigger.body.n }}" } }
                    """);
            braid.saveRecipe("""
                    slug: foreign-secret-used
                    name: Uses the secret sealed elsewhere
                    trigger: { webhook: {} }
                    steps:
                      - { id: echo, action: core.transform, with: { value: "Bearer {{ secrets.OTHER_NODE_TOKEN }}" } }
                    """);
            await().pollDelay(Duration.ofMillis(1100)).until(() -> true); // the node's secrets are cached for a second
            braid.awaitStatus(braid.webhook("foreign-secret-unused", "{\"n\": 1}"), "succeeded", Duration.ofSeconds(20));
            var failed = braid.awaitStatus(braid.webhook("foreign-secret-used", "{\"n\": 2}"), "failed", Duration.ofSeconds(20));
            assertThat(failed.path("attempt").asInt()).isEqualTo(1);
            assertThat(failed.path("error").path("type").asString()).isEqualTo("secret.unreadable");
            assertThat(failed.path("error").path("message").asString())
                    .contains("OTHER_NODE_TOKEN").contains("BRAID_MASTER_KEY");
            assertThat(output.getAll()).contains("cannot be opened with this node's master key: OTHER_NODE_TOKEN");
        } finally {
            api.delete("/api/v1/secrets/OTHER_NODE_TOKEN"); // later tests' runs open every secret
        }
    }
}
