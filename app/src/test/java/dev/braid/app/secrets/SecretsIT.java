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
}
