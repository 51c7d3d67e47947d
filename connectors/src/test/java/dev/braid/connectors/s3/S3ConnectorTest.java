package dev.braid.connectors.s3;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The s3 actions against a real S3-compatible server in this JVM ({@link S3Server}), some through {@link S3Front}. */
class S3ConnectorTest {

    private final S3Server server = S3Fixture.server();
    private final S3Connector connector = new S3Connector();

    @AfterEach
    void close() {
        connector.close();
    }

    private JsonNode run(String action, JsonNode connection, JsonNode with) throws ActionException {
        return connector.actions().get(action).execute(ctx(connection), with).output();
    }

    private static ActionContext ctx(JsonNode connection) {
        return aContext().connection(connection).build();
    }

    private ActionException failure(String action, JsonNode connection, JsonNode with) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> run(action, connection, with));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }

    @Test
    void putGetListDeleteRoundTripAsTextJsonAndBase64() throws ActionException {
        JsonNode c = server.connection("round-trip");
        JsonNode put = run("put", c, json("{key: 'orders/2026/ä b+c.json', body: {id: 7, lines: [1, 2]}, metadata: {Source: 'braid'}}"));
        assertThat(put.path("etag").asString()).isNotBlank();
        run("put", c, json("{key: 'orders/2026/note.txt', body: 'Grüße', contentType: 'text/plain; charset=utf-8'}"));
        byte[] bytes = new byte[] {0, 1, 2, (byte) 0xff, 10, 13};
        run("put", c, json("{key: 'orders/2026/raw.bin', body: '" + Base64.getEncoder().encodeToString(bytes) + "', encoding: 'base64'}"));

        JsonNode asJson = run("get", c, json("{key: 'orders/2026/ä b+c.json', as: 'json'}"));
        assertThat(asJson.path("body")).isEqualTo(json("{id: 7, lines: [1, 2]}"));
        assertThat(asJson.path("contentType").asString()).startsWith("application/json");
        assertThat(asJson.path("metadata").path("source").asString()).isEqualTo("braid");
        assertThat(asJson.path("metadata").path(S3PutAction.IDEMPOTENCY_METADATA).asString()).isEqualTo("run-1/step");
        assertThat(asJson.path("etag").asString()).isEqualTo(put.path("etag").asString());
        assertThat(run("get", c, json("{key: 'orders/2026/note.txt'}")).path("body").asString()).isEqualTo("Grüße");
        assertThat(Base64.getDecoder().decode(run("get", c, json("{key: 'orders/2026/raw.bin', as: 'base64'}")).path("body").asString()))
                .isEqualTo(bytes);

        JsonNode listed = run("list", c, json("{prefix: 'orders/2026/'}"));
        assertThat(listed.path("items").findValuesAsString("key"))
                .containsExactly("orders/2026/note.txt", "orders/2026/raw.bin", "orders/2026/ä b+c.json");
        assertThat(listed.path("items").get(1).path("size").asLong()).isEqualTo(bytes.length);
        assertThat(listed.path("truncated").asBoolean()).isFalse();

        assertThat(run("delete", c, json("{key: 'orders/2026/note.txt'}")).path("deleted").asBoolean()).isTrue();
        ActionException missing = failure("get", c, json("{key: 'orders/2026/note.txt'}"));
        assertThat(missing.retryable()).isFalse();
        assertThat(missing.type()).isEqualTo("s3.not_found");
        assertThat(missing.getMessage()).contains("GET s3://round-trip/orders/2026/note.txt", "404", "NoSuchKey");
        JsonNode tolerated = run("get", c, json("{key: 'orders/2026/note.txt', missing: 'null'}"));
        assertThat(tolerated.path("found").asBoolean()).isFalse();
        assertThat(tolerated.path("body").isNull()).isTrue();
        assertThat(run("delete", c, json("{key: 'orders/2026/note.txt'}")).path("deleted").asBoolean())
                .as("deleting what is gone succeeds, so a retried step does").isTrue();
    }

    @Test
    void aTwentyMegabyteObjectIsStreamedBothWaysAndTheSizeLimitIsClear() throws ActionException {
        JsonNode c = server.connection("round-trip");
        byte[] data = new byte[20 * 1024 * 1024];
        new Random(7).nextBytes(data);
        String base64 = Base64.getEncoder().encodeToString(data);
        JsonNode put = run("put", c, JsonNodeFactory.instance.objectNode().put("key", "big/20mb.bin").put("body", base64)
                .put("encoding", "base64"));
        assertThat(put.path("size").asLong()).isEqualTo(data.length);

        JsonNode got = run("get", c, json("{key: 'big/20mb.bin', as: 'base64', maxBytes: 25000000}"));
        assertThat(got.path("size").asLong()).isEqualTo(data.length);
        assertThat(got.path("body").asString()).isEqualTo(base64);

        ActionException tooLarge = failure("get", c, json("{key: 'big/20mb.bin'}"));
        assertThat(tooLarge.retryable()).isFalse();
        assertThat(tooLarge.type()).isEqualTo("s3.too_large");
        assertThat(tooLarge.getMessage()).contains("20971520 bytes", "maxBytes (10485760)", "raise with.maxBytes");
        run("delete", c, json("{key: 'big/20mb.bin'}"));
    }

    @Test
    void fifteenHundredObjectsAreListedAcrossPagesInKeyOrderAndByAge() throws Exception {
        JsonNode c = server.connection("listing");
        writeConcurrently(c, "many/", 1_500);

        JsonNode all = run("list", c, json("{prefix: 'many/', maxKeys: 5000}"));
        assertThat(all.path("count").asInt()).isEqualTo(1_500);
        assertThat(all.path("truncated").asBoolean()).isFalse();
        List<String> keys = all.path("items").findValuesAsString("key");
        assertThat(keys).isSorted().doesNotHaveDuplicates();

        JsonNode first = run("list", c, json("{prefix: 'many/', maxKeys: 1200}"));
        assertThat(first.path("count").asInt()).isEqualTo(1_200);
        assertThat(first.path("truncated").asBoolean()).isTrue();
        JsonNode rest = run("list", c, JsonNodeFactory.instance.objectNode().put("prefix", "many/")
                .put("startAfter", first.path("nextStartAfter").asString()));
        assertThat(rest.path("count").asInt()).isEqualTo(300);
        assertThat(rest.path("items").get(0).path("key").asString()).isEqualTo(keys.get(1_200));

        // By age, 250 at a time from a cursor: every object once, also those that share a time with others.
        Set<String> positions = new HashSet<>();
        for (JsonNode item : all.path("items")) {
            positions.add(item.path("lastModified").asString());
        }
        assertThat(positions.size()).as("objects written in the same millisecond (the case the key breaks ties for)")
                .isLessThan(1_500);
        List<String> seen = new ArrayList<>();
        String cursor = "";
        for (int polls = 0; polls < 50; polls++) {
            JsonNode page = run("list", c, JsonNodeFactory.instance.objectNode().put("prefix", "many/").put("after", cursor)
                    .put("maxKeys", 250));
            if (page.path("count").asInt() == 0) {
                break;
            }
            for (JsonNode item : page.path("items")) {
                seen.add(item.path("key").asString());
                assertThat(item.path("position").asString()).isGreaterThan(cursor);
                cursor = item.path("position").asString();
            }
        }
        assertThat(seen).hasSize(1_500).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void pathStyleAndVirtualHostAddressingThroughASignatureCheckingFront(boolean pathStyle) throws ActionException {
        try (S3Front front = new S3Front(server)) {
            ObjectNode c = front.connection("paths", pathStyle, S3Server.SECRET_KEY);
            String key = (pathStyle ? "path" : "virtual") + "/a b/ü.txt";
            run("put", c, JsonNodeFactory.instance.objectNode().put("key", key).put("body", "hello"));
            assertThat(run("get", c, JsonNodeFactory.instance.objectNode().put("key", key)).path("body").asString()).isEqualTo("hello");
            assertThat(run("list", c, json("{prefix: '" + (pathStyle ? "path/" : "virtual/") + "'}")).path("items")
                    .findValuesAsString("key")).containsExactly(key);
            run("delete", c, JsonNodeFactory.instance.objectNode().put("key", key));
            assertThat(front.verified.get()).as("requests whose signature the front checked").isEqualTo(4);
            assertThat(S3Client.uri(S3Settings.from(c), S3Client.Request.of("GET", "paths", key)).toString())
                    .isEqualTo(pathStyle ? "http://127.0.0.1:" + front.port() + "/paths/path/a%20b/%C3%BC.txt"
                            : "http://paths.localhost:" + front.port() + "/virtual/a%20b/%C3%BC.txt");
        }
    }

    @Test
    void wrongCredentialsAreFatalWithAClearMessageAndTheSecretNeverShows() {
        try (S3Front front = new S3Front(server)) {
            ObjectNode wrongSecret = front.connection("paths", true, "not-the-secret-9f2");
            ActionException e = failure("list", wrongSecret, json("{}"));
            assertThat(e.retryable()).isFalse();
            assertThat(e.type()).isEqualTo("s3.denied");
            assertThat(e.getMessage()).contains("403", "SignatureDoesNotMatch", "secretAccessKey does not match")
                    .doesNotContain("not-the-secret-9f2");

            ObjectNode unknownKey = front.connection("paths", true, S3Server.SECRET_KEY).put("accessKeyId", "AKIANOBODY");
            ActionException unknown = failure("put", unknownKey, json("{key: 'x.txt', body: 'x'}"));
            assertThat(unknown.retryable()).isFalse();
            assertThat(unknown.type()).isEqualTo("s3.denied");
            assertThat(unknown.getMessage()).contains("InvalidAccessKeyId", "does not know the connection's accessKeyId");
        }
    }

    @Test
    void anUnreachableStoreIsRetryableAndMetadataAddressesAreRefused() throws IOException {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        ObjectNode c = server.connection("round-trip").put("endpoint", "http://127.0.0.1:" + closed);
        ActionException down = failure("get", c, json("{key: 'a.txt'}"));
        assertThat(down.retryable()).isTrue();
        assertThat(down.type()).isEqualTo("s3.connection");

        ObjectNode metadata = server.connection("round-trip").put("endpoint", "http://169.254.169.254");
        ActionException refused = failure("list", metadata, json("{}"));
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.type()).isEqualTo("s3.egress_denied");
        assertThat(refused.getMessage()).contains("cloud metadata endpoint");
    }

    @Test
    void settingsAndInputsAreCheckedBeforeAnythingIsSent() {
        ActionException noBucket = failure("get", server.connection(null), json("{key: 'a'}"));
        assertThat(noBucket.type()).isEqualTo("input.invalid");
        assertThat(noBucket.getMessage()).contains("with.bucket", "connection names no bucket");

        ActionException badEndpoint = failure("list", server.connection("x").put("endpoint", "ftp://files"), json("{}"));
        assertThat(badEndpoint.getMessage()).contains("connection.endpoint", "not an http(s) URL");

        ActionException notBase64 = failure("put", server.connection("x"), json("{key: 'a', body: 'no*base64', encoding: 'base64'}"));
        assertThat(notBase64.getMessage()).contains("with.body", "not base64");

        ActionException noConnection = failure("list", JsonNodeFactory.instance.objectNode(), json("{}"));
        assertThat(noConnection.getMessage()).contains("need an s3 connection");
    }

    private void writeConcurrently(JsonNode c, String prefix, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<JsonNode>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ObjectNode with = JsonNodeFactory.instance.objectNode().put("key", prefix + String.format("%05d.json", i))
                        .put("body", "{\"n\": " + i + "}");
                writes.add(pool.submit(() -> run("put", c, with)));
            }
            for (Future<JsonNode> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
