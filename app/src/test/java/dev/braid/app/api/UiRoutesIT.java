package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;

/** Deep links of DESIGN §9 work on reload: every page path answers the app, signed in or not; the API stays closed. */
class UiRoutesIT extends BraidIntegrationTest {

    @Test
    void everyPagePathServesTheApp() {
        for (String page : UiRoutes.PAGES) {
            String path = page.replace("{id}", "0190f3a4-7b1c-7d2e-9f00-1234567890ab").replace("{slug}", "order-sync");
            ApiClient.Response answer = anonymous.get(path + (path.equals("/runs") ? "?status=failed&recipe=order-sync" : ""));
            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.header("content-type")).as(path).startsWith("text/html");
            assertThat(answer.body()).as(path).contains("<div id=\"root\"></div>");
        }
    }

    @Test
    void theApiAndUnknownPathsAreNotTheApp() {
        assertThat(anonymous.get("/api/v1/runs").status()).isEqualTo(401);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(401);
        assertThat(anonymous.get("/runs/a/b/c").status()).isEqualTo(404);
        assertThat(anonymous.post("/runs", "application/json", "{}").status()).isNotEqualTo(200);
    }
}
