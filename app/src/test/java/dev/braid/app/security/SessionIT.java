package dev.braid.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The UI's browser session: sign in with a CSRF token, ride on the session cookie, every change
 * without the token refused, sign out; API clients with Basic credentials are unaffected.
 */
class SessionIT extends BraidIntegrationTest {

    /** A browser, as far as cookies go. */
    final class Browser {
        final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> send(String method, String path, String json, boolean withToken) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                b.header("Content-Type", "application/json");
            }
            if (withToken) {
                b.header("X-XSRF-TOKEN", cookie("XSRF-TOKEN"));
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        String cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                    .map(HttpCookie::getValue).findFirst().orElse(null);
        }
    }

    @Test
    void aBrowserSignsInWithTheCsrfTokenChangesWithItOnlyAndSignsOut() throws Exception {
        ApiClient admin = api;
        admin.postJson("/api/v1/users", Map.of("username", "ui-builder", "password", "ui-password-123", "roles", java.util.List.of("builder")));
        assertThat(admin.postYaml("/api/v1/recipes", """
                slug: ui-recipe
                name: UI
                trigger:
                  webhook: {}
                steps:
                  - id: a
                    action: core.transform
                    with: { value: 1 }
                """).status()).isEqualTo(201);
        Browser browser = new Browser();

        HttpResponse<String> anonymous = browser.send("GET", "/api/v1/session", null, false);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(json(anonymous).path("authenticated").asBoolean()).isFalse();
        assertThat(browser.cookie("XSRF-TOKEN")).isNotBlank();
        String credentials = "{\"username\": \"ui-builder\", \"password\": \"ui-password-123\"}";

        assertThat(browser.send("POST", "/api/v1/session", credentials, false).statusCode()).as("sign-in without the token")
                .isEqualTo(403);
        assertThat(browser.send("POST", "/api/v1/session", "{\"username\": \"ui-builder\", \"password\": \"wrong-password\"}", true)
                .statusCode()).isEqualTo(401);
        HttpResponse<String> signedIn = browser.send("POST", "/api/v1/session", credentials, true);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        assertThat(json(signedIn).path("username").asString()).isEqualTo("ui-builder");
        assertThat(json(signedIn).path("roles").toString()).contains("builder");
        assertThat(browser.cookie("JSESSIONID")).isNotBlank();

        assertThat(browser.send("GET", "/api/v1/recipes/ui-recipe", null, false).statusCode()).as("reads ride on the session")
                .isEqualTo(200);
        assertThat(browser.send("POST", "/api/v1/recipes/ui-recipe/disable", null, false).statusCode())
                .as("a change without the token, as a forged cross-site request would be").isEqualTo(403);
        assertThat(admin.get("/api/v1/recipes/ui-recipe").json().path("enabled").asBoolean()).isTrue();
        assertThat(browser.send("POST", "/api/v1/recipes/ui-recipe/disable", null, true).statusCode()).isEqualTo(200);
        assertThat(browser.send("GET", "/api/v1/users", null, false).statusCode()).as("the session has the user's roles only")
                .isEqualTo(403);

        assertThat(browser.send("DELETE", "/api/v1/session", null, true).statusCode()).isEqualTo(204);
        assertThat(browser.send("GET", "/api/v1/recipes/ui-recipe", null, false).statusCode()).isEqualTo(401);
        assertThat(admin.post("/api/v1/recipes/ui-recipe/enable", "application/json", "").status())
                .as("Basic credentials need no token").isEqualTo(200);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }
}
