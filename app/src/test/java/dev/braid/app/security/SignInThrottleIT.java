package dev.braid.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Password guessing over real HTTP, from distinct loopback addresses (a client socket bound to
 * 127.0.0.x reaches the server on 127.0.0.1 with that source address), so the throttle sees an attacker
 * and a real user apart — and the other tests, all from 127.0.0.1, are not affected.
 */
class SignInThrottleIT extends BraidIntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** A client whose connections come from {@code address}, with cookies (for the session sign-in). */
    final class From {
        final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        final HttpClient http;

        From(String address) throws Exception {
            http = HttpClient.newBuilder().localAddress(InetAddress.getByName(address)).cookieHandler(cookies)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }

        HttpResponse<String> basic(String user, String password) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/connectors"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (user + ":" + password).getBytes(StandardCharsets.UTF_8))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> session(String user, String password) throws Exception {
            URI session = URI.create("http://127.0.0.1:" + port + "/api/v1/session");
            http.send(HttpRequest.newBuilder(session).GET().build(), HttpResponse.BodyHandlers.ofString());
            String token = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                    .map(HttpCookie::getValue).findFirst().orElseThrow();
            return http.send(HttpRequest.newBuilder(session).header("Content-Type", "application/json")
                    .header("X-XSRF-TOKEN", token)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", user, "password", password))))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    void createUser(String name, String password) {
        assertThat(api.postJson("/api/v1/users", Map.of("username", name, "password", password, "roles", List.of("viewer")))
                .status()).isEqualTo(201);
    }

    @Test
    void guessesAreHeldOffWithRetryAfterTheRealUserStillSignsInAndTheGuesserAfterTheHold() throws Exception {
        createUser("throttled-viewer", "the-right-password-1");
        From attacker = new From("127.0.0.3");
        From realUser = new From("127.0.0.4");

        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = attacker.basic("throttled-viewer", "guess-" + i);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429 && refused == null) {
                refused = r;
            }
        }
        System.out.println("10 wrong passwords from one address: " + statuses);
        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.get(5)).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 2L);
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("retryAfter").asLong()).isEqualTo(retryAfter);
        assertThat(problem.path("detail").asString()).contains("Too many failed sign-ins", "Retry-After");

        // The right password is not checked for the guesser while the hold lasts, neither by Basic nor session.
        assertThat(attacker.basic("throttled-viewer", "the-right-password-1").statusCode()).isEqualTo(429);
        HttpResponse<String> sessionRefused = attacker.session("throttled-viewer", "the-right-password-1");
        assertThat(sessionRefused.statusCode()).isEqualTo(429);
        assertThat(sessionRefused.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(sessionRefused.body()).path("status").asInt()).isEqualTo(429);

        // The real user, from another address, signs in at once.
        assertThat(realUser.basic("throttled-viewer", "the-right-password-1").statusCode()).isEqualTo(200);
        assertThat(realUser.session("throttled-viewer", "the-right-password-1").statusCode()).isEqualTo(200);

        // After the hold, the right password works from the guesser's address too.
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                attacker.basic("throttled-viewer", "the-right-password-1").statusCode() == 200);
        System.out.printf("signed in from the guesser's address %d ms after the first 429 check%n",
                (System.nanoTime() - start) / 1_000_000);

        assertThat(jdbc.sql("select target from audit_log where username = 'throttled-viewer' and action = 'SIGN-IN HELD OFF'")
                .query(String.class).list()).isNotEmpty().allMatch(t -> t.contains("127.0.0.3"));
    }

    @Test
    void twoHundredGuessesGetAHandfulOfChecks() throws Exception {
        createUser("guessed-viewer", "the-right-password-2");
        From attacker = new From("127.0.0.5");

        Map<Integer, Integer> counts = new java.util.TreeMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            counts.merge(attacker.basic("guessed-viewer", "guess-" + i).statusCode(), 1, Integer::sum);
        }
        System.out.printf("200 wrong passwords in %d ms: %s%n", (System.nanoTime() - start) / 1_000_000, counts);
        assertThat(counts.keySet()).containsOnly(401, 429);
        assertThat(counts.get(401)).isBetween(5, 12);
    }
}
