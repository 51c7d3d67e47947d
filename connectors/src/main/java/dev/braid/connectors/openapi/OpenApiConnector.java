package dev.braid.connectors.openapi;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import dev.braid.connectors.http.HttpConnector;
import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code openapi}: any REST API from its OpenAPI 3.0/3.1 document. A connection is an {@code http} connection
 * (baseUrl, headers, auth, egress) plus the {@code document}; {@code openapi.call} names an operation of it. The
 * requests are made by an {@code http} connector this one owns — its client, connection pool and OAuth2 token
 * cache — through {@code http.request} itself, never a copy of it.
 */
public final class OpenApiConnector implements Connector, AutoCloseable {

    private final HttpConnector http;
    private final Documents documents;
    private final JsonSchema connectionSchema;
    private final Map<String, Action> actions;

    public OpenApiConnector() {
        this(new HttpConnector(), Clock.systemUTC());
    }

    OpenApiConnector(HttpConnector http, Clock clock) {
        this.http = http;
        Action request = http.actions().get("request");
        this.documents = new Documents(request, clock);
        this.connectionSchema = OpenApiSchemas.connection(http.connectionSchema());
        this.actions = Map.of("call", new OpenApiCallAction(request, documents, connectionSchema));
    }

    @Override
    public String name() {
        return "openapi";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public JsonNode connectionSchema() {
        return connectionSchema.node();
    }

    /**
     * {@code {items: [{operationId, method, path, summary, description, deprecated, parameters: [{name, in, required,
     * description, schema}], requestBody: {required, contentType, schema} | null}], server, openapi}}, schemas with
     * their local references inlined.
     */
    @Override
    public Optional<JsonNode> operations(ActionContext context) throws ActionException {
        OpenApiDocument document = documents.of(Inputs.orEmptyObject(context.connection()), context);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("openapi", document.version());
        out.put("server", context.connection().path("baseUrl").asString(document.server()));
        ArrayNode items = out.putArray("items");
        for (Operation operation : document.operations()) {
            ObjectNode item = items.addObject();
            item.put("operationId", operation.key());
            item.put("method", operation.method());
            item.put("path", operation.path());
            item.put("summary", operation.summary());
            if (operation.description() != null) {
                item.put("description", operation.description());
            }
            if (operation.deprecated()) {
                item.put("deprecated", true);
            }
            ArrayNode parameters = item.putArray("parameters");
            for (Parameter p : operation.parameters()) {
                ObjectNode parameter = parameters.addObject().put("name", p.name()).put("in", p.in()).put("required", p.required());
                if (p.description() != null) {
                    parameter.put("description", p.description());
                }
                parameter.set("schema", p.schema() == null ? JsonNodeFactory.instance.objectNode() : document.inline(p.schema()));
            }
            RequestBody body = operation.body();
            if (body == null) {
                item.putNull("requestBody");
            } else {
                ObjectNode requestBody = item.putObject("requestBody").put("required", body.required())
                        .put("contentType", body.contentType());
                requestBody.set("schema", body.schema() == null ? JsonNodeFactory.instance.objectNode() : document.inline(body.schema()));
            }
        }
        return Optional.of(out);
    }

    @Override
    public String description() {
        return "Calls any REST API from its OpenAPI 3.0/3.1 document: openapi.call names an operation (checked when the "
                + "recipe is saved, with its parameters and body); requests go through http.request (auth incl. OAuth2, "
                + "retries, Retry-After, egress guard, idempotency key). GET /api/v1/connections/{name}/operations lists them.";
    }

    /** Releases the http connector's client. */
    @Override
    public void close() {
        http.close();
    }
}
