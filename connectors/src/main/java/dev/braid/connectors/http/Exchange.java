package dev.braid.connectors.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.braid.connectors.egress.EgressGuard;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the requests of one {@code http.request} step: checks every hop against the egress guard,
 * follows redirects itself (at most {@value #MAX_REDIRECTS}), adds the connection's auth, and for
 * oauth2 fetches, caches and - once, after a 401 - renews the access token.
 *
 * <p>Auth headers go only to the origin (scheme, host, port) of the step's own URL; on a hop to
 * another origin (a redirect, a {@code Link} to another host) they, and any {@code Authorization},
 * {@code Proxy-Authorization} and {@code Cookie} header, are left off.
 */
final class Exchange {

    static final int MAX_REDIRECTS = 5;
    static final long MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    private final HttpClient client;
    private final EgressGuard guard;
    private final HttpAuth auth;
    private final OAuth2Tokens tokens;
    private final ActionContext ctx;
    private final boolean followRedirects;
    private final String trustedOrigin;
    private final Duration stepTimeout;

    /** @param step the step's request: its URI is the origin auth goes to, its timeout bounds each exchange */
    Exchange(HttpClient client, EgressGuard guard, HttpAuth auth, OAuth2Tokens tokens, ActionContext ctx,
            boolean followRedirects, OutgoingRequest step) {
        this.stepTimeout = step.timeout();
        this.client = client;
        this.guard = guard;
        this.auth = auth;
        this.tokens = tokens;
        this.ctx = ctx;
        this.followRedirects = followRedirects;
        this.trustedOrigin = origin(step.uri());
    }

    /** The final response of {@code request}, after redirects and at most one token renewal; any status. */
    HttpResponse<byte[]> send(OutgoingRequest request) throws ActionException {
        timeout(request.describe());   // nothing, not even a token request, once the deadline has passed
        if (!auth.isOAuth2()) {
            return follow(request, null);
        }
        HttpAuth.OAuth2 o = auth.oauth2();
        String token = tokens.token(o.key(), ctx.clock(), ctx.remaining(), () -> fetchToken(o));
        HttpResponse<byte[]> response = follow(request, token);
        if (response.statusCode() == 401) {
            tokens.reject(o.key(), token);
            token = tokens.token(o.key(), ctx.clock(), ctx.remaining(), () -> fetchToken(o));
            response = follow(request, token);
        }
        return response;
    }

    private HttpResponse<byte[]> follow(OutgoingRequest request, String accessToken) throws ActionException {
        OutgoingRequest current = request;
        for (int hop = 0; ; hop++) {
            HttpResponse<byte[]> response = once(current, accessToken);
            int status = response.statusCode();
            if (!followRedirects || !isRedirect(status)) {
                return response;
            }
            String location = response.headers().firstValue("location").orElse(null);
            if (location == null || location.isBlank()) {
                return response;
            }
            if (hop == MAX_REDIRECTS) {
                throw ActionException.fatal(HttpFailure.TOO_MANY_REDIRECTS, request.describe()
                        + " was redirected more than " + MAX_REDIRECTS + " times; last to " + current.describe());
            }
            URI next;
            try {
                URI resolved = current.uri().resolve(location.strip());
                next = URI.create(resolved.toString().replaceFirst("#.*$", ""));   // a fragment is never sent
            } catch (IllegalArgumentException e) {
                throw ActionException.fatal(HttpFailure.STATUS, current.describe() + " answered " + status
                        + " with an unreadable Location header", e);
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            boolean downgrade = scheme.equals("http") && current.uri().getScheme().equalsIgnoreCase("https");
            if (!(scheme.equals("http") || scheme.equals("https")) || downgrade) {
                return response;   // as the JDK's NORMAL policy: no https -> http, nothing but http(s)
            }
            current = current.redirectedTo(next, status);
        }
    }

    private HttpResponse<byte[]> once(OutgoingRequest request, String accessToken) throws ActionException {
        guard.check(request.uri(), request.describe());
        Duration timeout = timeout(request.describe());
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(request.headers());
        if (origin(request.uri()).equals(trustedOrigin)) {
            headers.putAll(auth.headers(accessToken));
        } else {
            headers.keySet().removeIf(name -> CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT)));
            auth.headers(null).keySet().forEach(headers::remove);
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request.toHttpRequest(timeout, headers),
                BoundedBody.handler(HttpRequestAction.MAX_RESPONSE_BYTES));
        try {
            return exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw HttpFailure.timeout(request, timeout, e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw ActionException.retryable(HttpFailure.INTERRUPTED,
                    request.describe() + " was interrupted; the worker is stopping", e);
        } catch (ExecutionException | CancellationException e) {
            throw HttpFailure.exchange(request, timeout, rootOf(e));
        }
    }

    /** The step's timeout capped by its deadline; a retryable timeout when the deadline has passed. */
    private Duration timeout(String describe) throws ActionException {
        Duration remaining = ctx.remaining();
        if (remaining.isZero()) {
            throw ActionException.retryable(HttpFailure.TIMEOUT,
                    describe + " was not sent: the step's deadline has already passed");
        }
        return stepTimeout.compareTo(remaining) <= 0 ? stepTimeout : remaining;
    }

    /** Client credentials grant; the client authenticates with HTTP Basic (RFC 6749 §4.4, §2.3.1). */
    private OAuth2Tokens.Token fetchToken(HttpAuth.OAuth2 o) throws ActionException {
        URI uri = o.tokenUrl();
        String describe = "POST " + TargetUrl.forMessage(uri) + " (oauth2 token endpoint)";
        guard.check(uri, describe);
        Duration timeout = timeout(describe);
        String form = "grant_type=client_credentials"
                + (o.scope() == null ? "" : "&scope=" + URLEncoder.encode(o.scope(), StandardCharsets.UTF_8));
        HttpRequest tokenRequest;
        try {
            tokenRequest = HttpRequest.newBuilder(uri).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .header("Authorization", o.basicCredentials())
                    .build();
        } catch (IllegalArgumentException e) {
            throw ActionException.fatal(HttpFailure.OAUTH2, describe + ": the tokenUrl cannot be called");
        }
        Instant asked = ctx.clock().instant();
        CompletableFuture<HttpResponse<byte[]>> call =
                client.sendAsync(tokenRequest, BoundedBody.handler(MAX_TOKEN_RESPONSE_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw ActionException.retryable(HttpFailure.OAUTH2, describe + " did not answer in time");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw ActionException.retryable(HttpFailure.INTERRUPTED, describe + " was interrupted; the worker is stopping");
        } catch (ExecutionException | CancellationException e) {
            Throwable root = rootOf(e);
            if (root instanceof BoundedBody.TooLargeException) {
                throw ActionException.fatal(HttpFailure.OAUTH2, describe + " answered more than "
                        + MAX_TOKEN_RESPONSE_BYTES + " bytes");
            }
            if (root instanceof HttpTimeoutException) {
                throw ActionException.retryable(HttpFailure.OAUTH2, describe + " did not answer in time");
            }
            if (root instanceof IOException) {
                // The cause is left off on purpose: nothing of the exchange (headers) may reach a log.
                throw ActionException.retryable(HttpFailure.OAUTH2, describe + " failed: the connection failed ("
                        + root.getClass().getSimpleName() + ")");
            }
            throw ActionException.fatal(HttpFailure.OAUTH2, describe + " failed: " + root.getClass().getSimpleName());
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 500 || status == 408 || status == 429) {
            throw ActionException.retryable(HttpFailure.OAUTH2, describe + " answered " + status + errorCode(body));
        }
        if (status >= 300) {
            throw ActionException.fatal(HttpFailure.OAUTH2, describe + " answered " + status + errorCode(body)
                    + "; check the connection's auth.clientId, auth.clientSecret and auth.scope");
        }
        JsonNode accessToken = body == null ? null : body.get("access_token");
        if (accessToken == null || !accessToken.isString() || accessToken.stringValue().isBlank()) {
            throw ActionException.fatal(HttpFailure.OAUTH2, describe + " answered " + status + " without an access_token");
        }
        Instant expiresAt = Instant.MAX;
        JsonNode expiresIn = body.get("expires_in");
        if (expiresIn != null && (expiresIn.isNumber() || (expiresIn.isString() && expiresIn.stringValue().matches("\\d{1,12}")))) {
            expiresAt = asked.plusSeconds(expiresIn.isNumber() ? expiresIn.asLong() : Long.parseLong(expiresIn.stringValue()));
        }
        return new OAuth2Tokens.Token(accessToken.stringValue(), expiresAt);
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JsonMapper.shared().readTree(body);
            return node == null || !node.isObject() ? null : node;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Only the RFC 6749 {@code error} code, and only when it looks like one: a body may echo anything. */
    private static String errorCode(JsonNode body) {
        JsonNode error = body == null ? null : body.get("error");
        if (error != null && error.isString() && error.stringValue().matches("[A-Za-z0-9_.-]{1,64}")) {
            return " (error: " + error.stringValue() + ")";
        }
        return "";
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static String origin(URI uri) {
        String scheme = Objects.requireNonNullElse(uri.getScheme(), "").toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + EgressGuard.hostOf(uri) + ":" + port;
    }

    static Throwable rootOf(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        // The JDK may wrap a body subscriber's failure in an IOException of its own.
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BoundedBody.TooLargeException) {
                return c;
            }
        }
        return t;
    }
}
