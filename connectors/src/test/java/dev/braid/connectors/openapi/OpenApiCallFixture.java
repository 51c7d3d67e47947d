package dev.braid.connectors.openapi;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;

import java.util.List;
import java.util.Optional;

import dev.braid.connectors.ActionFixture;
import dev.braid.connectors.http.StubServer;
import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code openapi.call} of the Petstore against a stub: addPet answers 200, getOrderById 503, getPetById 404. */
final class OpenApiCallFixture implements ActionFixture {

    static final String TOKEN = "contract-openapi-bearer-51c2";

    private final StubServer stub = StubServer.start()
            .on("/api/v3/pet", 200, "{\"id\": 7, \"name\": \"Rex\", \"photoUrls\": []}", "Content-Type", "application/json")
            .on("/api/v3/store/order/5", 503, "try later");
    private final OpenApiConnector connector = new OpenApiConnector();

    @Override
    public Action action() {
        return connector.actions().get("call");
    }

    @Override
    public ObjectNode validInput() {
        return object("{operation: 'addPet', body: {name: 'Rex', photoUrls: []}}");
    }

    @Override
    public JsonNode connection() {
        ObjectNode connection = object("{auth: {type: 'bearer', token: '" + TOKEN + "'}}");
        connection.put("baseUrl", stub.url("/api/v3"));
        connection.put("document", Petstore.YAML);
        return connection;
    }

    @Override
    public List<String> secretValues() {
        return List.of(TOKEN);
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
        return Optional.of(json("{operation: 'getOrderById', parameters: {orderId: 5}}"));
    }

    @Override
    public Optional<JsonNode> permanentFailureInput() {
        return Optional.of(json("{operation: 'getPetById', parameters: {petId: 404}}"));
    }

    @Override
    public void close() {
        connector.close();
        stub.close();
    }
}
