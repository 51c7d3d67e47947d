package dev.braid.connectors.http;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.braid.connectors.TestActionContext;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

class HttpRequestActionTest {

    private final StubServer stub = StubServer.start();
    private final HttpConnector connector = new HttpConnector();
    private final Action request = connector.actions().get("request");

    @AfterEach
    void close() {
        connector.close();
        stub.close();
    }

    private JsonNode call(String with) throws ActionException {
        return call(aContext().build(), with);
    }

    private JsonNode call(ActionContext ctx, String with) throws ActionException {
        return request.execute(ctx, json(with)).output();
    }

    private ActionException failure(String with) {
        return failure(aContext().build(), with);
    }

    private ActionException failure(ActionContext ctx, String with) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> request.execute(ctx, json(with)));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }

    private String url(String path) {
        return "'" + stub.url(path) + "'";
    }

    // --- sending ---

    @Test
    void getSendsQueryAndHeaders() throws ActionException {
        stub.on("/customers", 200, "[]", "Content-Type", "application/json");

        JsonNode output = call("{url: " + url("/customers?region=eu") + ", query: {page: 2, tag: ['a', 'b c'], active: true},"
                + " headers: {Accept: 'application/json', 'X-Trace': 't-1'}}");

        StubServer.Received got = stub.last();
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.uri().getRawQuery()).isEqualTo("region=eu&page=2&tag=a&tag=b%20c&active=true");
        assertThat(got.header("Accept")).isEqualTo("application/json");
        assertThat(got.header("X-Trace")).isEqualTo("t-1");
        assertThat(got.body()).isEmpty();
        assertThat(output.get("status").asInt()).isEqualTo(200);
    }

    @Test
    void objectBodyIsSentAsJson() throws ActionException {
        stub.on("/orders", 201, "");

        JsonNode output = call("{method: 'post', url: " + url("/orders") + ", body: {id: 7, lines: [{sku: 'a'}]}}");

        assertThat(stub.last().method()).isEqualTo("POST");
        assertThat(stub.last().header("Content-Type")).isEqualTo("application/json");
        assertThat(json(stub.last().bodyText())).isEqualTo(json("{id: 7, lines: [{sku: 'a'}]}"));
        assertThat(output.get("status").asInt()).isEqualTo(201);
    }

    @Test
    void stringBodyIsSentAsText() throws ActionException {
        stub.on("/notes", 200, "");

        call("{method: 'PUT', url: " + url("/notes") + ", body: 'héllo'}");

        assertThat(stub.last().header("Content-Type")).isEqualTo("text/plain;charset=utf-8");
        assertThat(stub.last().bodyText()).isEqualTo("héllo");
    }

    @Test
    void contentTypeHeaderWinsOverTheImpliedOne() throws ActionException {
        stub.on("/xml", 200, "");

        call("{method: 'POST', url: " + url("/xml") + ", headers: {'content-type': 'application/xml'}, body: '<a/>'}");

        assertThat(stub.last().header("Content-Type")).isEqualTo("application/xml");
        assertThat(stub.last().bodyText()).isEqualTo("<a/>");
    }

    @Test
    void objectBodyUnderFormContentTypeIsFormEncoded() throws ActionException {
        stub.on("/token", 200, "");

        call("{method: 'POST', url: " + url("/token") + ", headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
                + " body: {grant_type: 'client_credentials', scope: ['a b', 'c']}}");

        assertThat(stub.last().bodyText()).isEqualTo("grant_type=client_credentials&scope=a%20b&scope=c");
    }

    @Test
    void sendsTheStepIdempotencyKey() throws ActionException {
        stub.on("/orders", 200, "");

        call(aContext().runId("run-9").stepPath("lines[2].reserve").build(), "{method: 'POST', url: " + url("/orders") + "}");

        assertThat(stub.last().header("Idempotency-Key")).isEqualTo("run-9/lines[2].reserve");
    }

    @Test
    void anIdempotencyKeyTheStepSetsWins() throws ActionException {
        stub.on("/orders", 200, "");

        call("{url: " + url("/orders") + ", headers: {'idempotency-key': 'order-7'}}");

        assertThat(stub.last().headers().get("Idempotency-Key")).containsExactly("order-7");
    }

    @Test
    void relativeUrlIsAppendedToTheConnectionBaseUrl() throws ActionException {
        stub.on("/api/v2/customers/7", 200, "");
        TestActionContext ctx = aContext().connection(json("{baseUrl: " + url("/api/v2/")
                + ", headers: {Authorization: 'Bearer conn', 'X-Tenant': 'a', 'Idempotency-Key': 'constant'}}")).build();

        call(ctx, "{url: '/customers/7', headers: {'x-tenant': 'b'}}");

        StubServer.Received got = stub.last();
        assertThat(got.uri().getPath()).isEqualTo("/api/v2/customers/7");
        assertThat(got.header("Authorization")).isEqualTo("Bearer conn");
        assertThat(got.headers().get("X-Tenant")).containsExactly("b");
        assertThat(got.header("Idempotency-Key")).isEqualTo("run-1/step");
    }

    @Test
    void absoluteUrlIgnoresTheBaseUrl() throws ActionException {
        stub.on("/elsewhere", 200, "");

        call(aContext().connection(json("{baseUrl: 'http://127.0.0.1:1/api'}")).build(), "{url: " + url("/elsewhere") + "}");

        assertThat(stub.last().uri().getPath()).isEqualTo("/elsewhere");
    }

    @Test
    void followsRedirects() throws ActionException {
        stub.on("/old", 302, "", "Location", stub.url("/new"));
        stub.on("/new", 200, "moved here", "Content-Type", "text/plain");

        JsonNode output = call("{url: " + url("/old") + "}");

        assertThat(output.get("body").asString()).isEqualTo("moved here");
    }

    // --- output ---

    @Test
    void jsonResponseIsParsedAndHeadersAreLowerCase() throws ActionException {
        stub.on("/customers/7", 200, "{\"id\": 7, \"tags\": [\"vip\"]}",
                "Content-Type", "application/json; charset=utf-8", "X-Rate", "a", "X-Rate", "b", "ETag", "\"v1\"");

        JsonNode output = call("{url: " + url("/customers/7") + "}");

        assertThat(output.get("status").asInt()).isEqualTo(200);
        assertThat(output.get("body")).isEqualTo(json("{id: 7, tags: ['vip']}"));
        assertThat(output.get("headers").get("content-type").asString()).isEqualTo("application/json; charset=utf-8");
        assertThat(output.get("headers").get("etag").asString()).isEqualTo("\"v1\"");
        assertThat(output.get("headers").get("x-rate")).isEqualTo(json("['a', 'b']"));
        assertThat(output.get("headers").propertyNames()).allMatch(name -> name.equals(name.toLowerCase()));
    }

    @Test
    void structuredJsonTypesAreParsed() throws ActionException {
        stub.on("/problem", 200, "{\"title\": \"ok\"}", "Content-Type", "application/problem+json");

        assertThat(call("{url: " + url("/problem") + "}").get("body")).isEqualTo(json("{title: 'ok'}"));
    }

    @Test
    void textResponseIsText() throws ActionException {
        stub.on("/hello", 200, "{\"looks\": \"like json\"}", "Content-Type", "text/plain");

        assertThat(call("{url: " + url("/hello") + "}").get("body").asString()).isEqualTo("{\"looks\": \"like json\"}");
    }

    @Test
    void unparseableJsonResponseIsText() throws ActionException {
        stub.on("/broken", 200, "{\"id\": 7} trailing", "Content-Type", "application/json");

        assertThat(call("{url: " + url("/broken") + "}").get("body").asString()).isEqualTo("{\"id\": 7} trailing");
    }

    @Test
    void emptyResponseBodyIsNull() throws ActionException {
        stub.on("/gone", 204, "");

        JsonNode output = call("{method: 'DELETE', url: " + url("/gone") + "}");

        assertThat(output.get("status").asInt()).isEqualTo(204);
        assertThat(output.get("body").isNull()).isTrue();
    }

    // --- errors ---

    @Test
    void serviceUnavailableIsRetryableAfterTheSecondsItAsks() {
        stub.on("/orders", 503, "{\"error\": \"maintenance\"}", "Retry-After", "7");

        ActionException e = failure("{method: 'POST', url: " + url("/orders?api_key=secret") + ", body: {}}");

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("http.status");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("POST " + stub.url("/orders"), "503", "maintenance").doesNotContain("secret");
    }

    @Test
    void tooManyRequestsHonoursAnHttpDateRetryAfter() {
        Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        stub.on("/orders", 429, "slow down", "Retry-After", "Tue, 01 Jan 2030 00:02:00 GMT");

        ActionException e = failure(aContext().clock(clock).build(), "{url: " + url("/orders") + "}");

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("http.status");
        assertThat(e.retryAfter()).contains(Duration.ofMinutes(2));
    }

    @Test
    void requestTimeoutStatusIsRetryableWithoutADelay() {
        stub.on("/slowpoke", 408, "");

        ActionException e = failure("{url: " + url("/slowpoke") + "}");

        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void notFoundIsFatal() {
        ActionException e = failure("{url: " + url("/customers/404") + "}");

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("http.status");
        assertThat(e.getMessage()).startsWith("GET " + stub.url("/customers/404") + " answered 404: no route");
    }

    @Test
    void errorMessageQuotesOnlyTheStartOfTheBody() {
        stub.on("/big-error", 400, "x".repeat(2_000));

        ActionException e = failure("{url: " + url("/big-error") + "}");

        assertThat(e.getMessage()).contains("x".repeat(500)).doesNotContain("x".repeat(501));
    }

    @Test
    void slowResponseTimesOutRetryably() {
        stub.slow("/slow", Duration.ofSeconds(5));
        long start = System.nanoTime();

        ActionException e = failure("{url: " + url("/slow") + ", timeout: '200ms'}");

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("http.timeout");
        assertThat(e.getMessage()).contains("GET " + stub.url("/slow"), "200ms");
        // Less than the 5 s the target sleeps: the timeout cut the wait (a margin for a loaded CI machine).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4500));
    }

    @Test
    void timeoutIsCappedByTheStepDeadline() {
        stub.slow("/slow", Duration.ofSeconds(5));
        long start = System.nanoTime();

        ActionException e = failure(aContext().timeLeft(Duration.ofMillis(300)).build(), "{url: " + url("/slow") + ", timeout: '1m'}");

        assertThat(e.type()).isEqualTo("http.timeout");
        // Less than the 5 s the target sleeps: the timeout cut the wait (a margin for a loaded CI machine).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4500));
    }

    @Test
    void nothingIsSentOnceTheDeadlineHasPassed() {
        ActionException e = failure(aContext().timeLeft(Duration.ofSeconds(-1)).build(), "{url: " + url("/orders") + "}");

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("http.timeout");
        assertThat(stub.received()).isEmpty();
    }

    @Test
    void refusedConnectionIsRetryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        ActionException e = failure("{url: 'http://127.0.0.1:" + closedPort + "/orders'}");

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("http.connection");
        assertThat(e.getMessage()).contains("GET http://127.0.0.1:" + closedPort + "/orders");
    }

    @Test
    void oversizeStreamedResponseIsRefused() {
        stub.on("/dump", exchange -> {
            exchange.sendResponseHeaders(200, 0);   // chunked: no length to refuse up front
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent <= HttpRequestAction.MAX_RESPONSE_BYTES; sent += chunk.length) {
                    out.write(chunk);
                }
            }
        });

        ActionException e = failure("{url: " + url("/dump") + "}");

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("http.response_too_large");
    }

    @Test
    void oversizeDeclaredResponseIsRefusedBeforeReading() {
        stub.on("/dump", exchange -> {
            exchange.sendResponseHeaders(200, HttpRequestAction.MAX_RESPONSE_BYTES + 1);
            exchange.getResponseBody().write(new byte[1024]);
            exchange.getResponseBody().flush();
            Thread.sleep(5_000);   // keeps the connection open: only the declared length can end the wait
        });

        ActionException e = failure("{url: " + url("/dump") + "}");

        assertThat(e.type()).as(e.getMessage()).isEqualTo("http.response_too_large");
    }

    @Test
    void responseOfExactlyTheLimitIsAccepted() throws ActionException {
        stub.on("/full", exchange -> {
            byte[] body = new byte[(int) HttpRequestAction.MAX_RESPONSE_BYTES];
            Arrays.fill(body, (byte) 'a');
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });

        assertThat(call("{url: " + url("/full") + "}").get("body").asString()).hasSize((int) HttpRequestAction.MAX_RESPONSE_BYTES);
    }

    // --- input ---

    @Test
    void relativeUrlWithoutBaseUrlIsInvalid() {
        ActionException e = failure("{url: '/customers/7'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("relative", "baseUrl");
    }

    @Test
    void malformedOrUnsupportedUrlsAreInvalid() {
        for (String url : new String[] {"http://127.0.0.1/a b", "ftp://127.0.0.1/file", "http:///nohost"}) {
            ActionException e = failure("{url: '" + url + "'}");

            assertThat(e.type()).as(url).isEqualTo("input.invalid");
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void invalidMethodsAndHeadersAreInvalidInput() {
        for (String with : new String[] {
                "{method: 'GE T', url: " + url("/x") + "}",
                "{method: 'CONNECT', url: " + url("/x") + "}",
                "{url: " + url("/x") + ", headers: {Host: 'evil.example'}}",
                "{url: " + url("/x") + ", headers: {Accept: 7}}",
                "{url: " + url("/x") + ", query: {filter: {nested: true}}}",
                "{url: " + url("/x") + ", timeout: 'soon'}",
                "{url: " + url("/x") + ", timeout: '0s'}"}) {
            ActionException e = failure(with);

            assertThat(e.type()).as(with).isEqualTo("input.invalid");
        }
        assertThat(stub.received()).isEmpty();
    }

    @Test
    void timeoutTakesEveryDurationFormARecipeMayUse() throws ActionException {
        stub.on("/fast", 200, "");

        for (String timeout : new String[] {"1.5s", "1m30s", "PT5S", "30"}) {
            assertThat(call("{url: " + url("/fast") + ", timeout: '" + timeout + "'}").get("status").asInt())
                    .as(timeout).isEqualTo(200);
        }
    }

    @Test
    void anUnreadableTimeoutIsNamed() {
        ActionException e = failure("{url: " + url("/x") + ", timeout: '10 sec'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).startsWith("with.timeout: ").contains("'10 sec'");
    }

    @Test
    void invalidConnectionSettingsAreNamed() {
        ActionException e = failure(aContext().connection(json("{baseUrl: 'crm.example', auth: {type: 'basic'}}")).build(),
                "{url: '/x'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("connection.baseUrl", "connection.auth");
    }

    @Test
    void dryRunDescribesTheRequestWithoutSendingIt() throws ActionException {
        JsonNode output = call(aContext().dryRun(true).build(), "{method: 'delete', url: " + url("/orders/7") + ", query: {hard: true}}");

        assertThat(output).isEqualTo(json("{dryRun: true, method: 'DELETE', url: " + url("/orders/7?hard=true")
                + ", headers: {'Idempotency-Key': 'run-1/step'}}"));
        assertThat(stub.received()).isEmpty();
    }

    @Test
    void aDryRunShowsHeadersAndBodyAsSentWithTheCredentialsMasked() throws ActionException {
        JsonNode output = call(aContext().dryRun(true)
                        .connection(json("{baseUrl: " + url("/api") + ", headers: {'X-Tenant': 'acme'}, "
                                + "auth: {type: 'bearer', token: 'tok-s3cret'}}")).build(),
                "{method: 'post', url: '/orders', query: {dry: 1}, headers: {'X-Trace': 't-1', authorization: 'mine'}, "
                        + "body: {id: 7, lines: [{sku: 'a', qty: 2}]}}");

        assertThat(output).isEqualTo(json("{dryRun: true, method: 'POST', url: " + url("/api/orders?dry=1") + ", headers: {"
                + "'X-Tenant': 'acme', 'X-Trace': 't-1', 'Idempotency-Key': 'run-1/step', 'Content-Type': 'application/json', "
                + "'Authorization': '***'}, body: {id: 7, lines: [{sku: 'a', qty: 2}]}}"));
        assertThat(output.toString()).doesNotContain("tok-s3cret");
        assertThat(stub.received()).isEmpty();
    }
}
