package dev.braid.connectors.openapi;

import java.util.ArrayList;
import java.util.List;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.InputProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code openapi.call {operation, parameters, body, headers, timeout, paginate}} → {@code http.request}'s output.
 * The operation is looked up in the connection's document, the parameters and body are checked against it, and
 * the request is then made by {@code http.request} itself — so auth (OAuth2 included), retries by status,
 * {@code Retry-After}, the egress guard, the {@code Idempotency-Key} header and pagination are exactly
 * {@code http.request}'s.
 */
final class OpenApiCallAction implements Action {

    private final Action http;
    private final Documents documents;
    private final JsonSchema input;
    private final JsonSchema connectionSchema;

    /** @param connectionSchema the {@code openapi} connection's schema */
    OpenApiCallAction(Action http, Documents documents, JsonSchema connectionSchema) {
        this.http = http;
        this.documents = documents;
        this.input = OpenApiSchemas.callInput(http.inputSchema());
        this.connectionSchema = connectionSchema;
    }

    @Override
    public JsonNode inputSchema() {
        return input.node();
    }

    @Override
    public String description() {
        return "Calls one operation of the API the connection's OpenAPI document describes, by operationId: path, query, "
                + "header and cookie parameters are placed as the document says, required ones enforced, and the body "
                + "checked against the operation's schema (at save time too). Sent through http.request: its auth, "
                + "retries, Retry-After, egress guard, Idempotency-Key and pagination apply; answers {status, headers, body}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("{\"operation\": \"getPetById\", \"parameters\": {\"petId\": \"{{ trigger.body.petId }}\"}}");
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public List<InputProblem> check(JsonNode with, JsonNode connection) {
        if (connection == null || !connection.has("document")) {
            return List.of();
        }
        OpenApiDocument document;
        try {
            document = documents.of(connection);
        } catch (ActionException e) {
            return List.of(new InputProblem("/operation", "Cannot check the operation against the connection's OpenAPI "
                    + "document: " + e.getMessage()));
        }
        return CallCheck.problems(document, Inputs.orEmptyObject(with), true);
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode given) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(given);
        JsonNode connection = Inputs.orEmptyObject(ctx.connection());
        List<String> problems = new ArrayList<>(input.violations(with, "with"));
        problems.addAll(connectionSchema.violations(connection, "connection"));
        if (!problems.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, String.join("; ", problems));
        }
        OpenApiDocument document = documents.of(connection, ctx);
        List<InputProblem> wrong = CallCheck.problems(document, with, false);
        if (!wrong.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, String.join("; ", wrong.stream()
                    .map(p -> "with" + p.pointer().replace('/', '.') + ": " + p.message()).toList()));
        }
        Operation operation = document.operation(with.get("operation").stringValue());
        return http.execute(new DelegatedContext(ctx, httpConnection(connection, document), ctx.dryRun()),
                HttpInput.of(operation, with));
    }

    /** The {@code http} connection an {@code openapi} connection amounts to: its baseUrl, or the document's first server. */
    static ObjectNode httpConnection(JsonNode connection, OpenApiDocument document) throws ActionException {
        ObjectNode http = JsonNodeFactory.instance.objectNode();
        String baseUrl = connection.path("baseUrl").asString(null);
        if (baseUrl == null) {
            baseUrl = document.server();
            if (baseUrl == null || !baseUrl.matches("(?i)^https?://.*")) {
                throw ActionException.fatal(JsonSchema.INVALID, "connection.baseUrl: is needed: the document's first server is "
                        + (baseUrl == null ? "missing" : "'" + baseUrl + "', a relative URL") + "; set baseUrl to where "
                        + "the API answers, such as https://api.example.com/v1");
            }
        }
        http.put("baseUrl", baseUrl);
        for (String shared : List.of("headers", "auth", "egress")) {
            if (connection.has(shared)) {
                http.set(shared, connection.get(shared));
            }
        }
        return http;
    }
}
