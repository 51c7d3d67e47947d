package dev.braid.connectors.http;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.braid.connectors.schema.Inputs;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code http.request {method, url, headers, query, body, timeout}} → {@code {status, headers, body}}.
 * Sends the step's idempotency key as {@code Idempotency-Key}, so a target can recognise the retry of
 * a call it already served.
 */
public final class HttpRequestAction implements Action {

    /** Bodies above this are refused rather than buffered: run history is no place for them. */
    public static final long MAX_RESPONSE_BYTES = 10L * 1024 * 1024;

    private final Supplier<HttpClient> client;

    /** @param client the connector's shared client; asked for it on each call, so it can be built lazily */
    public HttpRequestAction(Supplier<HttpClient> client) {
        this.client = client;
    }

    @Override
    public JsonNode inputSchema() {
        return HttpSchemas.INPUT.node();
    }

    @Override
    public String description() {
        return "Sends one HTTP request and returns {status, headers, body}; a JSON response body is parsed. "
                + "Timeouts, connection errors and statuses 408, 429 and 5xx are retried; other 4xx fail the step.";
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        JsonNode connection = Inputs.orEmptyObject(ctx.connection());
        HttpSchemas.INPUT.requireValid(with, "with");
        HttpSchemas.CONNECTION.requireValid(connection, "connection");
        OutgoingRequest request = OutgoingRequest.from(with, connection, ctx.idempotencyKey());
        if (ctx.dryRun()) {
            // The engine describes non-pure steps in a dry run instead of calling them; should one
            // reach us anyway, nothing may leave the process.
            return ActionResult.of(JsonNodeFactory.instance.objectNode()
                    .put("dryRun", true)
                    .put("method", request.method())
                    .put("url", request.uri().toString()));
        }
        Duration remaining = ctx.remaining();
        if (remaining.isZero()) {
            throw ActionException.retryable(HttpFailure.TIMEOUT,
                    request.describe() + " was not sent: the step's deadline has already passed");
        }
        Duration timeout = request.timeout().compareTo(remaining) <= 0 ? request.timeout() : remaining;
        HttpResponse<byte[]> response = send(request, timeout);
        if (HttpFailure.isError(response.statusCode())) {
            throw HttpFailure.status(request, response.statusCode(), response.headers(), response.body(), ctx.clock());
        }
        return ActionResult.of(ResponseOutput.of(response.statusCode(), response.headers(), response.body()));
    }

    /**
     * Waits on the future rather than using {@code HttpClient.send}: the request timeout only covers
     * the wait for the response headers, and a body trickling in must not outlive the step's deadline.
     */
    private HttpResponse<byte[]> send(OutgoingRequest request, Duration timeout) throws ActionException {
        CompletableFuture<HttpResponse<byte[]>> exchange =
                client.get().sendAsync(request.toHttpRequest(timeout), BoundedBody.handler(MAX_RESPONSE_BYTES));
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

    private static Throwable rootOf(Throwable e) {
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
