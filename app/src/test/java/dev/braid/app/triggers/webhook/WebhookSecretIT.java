package dev.braid.app.triggers.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;

/**
 * A webhook signed with a secret of the secret store, written as ARCHITECTURE §2 documents it:
 * {@code secret: "{{ secrets.HOOK_SECRET }}"}. As a user does it: the secret is created and rotated
 * through the API, the sender signs with the value; the value never shows in answers or logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookSecretIT extends BraidIntegrationTest {

    static final String FIRST = "whsec-41d7a2c9-first-value-must-not-leak";
    static final String ROTATED = "whsec-88b03e5f-rotated-value-must-not-leak";

    @Test
    void aWebhookSignedWithAStoredSecretIsAcceptedAndTheRotatedSecretTakesOver(CapturedOutput output) {
        assertThat(api.postJson("/api/v1/secrets", Map.of("name", "HOOK_SECRET", "value", FIRST)).status()).isEqualTo(201);
        braid.saveRecipe("""
                slug: shop-hook
                name: Signed by the shop
                trigger:
                  webhook:
                    secret: "{{ secrets.HOOK_SECRET }}"
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body.order }}" }
                """);

        byte[] body = "{\"order\":\"A-17\"}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        ApiClient.Response accepted = post("shop-hook", WebhookSignature.sign(FIRST, now, body), body);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().path("runId").asString()).isNotBlank();

        ApiClient.Response wrong = post("shop-hook", WebhookSignature.sign("not-the-secret", now, body), body);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("content-type")).contains("application/problem+json");
        assertThat(wrong.body()).doesNotContain(FIRST).doesNotContain("HOOK_SECRET");

        // Rotated through the API: the new value signs, the old one no longer does.
        assertThat(api.postJson("/api/v1/secrets", Map.of("name", "HOOK_SECRET", "value", ROTATED)).status()).isEqualTo(200);
        byte[] second = "{\"order\":\"A-18\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(post("shop-hook", WebhookSignature.sign(ROTATED, now, second), second).status()).isEqualTo(202);
        ApiClient.Response old = post("shop-hook", WebhookSignature.sign(FIRST, now, second), second);
        assertThat(old.status()).isEqualTo(401);
        assertThat(old.body()).doesNotContain(FIRST).doesNotContain(ROTATED);

        assertThat(sql.runCount("shop-hook")).isEqualTo(2);
        assertThat(output.getAll()).doesNotContain(FIRST).doesNotContain(ROTATED);
    }

    @Test
    void aMissingSecretRefusesTheSenderWithoutItsNameAndTellsTheOperator(CapturedOutput output) {
        // Saving is allowed: the secret may be created after the recipe (it is resolved when a webhook arrives).
        braid.saveRecipe("""
                slug: early-hook
                name: Saved before its secret
                trigger:
                  webhook:
                    secret: "{{ secrets.EARLY_HOOK_SECRET }}"
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body }}" } }
                """);

        byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        ApiClient.Response refused = post("early-hook", WebhookSignature.sign("whsec-early-value", now, body), body);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("content-type")).contains("application/problem+json");
        assertThat(refused.json().path("detail").asString()).contains("cannot be verified").doesNotContain("EARLY_HOOK_SECRET");
        assertThat(output.getAll()).contains("early-hook").contains("trigger.webhook.secret")
                .contains("EARLY_HOOK_SECRET").contains("does not exist");
        assertThat(sql.runCount("early-hook")).isZero();

        assertThat(api.postJson("/api/v1/secrets", Map.of("name", "EARLY_HOOK_SECRET", "value", "whsec-early-value")).status())
                .isEqualTo(201);
        assertThat(post("early-hook", WebhookSignature.sign("whsec-early-value", now, body), body).status()).isEqualTo(202);
        assertThat(sql.runCount("early-hook")).isEqualTo(1);
    }

    private ApiClient.Response post(String slug, String signature, byte[] body) {
        return anonymous.post("/hooks/" + slug, Map.of("Content-Type", "application/json", WebhookSignature.HEADER, signature), body);
    }
}
