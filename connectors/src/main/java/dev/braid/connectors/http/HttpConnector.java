package dev.braid.connectors.http;

import java.util.Map;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;

/**
 * {@code http}: calls any HTTP API. A connection carries a {@code baseUrl} and default
 * {@code headers}; all of its actions share one HTTP client, and so its connection pool.
 */
public final class HttpConnector implements Connector, AutoCloseable {

    private final SharedHttpClient client = new SharedHttpClient();
    private final Map<String, Action> actions = Map.of("request", new HttpRequestAction(client));

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
        return "Calls HTTP APIs: any method, JSON or text bodies, retries on timeouts, 429 and 5xx.";
    }

    /** Releases the shared client's connections and threads. */
    @Override
    public void close() {
        client.close();
    }
}
