package dev.braid.connectors.openapi;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.braid.connectors.http.StubServer;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.InputProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** openapi.call with the Swagger Petstore 3 document, against a stub server that records what it received. */
class OpenApiCallActionTest {

    private final StubServer stub = StubServer.start();
    private final OpenApiConnector connector = new OpenApiConnector();
    private final Action call = connector.actions().get("call");

    @AfterEach
    void close() {
        connector.close();
        stub.close();
    }

    private ObjectNode connection() {
        ObjectNode connection = object("{}");
        connection.put("document", Petstore.YAML);
        connection.put("baseUrl", stub.url("/api/v3"));
        return connection;
    }

    private JsonNode run(ObjectNode connection, String with) throws ActionException {
        return call.execute(aContext().connection(connection).runId("run-9").stepPath("pet").build(), json(with)).output();
    }

    @Test
    void listsEveryOperationOfThePetstoreWithItsSchemas() throws ActionException {
        JsonNode operations = connector.operations(aContext().connection(connection()).build()).orElseThrow();

        List<String> ids = operations.path("items").valueStream().map(o -> o.path("operationId").asString()).toList();
        assertThat(ids).containsExactly("updatePet", "addPet", "findPetsByStatus", "findPetsByTags", "getPetById",
                "updatePetWithForm", "deletePet", "uploadFile", "getInventory", "placeOrder", "getOrderById", "deleteOrder",
                "createUser", "createUsersWithListInput", "loginUser", "logoutUser", "getUserByName", "updateUser", "deleteUser");
        assertThat(operations.path("openapi").asString()).isEqualTo("3.0.4");
        JsonNode getPetById = operations.path("items").path(4);
        assertThat(getPetById.path("method").asString()).isEqualTo("GET");
        assertThat(getPetById.path("path").asString()).isEqualTo("/pet/{petId}");
        assertThat(getPetById.path("summary").asString()).isEqualTo("Find pet by ID.");
        assertThat(getPetById.path("parameters")).hasSize(1);
        assertThat(getPetById.path("parameters").path(0)).isEqualTo(json(
                "{name: 'petId', in: 'path', required: true, description: 'ID of pet to return', schema: {type: 'integer', format: 'int64'}}"));
        assertThat(getPetById.path("requestBody").isNull()).isTrue();
        JsonNode addPet = operations.path("items").path(1);
        assertThat(addPet.path("requestBody").path("contentType").asString()).isEqualTo("application/json");
        assertThat(addPet.path("requestBody").path("required").asBoolean()).isTrue();
        JsonNode pet = addPet.path("requestBody").path("schema");
        assertThat(pet.path("title").asString()).isEqualTo("Pet");
        assertThat(pet.path("required")).isEqualTo(json("['name', 'photoUrls']"));
        assertThat(pet.path("properties").path("category").path("properties").path("name").path("type").asString())
                .as("$refs are inlined").isEqualTo("string");
        assertThat(pet.path("properties").path("tags").path("items").path("title").asString()).isEqualTo("Tag");
    }

