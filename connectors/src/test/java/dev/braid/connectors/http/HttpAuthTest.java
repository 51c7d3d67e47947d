package dev.braid.connectors.http;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

class HttpAuthTest {

    /** A clock a test moves forward by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final String SECRET = "s3cr3t-client-secret";

    private final StubServer stub = StubServer.start();
    private final StubServer other = StubServer.start();
    private final HttpConnector connector = new HttpConnector();
    private final Action request = connector.actions().get("request");
    private final MutableClock clock = new MutableClock();
    private final AtomicInteger tokenFetches = new AtomicInteger();

    @AfterEach
    void close() {
        connector.close();
        stub.close();
        other.close();
    }

    private ActionContext ctx(String connection) {
        return aContext().clock(clock).connection(json(connection)).build();
    }

    private JsonNode call(String connection, String with) throws ActionException {
        return request.execute(ctx(connection), json(with)).output();
    }

    private ActionException failure(String connection, String with) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> request.execute(ctx(connection), json(with)));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }

    private String oauth2Connection(String extra) {
        return "{baseUrl: '" + stub.url("") + "', auth: {type: 'oauth2', tokenUrl: '" + stub.url("/token")
                + "', clientId: 'braid app', clientSecret: '" + SECRET + "'" + extra + "}}";
    }

    /** Hands out tok-1, tok-2, ... valid for {@code expiresIn} seconds. */
    private void tokenEndpoint(int expiresIn) {
        stub.on("/token", exchange -> StubServer.send(exchange, 200,
                "{\"access_token\": \"tok-" + tokenFetches.incrementAndGet() + "\", \"token_type\": \"Bearer\", \"expires_in\": "
                        + expiresIn + "}", "Content-Type", "application/json"));
    }

    private long targetCalls() {
        return stub.received().stream().filter(r -> r.uri().getPath().equals("/api")).count();
    }

    // --- static schemes ---

    @Test
    void basicAuthHeaderArrives() throws ActionException {
        stub.on("/api", 200, "");

        call("{auth: {type: 'basic', username: 'ann', password: 'pä ss'}}", "{url: '" + stub.url("/api") + "'}");

        String expected = "Basic " + Base64.getEncoder().encodeToString("ann:pä ss".getBytes(StandardCharsets.UTF_8));
        assertThat(stub.last().header("Authorization")).isEqualTo(expected);
    }

    @Test
    void bearerTokenReplacesAConnectionAuthorizationHeader() throws ActionException {
        stub.on("/api", 200, "");

        call("{headers: {Authorization: 'Basic old'}, auth: {type: 'bearer', token: 'abc'}}", "{url: '" + stub.url("/api") + "'}");

        assertThat(stub.last().headers().get("Authorization")).containsExactly("Bearer abc");
    }

    @Test
    void apiKeyGoesInTheNamedHeaderOrXApiKey() throws ActionException {
        stub.on("/api", 200, "");

        call("{auth: {type: 'apiKey', value: 'k-1'}}", "{url: '" + stub.url("/api") + "'}");
        assertThat(stub.last().header("X-API-Key")).isEqualTo("k-1");

        call("{auth: {type: 'apiKey', header: 'X-Token', value: 'k-2'}}", "{url: '" + stub.url("/api") + "'}");
        assertThat(stub.last().header("X-Token")).isEqualTo("k-2");
        assertThat(stub.last().header("X-API-Key")).isNull();
    }

    @Test
    void noneSendsNoAuthorization() throws ActionException {
        stub.on("/api", 200, "");

        call("{auth: {type: 'none'}}", "{url: '" + stub.url("/api") + "'}");

        assertThat(stub.last().header("Authorization")).isNull();
    }

