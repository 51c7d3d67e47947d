package dev.braid.connectors.http;

import java.util.Map;
import java.util.Optional;

import dev.braid.connectors.egress.HostResolver;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code http}: calls any HTTP API. A connection carries a {@code baseUrl}, default {@code headers},
 * {@code auth} (none, basic, bearer, apiKey, oauth2 client credentials) and {@code egress} (ranges to
 * open past the link-local/metadata guard); all of its actions share one HTTP client, and so its
 * connection pool, and one oauth2 token cache.
 */
public final class HttpConnector implements Connector, AutoCloseable {

    private final SharedHttpClient client = new SharedHttpClient();
    private final Map<String, Action> actions;

    public HttpConnector() {
        this(HostResolver.SYSTEM, HttpRequestAction.MAX_ITEMS);
    }

    /** For tests: a resolver that maps names without DNS, a smaller item cap. */
    HttpConnector(HostResolver resolver, int maxItems) {
        // One token cache per connector instance: every call of every connection shares it.
        actions = Map.of("request", new HttpRequestAction(client, new OAuth2Tokens(), resolver, maxItems));
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public JsonNode connectionSchema() {
        return HttpSchemas.CONNECTION.node();
    }

    /**
     * {@code GET} of the connection's {@code baseUrl} through {@code http.request} (its headers, auth and
     * egress guard apply); a 2xx or 3xx answer passes, anything else fails with the status and body.
     */
    @Override
    public Optional<String> testConnection(ActionContext context) throws ActionException {
        String baseUrl = context.connection() == null ? null : context.connection().path("baseUrl").asString(null);
        if (baseUrl == null || baseUrl.isBlank()) {
            throw ActionException.fatal(HttpFailure.CONNECTION, "this connection has no baseUrl to test; set baseUrl "
                    + "(e.g. https://api.example.com/) and test again");
        }
        JsonNode input = JsonNodeFactory.instance.objectNode().put("method", "GET").put("url", baseUrl);
        ActionResult result = actions.get("request").execute(context, input);
        return Optional.of("GET " + baseUrl + " answered " + result.output().path("status").asInt());
    }

    @Override
    public String description() {
        return "Calls HTTP APIs: any method, JSON or text bodies, basic/bearer/API key/OAuth2 auth, pagination, "
                + "retries on timeouts, 429 and 5xx.";
    }

    /** Releases the shared client's connections and threads. */
    @Override
    public void close() {
        client.close();
    }
}
