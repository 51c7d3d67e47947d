package dev.braid.connectors.http;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;

import java.util.List;
import java.util.Optional;

import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code http.request} against a stub server: a 200, a 503 and a 404 route. */
final class HttpRequestFixture implements ActionFixture {

    private final StubServer stub = StubServer.start()
            .on("/orders", 200, "{\"ok\": true}", "Content-Type", "application/json")
            .on("/busy", 503, "try later");
    private final HttpConnector connector = new HttpConnector();

    @Override
    public Action action() {
        return connector.actions().get("request");
    }

    @Override
    public ObjectNode validInput() {
        return object("{method: 'POST', url: '/orders', body: {id: 7}}");
    }

    @Override
    public JsonNode connection() {
        return json("{baseUrl: '" + stub.url("") + "', auth: {type: 'bearer', token: '" + TOKEN + "'}}");
    }

    /** A bearer token the target receives, and no output or error may repeat. */
    static final String TOKEN = "contract-bearer-0d9e7a";

    @Override
    public java.util.List<String> secretValues() {
        return java.util.List.of(TOKEN);
    }

    @Override
    public int effects() {
        return stub.received().size();
    }

    @Override
    public boolean forwardsIdempotencyKey() {
        return true;
    }

    @Override
    public List<String> idempotencyKeysReceived() {
        return stub.received().stream().map(r -> r.header("Idempotency-Key")).toList();
    }

    @Override
    public Optional<JsonNode> transientFailureInput() {
        return Optional.of(json("{url: '/busy'}"));
    }

    @Override
    public Optional<JsonNode> permanentFailureInput() {
        return Optional.of(json("{url: '/missing'}"));
    }

    @Override
    public void close() {
        connector.close();
        stub.close();
    }
}
