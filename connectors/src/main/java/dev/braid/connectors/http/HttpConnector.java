package dev.braid.connectors.http;

import java.util.Map;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;

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