    @Test
    void missingFieldsOfAnAuthTypeAreNamed() {
        ActionException e = failure("{auth: {type: 'oauth2', tokenUrl: 'https://idp.example/token'}}", "{url: '" + stub.url("/api") + "'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("connection.auth.clientId", "connection.auth.clientSecret");
        assertThat(stub.received()).isEmpty();
    }

    @Test
    void secretFieldsAreMarkedInTheConnectionSchema() {
        JsonNode auth = connector.connectionSchema().path("properties").path("auth").path("properties");

        for (String secret : new String[] {"password", "token", "value", "clientSecret"}) {
            assertThat(auth.path(secret).path("x-secret").asBoolean()).as(secret).isTrue();
        }
        assertThat(auth.path("username").has("x-secret")).isFalse();
    }

    @Test
    void authIsNotForwardedToAnotherOrigin() throws ActionException {
        stub.on("/api", 302, "", "Location", other.url("/landing"));
        other.on("/landing", 200, "");

        call("{headers: {Cookie: 'c=1'}, auth: {type: 'bearer', token: 'abc'}}", "{url: '" + stub.url("/api") + "'}");

        assertThat(stub.last().header("Authorization")).isEqualTo("Bearer abc");
        assertThat(other.last().header("Authorization")).isNull();
        assertThat(other.last().header("Cookie")).isNull();
    }

    // --- oauth2 client credentials ---

    @Test
    void oauth2FetchesOneTokenForManyCalls() throws ActionException {
        tokenEndpoint(3600);
        stub.on("/api", 200, "");

        for (int i = 0; i < 5; i++) {
            call(oauth2Connection(", scope: 'read write'"), "{url: '/api'}");
        }

        assertThat(tokenFetches).hasValue(1);
        assertThat(targetCalls()).isEqualTo(5);
        assertThat(stub.received().stream().filter(r -> r.uri().getPath().equals("/api")))
                .allMatch(r -> "Bearer tok-1".equals(r.header("Authorization")));
        StubServer.Received token = stub.received().getFirst();
        assertThat(token.method()).isEqualTo("POST");
        assertThat(token.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(token.bodyText()).isEqualTo("grant_type=client_credentials&scope=read+write");
        assertThat(token.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString(("braid+app:" + SECRET).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void concurrentCallsShareOneTokenFetch() throws Exception {
        stub.on("/token", exchange -> {
            Thread.sleep(200);
            StubServer.send(exchange, 200, "{\"access_token\": \"tok-" + tokenFetches.incrementAndGet()
                    + "\", \"expires_in\": 3600}", "Content-Type", "application/json");
        });
        stub.on("/api", 200, "");

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> call(oauth2Connection(""), "{url: '/api'}")));
            }
            for (Future<JsonNode> c : calls) {
                assertThat(c.get().get("status").asInt()).isEqualTo(200);
            }
        }

        assertThat(tokenFetches).hasValue(1);
        assertThat(targetCalls()).isEqualTo(8);
    }

    @Test
    void oauth2RefreshesThirtySecondsBeforeExpiry() throws ActionException {
        tokenEndpoint(300);
        stub.on("/api", 200, "");

        call(oauth2Connection(""), "{url: '/api'}");
        clock.advance(Duration.ofSeconds(269));
        call(oauth2Connection(""), "{url: '/api'}");
        assertThat(tokenFetches).hasValue(1);

        clock.advance(Duration.ofSeconds(2));   // 271 s: inside the last 30 s
        call(oauth2Connection(""), "{url: '/api'}");

        assertThat(tokenFetches).hasValue(2);
        assertThat(stub.last().header("Authorization")).isEqualTo("Bearer tok-2");
    }

    @Test
    void oauth2TokensAreCachedPerClientAndScope() throws ActionException {
        tokenEndpoint(3600);
        stub.on("/api", 200, "");

        call(oauth2Connection(", scope: 'a'"), "{url: '/api'}");
        call(oauth2Connection(", scope: 'b'"), "{url: '/api'}");
        call(oauth2Connection(", scope: 'a'"), "{url: '/api'}");

        assertThat(tokenFetches).hasValue(2);
    }

    @Test
    void a401FromTheTargetRefetchesTheTokenOnce() throws ActionException {
        tokenEndpoint(3600);
        stub.on("/api", exchange -> {
            boolean stale = "Bearer tok-1".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            StubServer.send(exchange, stale ? 401 : 200, stale ? "expired" : "ok");
        });

        JsonNode output = call(oauth2Connection(""), "{url: '/api'}");

        assertThat(output.get("status").asInt()).isEqualTo(200);
        assertThat(tokenFetches).hasValue(2);
        assertThat(targetCalls()).isEqualTo(2);
    }

    @Test
    void aSecond401FailsTheStepWithoutAThirdFetch() {
        tokenEndpoint(3600);
        stub.on("/api", 401, "no");

        ActionException e = failure(oauth2Connection(""), "{url: '/api'}");

        assertThat(e.type()).isEqualTo("http.status");
        assertThat(e.retryable()).isFalse();
        assertThat(tokenFetches).hasValue(2);
        assertThat(targetCalls()).isEqualTo(2);
    }

    @Test
    void tokenEndpointServerErrorIsRetryable() {
        stub.on("/token", 503, "down");

        ActionException e = failure(oauth2Connection(""), "{url: '/api'}");

        assertThat(e.type()).isEqualTo("http.oauth2");
        assertThat(e.retryable()).isTrue();
        assertThat(targetCalls()).isZero();
    }

    @Test
    void tokenEndpointClientErrorIsFatalAndKeepsSecretsOut() {
        stub.on("/token", 401, "{\"error\": \"invalid_client\", \"error_description\": \"secret " + SECRET + " is wrong\"}",
                "Content-Type", "application/json");

        ActionException e = failure(oauth2Connection(""), "{url: '/api'}");

        assertThat(e.type()).isEqualTo("http.oauth2");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("invalid_client").doesNotContain(SECRET).doesNotContain("Basic");
        assertThat(targetCalls()).isZero();
    }

    @Test
    void unreachableTokenEndpointIsRetryable() {
        ActionException e = failure("{baseUrl: '" + stub.url("") + "', auth: {type: 'oauth2', tokenUrl: 'http://127.0.0.1:1/token',"
                + " clientId: 'c', clientSecret: '" + SECRET + "'}}", "{url: '/api'}");

        assertThat(e.type()).isEqualTo("http.oauth2");
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void tokenAnswerWithoutAccessTokenIsFatal() {
        stub.on("/token", 200, "{\"token_type\": \"Bearer\"}", "Content-Type", "application/json");

        ActionException e = failure(oauth2Connection(""), "{url: '/api'}");

        assertThat(e.type()).isEqualTo("http.oauth2");
        assertThat(e.retryable()).isFalse();
    }
}