    @Test
    void getPetByIdPutsThePathParameterIntoThePath() throws ActionException {
        stub.on("/api/v3/pet/7", 200, "{\"id\": 7, \"name\": \"Rex\"}", "Content-Type", "application/json");

        JsonNode output = run(connection(), "{operation: 'getPetById', parameters: {petId: 7}}");

        assertThat(output.path("status").asInt()).isEqualTo(200);
        assertThat(output.path("body").path("name").asString()).isEqualTo("Rex");
        StubServer.Received request = stub.last();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri().getRawPath()).isEqualTo("/api/v3/pet/7");
        assertThat(request.uri().getRawQuery()).isNull();
        assertThat(request.header("Idempotency-Key")).isEqualTo("run-9/pet");
    }

    @Test
    void queryParametersFollowTheirStyle() throws ActionException {
        stub.on("/api/v3/pet/findByStatus", 200, "[]", "Content-Type", "application/json");
        stub.on("/api/v3/pet/findByTags", 200, "[]", "Content-Type", "application/json");
        stub.on("/api/v3/user/login", 200, "\"token\"", "Content-Type", "application/json");

        run(connection(), "{operation: 'findPetsByStatus', parameters: {status: 'sold'}}");
        assertThat(stub.last().uri().getRawQuery()).isEqualTo("status=sold");

        run(connection(), "{operation: 'findPetsByTags', parameters: {tags: ['brown', 'small dog']}}");
        assertThat(stub.last().uri().getRawQuery()).as("form, explode: the name repeats").isEqualTo("tags=brown&tags=small%20dog");

        run(connection(), "{operation: 'loginUser', parameters: {username: 'ann', password: 'p&ss'}}");
        assertThat(stub.last().uri().getRawQuery()).isEqualTo("username=ann&password=p%26ss");
    }

    @Test
    void addPetSendsTheBodyAsJsonAndHeaderParametersAsHeaders() throws ActionException {
        stub.on("/api/v3/pet", 200, "{\"id\": 11}", "Content-Type", "application/json");
        stub.on("/api/v3/pet/11", 200, "");

        run(connection(), "{operation: 'addPet', body: {id: 11, name: 'Rex', photoUrls: ['https://img/rex.png'], "
                + "category: {id: 1, name: 'Dogs'}, tags: [{id: 3, name: 'brown'}], status: 'available'}}");
        StubServer.Received added = stub.last();
        assertThat(added.method()).isEqualTo("POST");
        assertThat(added.uri().getRawPath()).isEqualTo("/api/v3/pet");
        assertThat(added.header("Content-Type")).isEqualTo("application/json");
        assertThat(JsonMapper.shared().readTree(added.bodyText())).isEqualTo(json("{id: 11, name: 'Rex', "
                + "photoUrls: ['https://img/rex.png'], category: {id: 1, name: 'Dogs'}, tags: [{id: 3, name: 'brown'}], status: 'available'}"));

        run(connection(), "{operation: 'deletePet', parameters: {petId: '11', api_key: 'k-1'}}");
        StubServer.Received deleted = stub.last();
        assertThat(deleted.method()).isEqualTo("DELETE");
        assertThat(deleted.uri().getRawPath()).isEqualTo("/api/v3/pet/11");
        assertThat(deleted.header("api_key")).isEqualTo("k-1");
    }

    @Test
    void aPathValueCannotAddASegment() throws ActionException {
        stub.on("/api/v3/user/a/b c", 200, "{}", "Content-Type", "application/json");

        run(connection(), "{operation: 'getUserByName', parameters: {username: 'a/b c'}}");

        assertThat(stub.last().uri().getRawPath()).isEqualTo("/api/v3/user/a%2Fb%20c");
    }

    @Test
    void anOperationCanBeNamedByMethodAndPath() throws ActionException {
        stub.on("/api/v3/store/inventory", 200, "{\"sold\": 2}", "Content-Type", "application/json");

        JsonNode output = run(connection(), "{operation: 'get /store/inventory'}");

        assertThat(output.path("body").path("sold").asInt()).isEqualTo(2);
    }

    @Test
    void invalidCallsAreFatalAndNeverSent() {
        for (String with : List.of("{operation: 'getPetById'}", "{operation: 'getPetById', parameters: {petId: 'seven'}}",
                "{operation: 'addPet', body: {name: 'Rex'}}", "{operation: 'getPet', parameters: {petId: 1}}",
                "{operation: 'getPetById', parameters: {petId: 1, verbose: true}}")) {
            ActionException e = catchThrowableOfType(ActionException.class, () -> run(connection(), with));

            assertThat(e).as(with).isNotNull();
            assertThat(e.retryable()).isFalse();
            assertThat(e.type()).isEqualTo("input.invalid");
        }
        assertThat(stub.received()).isEmpty();
    }

    @Test
    void savingChecksOperationParametersAndBodyAgainstTheDocument() {
        JsonNode settings = connection();

        assertThat(call.check(json("{operation: 'getPet', parameters: {petId: 1}}"), settings))
                .singleElement().satisfies(p -> {
                    assertThat(p.pointer()).isEqualTo("/operation");
                    assertThat(p.message()).contains("Unknown operation 'getPet'", "did you mean 'getPetById'?");
                });
        assertThat(call.check(json("{operation: 'findPetsByStatus', parameters: {staus: 'sold'}}"), settings))
                .extracting(InputProblem::pointer, InputProblem::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/parameters/staus", "Operation findPetsByStatus has no parameter 'staus'; "
                                + "did you mean 'status'?; its parameters: status (query, required)"),
                        org.assertj.core.groups.Tuple.tuple("/parameters/status", "Operation findPetsByStatus needs the query parameter "
                                + "'status'; add it under parameters: (Status values that need to be considered for filter)"));
        assertThat(call.check(json("{operation: 'findPetsByStatus', parameters: {status: 'lost'}}"), settings))
                .singleElement().satisfies(p -> {
                    assertThat(p.pointer()).isEqualTo("/parameters/status");
                    assertThat(p.message()).contains("available", "pending", "sold");
                });
        assertThat(call.check(json("{operation: 'addPet', body: {name: 'Rex', photoUrls: [], status: 'lost', tags: [{id: 'x'}]}}"), settings))
                .extracting(InputProblem::pointer).containsExactlyInAnyOrder("/body/status", "/body/tags/0/id");
        assertThat(call.check(json("{operation: 'addPet', body: {photoUrls: []}}"), settings))
                .singleElement().satisfies(p -> {
                    assertThat(p.pointer()).isEqualTo("/body");
                    assertThat(p.message()).contains("name");
                });
        assertThat(call.check(json("{operation: 'addPet'}"), settings)).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("Operation addPet needs a request body (application/json); add body:"));
        assertThat(call.check(json("{operation: 'getPetById', parameters: {petId: 1}, body: {}}"), settings))
                .extracting(InputProblem::pointer).containsExactly("/body");
    }

    @Test
    void templatesAreLeftForTheRun() {
        JsonNode settings = connection();

        assertThat(call.check(json("{operation: '{{ trigger.body.op }}', parameters: {nothing: 1}}"), settings)).isEmpty();
        assertThat(call.check(json("{operation: 'getPetById', parameters: {petId: '{{ trigger.body.id }}'}}"), settings)).isEmpty();
        assertThat(call.check(json("{operation: 'getPetById', parameters: '{{ trigger.body.params }}'}"), settings)).isEmpty();
        assertThat(call.check(json("{operation: 'addPet', body: '{{ trigger.body }}'}"), settings)).isEmpty();
        assertThat(call.check(json("{operation: 'addPet', body: {name: '{{ trigger.body.name }}', photoUrls: [], "
                + "id: '{{ trigger.body.id }}', status: 'lost'}}"), settings))
                .as("only the literal value is checked").extracting(InputProblem::pointer).containsExactly("/body/status");
    }

    @Test
    void bearerAndOAuth2AuthOfTheConnectionAreSent() throws ActionException {
        AtomicInteger tokenRequests = new AtomicInteger();
        stub.on("/api/v3/pet/1", 200, "{}", "Content-Type", "application/json");
        stub.on("/oauth/token", exchange -> {
            tokenRequests.incrementAndGet();
            StubServer.send(exchange, 200, "{\"access_token\": \"tok-77\", \"token_type\": \"bearer\", \"expires_in\": 3600}",
                    "Content-Type", "application/json");
        });

        ObjectNode bearer = connection();
        bearer.set("auth", json("{type: 'bearer', token: 'b-123'}"));
        run(bearer, "{operation: 'getPetById', parameters: {petId: 1}}");
        assertThat(stub.last().header("Authorization")).isEqualTo("Bearer b-123");

        ObjectNode oauth2 = connection();
        oauth2.set("auth", json("{type: 'oauth2', tokenUrl: '" + stub.url("/oauth/token") + "', clientId: 'braid', "
                + "clientSecret: 's3cret', scope: 'read:pets'}"));
        run(oauth2, "{operation: 'getPetById', parameters: {petId: 1}}");
        run(oauth2, "{operation: 'getPetById', parameters: {petId: 1}}");
        assertThat(stub.last().header("Authorization")).isEqualTo("Bearer tok-77");
        assertThat(tokenRequests).as("the token is cached between calls").hasValue(1);
    }

    @Test
    void a503WithRetryAfterIsRetryableAfterThatTime() {
        stub.on("/api/v3/store/order/5", 503, "busy", "Retry-After", "7");

        ActionException e = catchThrowableOfType(ActionException.class,
                () -> run(connection(), "{operation: 'getOrderById', parameters: {orderId: 5}}"));

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("http.status");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void theBaseUrlDefaultsToTheDocumentsFirstServer() throws ActionException {
        stub.on("/v2/pet/3", 200, "{}", "Content-Type", "application/json");
        ObjectNode connection = object("{}");
        connection.put("document", Petstore.YAML.replace("- url: /api/v3", "- url: '" + stub.url("/v2") + "'"));

        run(connection, "{operation: 'getPetById', parameters: {petId: 3}}");

        assertThat(stub.last().uri().getRawPath()).isEqualTo("/v2/pet/3");
    }

    @Test
    void aRelativeServerWithoutBaseUrlSaysToSetIt() {
        ObjectNode connection = object("{}");
        connection.put("document", Petstore.YAML);

        ActionException e = catchThrowableOfType(ActionException.class,
                () -> run(connection, "{operation: 'getPetById', parameters: {petId: 3}}"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("connection.baseUrl", "'/api/v3', a relative URL");
    }

    @Test
    void aDocumentGivenByUrlIsFetchedOnceAndItsRelativeServerResolvedAgainstIt() throws ActionException {
        AtomicInteger fetches = new AtomicInteger();
        stub.on("/openapi.yaml", exchange -> {
            fetches.incrementAndGet();
            StubServer.send(exchange, 200, Petstore.YAML, "Content-Type", "application/yaml");
        });
        stub.on("/api/v3/pet/5", 200, "{\"id\": 5}", "Content-Type", "application/json");
        ObjectNode connection = object("{}");
        connection.put("document", stub.url("/openapi.yaml"));

        run(connection, "{operation: 'getPetById', parameters: {petId: 5}}");
        run(connection, "{operation: 'getPetById', parameters: {petId: 5}}");
        assertThat(call.check(json("{operation: 'getPetByID'}"), connection)).isNotEmpty();

        assertThat(stub.last().uri().getRawPath()).isEqualTo("/api/v3/pet/5");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aSaveWaitsForAnUnreachableDocumentOnceButEachRunAttemptTriesAgain() {
        AtomicInteger fetches = new AtomicInteger();
        stub.on("/down.yaml", exchange -> {
            fetches.incrementAndGet();
            StubServer.send(exchange, 503, "down");
        });
        ObjectNode connection = object("{}");
        connection.put("document", stub.url("/down.yaml"));

        for (int step = 0; step < 3; step++) {
            assertThat(call.check(json("{operation: 'getPetById'}"), connection)).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("fetching " + stub.url("/down.yaml"), "503"));
        }
        assertThat(fetches).as("one fetch for the three steps of a save").hasValue(1);

        ActionException e = catchThrowableOfType(ActionException.class, () -> run(connection, "{operation: 'getPetById'}"));
        assertThat(e.type()).isEqualTo("openapi.document");
        assertThat(e.retryable()).as("the document may come back").isTrue();
        assertThat(fetches).as("a run's attempt fetches again").hasValue(2);
    }

    @Test
    void anUnusableDocumentIsNamedWithTheFix() {
        for (Map.Entry<String, String> c : Map.of(
                "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}", "Swagger 2.0",
                "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - $ref: 'common.yaml#/p'\n", "bundle",
                "openapi: 3.0.0\npaths: [unclosed", "cannot be read as YAML").entrySet()) {
            ObjectNode connection = connection();
            connection.put("document", c.getKey());

            ActionException e = catchThrowableOfType(ActionException.class, () -> run(connection, "{operation: 'a'}"));

            assertThat(e.type()).isEqualTo("openapi.document");
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("connection.document", c.getValue());
            assertThat(call.check(json("{operation: 'a'}"), connection)).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains(c.getValue()));
        }
    }

    @Test
    void aDryRunDescribesTheRequestWithoutSendingIt() throws ActionException {
        ObjectNode connection = connection();
        connection.set("auth", json("{type: 'bearer', token: 'b-123'}"));

        JsonNode described = call.execute(aContext().connection(connection).dryRun(true).build(),
                json("{operation: 'placeOrder', body: {petId: 7, quantity: 1}}")).output();

        assertThat(described.path("method").asString()).isEqualTo("POST");
        assertThat(described.path("url").asString()).isEqualTo(stub.url("/api/v3/store/order"));
        assertThat(described.toString()).doesNotContain("b-123");
        assertThat(stub.received()).isEmpty();
    }

    @Test
    void openApi31DocumentsAreCheckedWithTheirOwnDialect() {
        ObjectNode connection = connection();
        connection.put("document", """
                {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                 "paths": {"/notes": {"post": {"operationId": "addNote",
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}}}}},
                 "components": {"schemas": {"Note": {"type": "object", "required": ["text"],
                   "properties": {"text": {"type": "string"}, "due": {"type": ["string", "null"]}}}}}}""");

        assertThat(call.check(json("{operation: 'addNote', body: {text: 'hi', due: null}}"), connection)).isEmpty();
        assertThat(call.check(json("{operation: 'addNote', body: {text: 3}}"), connection))
                .extracting(InputProblem::pointer).containsExactly("/body/text");
    }
}
