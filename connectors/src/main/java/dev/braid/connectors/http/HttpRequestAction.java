package dev.braid.connectors.http;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.braid.connectors.egress.EgressGuard;
import dev.braid.connectors.egress.HostResolver;
import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code http.request {method, url, headers, query, body, timeout, followRedirects, paginate}} →
 * {@code {status, headers, body}}, or with {@code paginate} {@code {status, pages, items}}.
 * Sends the step's idempotency key as {@code Idempotency-Key}, so a target can recognise the retry of
 * a call it already served. Auth, redirects and the egress guard live in {@link Exchange}.
 */
public final class HttpRequestAction implements Action {

    /** Bodies above this are refused rather than buffered: run history is no place for them. */
    public static final long MAX_RESPONSE_BYTES = 10L * 1024 * 1024;

    /** The most items a paginated pull may gather. */
    public static final int MAX_ITEMS = 100_000;

    private final Supplier<HttpClient> client;
    private final OAuth2Tokens tokens;
    private final HostResolver resolver;
    private final int maxItems;

    /** @param client the connector's shared client; asked for it on each call, so it can be built lazily */
    public HttpRequestAction(Supplier<HttpClient> client) {
        this(client, new OAuth2Tokens(), HostResolver.SYSTEM, MAX_ITEMS);
    }

    HttpRequestAction(Supplier<HttpClient> client, OAuth2Tokens tokens, HostResolver resolver, int maxItems) {
        this.client = client;
        this.tokens = tokens;
        this.resolver = resolver;
        this.maxItems = maxItems;
    }

    @Override
    public JsonNode inputSchema() {
        return HttpSchemas.INPUT.node();
    }

    @Override
    public JsonNode example() {
        return tools.jackson.databind.json.JsonMapper.shared().readTree("{\"method\": \"POST\", \"url\": \"/customers/{{ trigger.body.customerId }}/notes\", \"headers\": {\"Accept\": \"application/json\"}, \"body\": {\"text\": \"{{ trigger.body.note }}\"}, \"timeout\": \"10s\"}");
    }

    @Override
    public String description() {
        return "Sends one HTTP request and returns {status, headers, body}; a JSON response body is parsed. "
                + "With paginate, pulls every page and returns {status, pages, items}. "
                + "Timeouts, connection errors and statuses 408, 429 and 5xx are retried; other 4xx fail the step. "
                + "Link-local and cloud metadata addresses are refused.";
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        JsonNode connection = Inputs.orEmptyObject(ctx.connection());
        requireValid(with, connection);
        OutgoingRequest request = OutgoingRequest.from(with, connection, ctx.idempotencyKey());
        if (ctx.dryRun()) {
            // Nothing leaves the process: the request is described as it would have been sent.
            return ActionResult.of(DryRun.describe(request, HttpAuth.from(connection.path("auth"))));
        }
        Exchange exchange = new Exchange(client.get(), EgressGuard.of("http", connection.path("egress"), resolver),
                HttpAuth.from(connection.path("auth")), tokens, ctx, with.path("followRedirects").asBoolean(true), request);
        Pagination pagination = Pagination.from(with.get("paginate"));
        if (pagination != null) {
            return ActionResult.of(pagination.run(exchange, request, ctx, maxItems));
        }
        HttpResponse<byte[]> response = exchange.send(request);
        if (HttpFailure.isError(response.statusCode())) {
            throw HttpFailure.status(request, response.statusCode(), response.headers(), response.body(), ctx.clock());
        }
        return ActionResult.of(ResponseOutput.of(response.statusCode(), response.headers(), response.body()));
    }

    /** Schema violations and the rules a schema cannot state, all in one {@code input.invalid}. */
    private static void requireValid(JsonNode with, JsonNode connection) throws ActionException {
        List<String> problems = new ArrayList<>(HttpSchemas.INPUT.violations(with, "with"));
        problems.addAll(Pagination.problems(with.path("paginate")));
        problems.addAll(HttpSchemas.CONNECTION.violations(connection, "connection"));
        problems.addAll(HttpAuth.problems(connection.path("auth")));
        problems.addAll(EgressGuard.problems(connection.path("egress")));
        if (!problems.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, String.join("; ", problems));
        }
    }
}
