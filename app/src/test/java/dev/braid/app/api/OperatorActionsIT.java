package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/** Operator actions on runs (ARCHITECTURE §4): retry now, cancel; both refuse statuses they do not apply to. */
class OperatorActionsIT extends BraidIntegrationTest {

    final AtomicBoolean healthy = new AtomicBoolean(false);

    @BeforeEach
    void setUp() {
        stub.reply("/target", n -> healthy.get() ? Reply.json(200, "{\"ok\":true}") : Reply.json(500, "{\"down\":true}"));
    }

    @Test
    void aFailedRunRetriedAfterTheTargetIsFixedSucceedsAsTheSameRunAndResolvesItsDeadLetter() {
        create("op-retry", "retry: { maxAttempts: 1 }");
        String runId = trigger("op-retry");
        JsonNode failed = braid.awaitStatus(runId, "failed");
        String deadLetterId = failed.path("deadLetterId").asString();
        assertThat(deadLetterId).isNotEmpty();
        healthy.set(true);

        ApiClient.Response retried = api.postJson("/api/v1/runs/" + runId + "/retry", "{}");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("status").asString()).isEqualTo("queued");
        JsonNode run = braid.awaitStatus(runId, "succeeded");
        assertThat(run.path("error").isNull()).isTrue();
        assertThat(stub.received("/target")).hasSize(2);
        JsonNode dead = api.get("/api/v1/dead-letters/" + deadLetterId).json();
        assertThat(dead.path("status").asString()).isEqualTo("replayed");
        assertThat(dead.path("replays").size()).isEqualTo(1);
        assertThat(dead.path("replays").get(0).path("from").asString()).isEqualTo("retry");
        assertThat(dead.path("replays").get(0).path("runId").asString()).isEqualTo(runId);
        assertThat(api.get("/api/v1/runs/" + runId + "/logs").body()).contains("Retried by admin");

        ApiClient.Response again = api.postJson("/api/v1/runs/" + runId + "/retry", "{}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("succeeded").contains("failed").contains("retrying").contains("waiting");
    }

    @Test
    void aRetryingRunIsCancelledAndNeverCalledAgain() {
        create("op-cancel", "retry: { maxAttempts: 3, initialDelay: 1h, maxDelay: 1h }");
        String runId = trigger("op-cancel");
        braid.awaitStatus(runId, "retrying");

        ApiClient.Response cancelled = api.postJson("/api/v1/runs/" + runId + "/cancel", "{}");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("status").asString()).isEqualTo("cancelled");
        assertThat(run.path("finishedAt").asString()).isNotEmpty();
        assertThat(stub.received("/target")).hasSize(1);

        ApiClient.Response twice = api.postJson("/api/v1/runs/" + runId + "/cancel", "{}");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.body()).contains("cancelled");
        assertThat(api.postJson("/api/v1/runs/" + runId + "/retry", "{}").status()).isEqualTo(409);
        assertThat(api.postJson("/api/v1/runs/0190f3a4-7b1c-7d2e-9f00-1234567890ab/cancel", "{}").status())
                .isEqualTo(404);
    }

    private void create(String slug, String retry) {
        braid.saveRecipe("""
                slug: %s
                name: %s
                trigger:
                  webhook: {}
                %s
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s" }
                """.formatted(slug, slug, retry, stub.url("/target")));
    }

    private String trigger(String slug) {
        return braid.webhook(slug, "{\"order\":1}");
    }
}
