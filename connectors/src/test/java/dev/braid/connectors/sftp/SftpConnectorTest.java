package dev.braid.connectors.sftp;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.AfterPollCommit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The sftp connector against an Apache MINA SSHD server in this JVM on loopback. */
class SftpConnectorTest {

    private final SftpTestServer server = new SftpTestServer();
    private final SftpConnector connector = new SftpConnector();

    @AfterEach
    void close() {
        connector.close();
        server.close();
    }

    private ActionContext ctx() {
        return aContext().connection(json(server.connection())).build();
    }

    private JsonNode run(String action, JsonNode with) throws ActionException {
        return connector.actions().get(action).execute(ctx(), with).output();
    }

    @Test
    void textJsonAndBase64RoundTrip() throws Exception {
        run("write", object("{path: 'out/deep/note.txt', content: 'Grüße, Braid'}"));
        run("write", object("{path: 'out/order.json', content: {id: 7, lines: [1, 2]}}"));
        byte[] bytes = {0, 1, 2, (byte) 0xff, 10};
        ObjectNode binary = JsonNodeFactory.instance.objectNode().put("path", "out/blob.bin")
                .put("content", Base64.getEncoder().encodeToString(bytes)).put("as", "base64");
        run("write", binary);

        assertThat(run("read", object("{path: 'out/deep/note.txt'}")).path("content").asString()).isEqualTo("Grüße, Braid");
        assertThat(run("read", object("{path: 'out/order.json', as: 'json'}")).path("content")).isEqualTo(json("{id: 7, lines: [1, 2]}"));
        assertThat(Base64.getDecoder().decode(run("read", object("{path: 'out/blob.bin', as: 'base64'}")).path("content").asString()))
                .isEqualTo(bytes);
        assertThat(Files.readAllBytes(server.root().resolve("out/blob.bin"))).isEqualTo(bytes);
        JsonNode listed = run("list", object("{dir: 'out', recursive: true, pattern: '*.*'}"));
        assertThat(listed.path("files").findValuesAsString("path"))
                .containsExactly("out/blob.bin", "out/deep/note.txt", "out/order.json");
        assertThat(listed.path("files").get(0).path("size").asInt()).isEqualTo(5);
    }

    @Test
    void writeIsAtomicAndHonoursIfExists() throws Exception {
        run("write", object("{path: 'o.txt', content: 'first'}"));

        JsonNode skipped = run("write", object("{path: 'o.txt', content: 'second', ifExists: 'skip'}"));
        ActionException fail = catchThrowableOfType(ActionException.class,
                () -> run("write", object("{path: 'o.txt', content: 'third', ifExists: 'fail'}")));
        run("write", object("{path: 'o.txt', content: 'fourth'}"));

        assertThat(skipped.path("written").asBoolean()).isFalse();
        assertThat(fail.type()).isEqualTo("sftp.exists");
        assertThat(fail.retryable()).isFalse();
        assertThat(Files.readString(server.root().resolve("o.txt"))).isEqualTo("fourth");
        try (var files = Files.list(server.root())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("o.txt");
        }
    }

    @Test
    void aHundredMegabyteFileIsWrittenAndReadBackAndALargerOneThanTheLimitIsRefused() throws Exception {
        int size = 100 * 1024 * 1024;
        StringBuilder text = new StringBuilder(size);
        for (int i = 0; text.length() < size; i++) {
            text.append("line ").append(i).append(",0123456789abcdefghij\n");
        }
        text.setLength(size);
        String content = text.toString();
        text = null;

        JsonNode written = run("write", JsonNodeFactory.instance.objectNode().put("path", "big/data.csv").put("content", content));
        JsonNode read = run("read", object("{path: 'big/data.csv', maxBytes: " + (size + 1) + "}"));
        ActionException tooLarge = catchThrowableOfType(ActionException.class,
                () -> run("read", object("{path: 'big/data.csv'}")));

        assertThat(written.path("bytes").asLong()).isEqualTo(size);
        assertThat(Files.size(server.root().resolve("big/data.csv"))).isEqualTo(size);
        assertThat(read.path("size").asLong()).isEqualTo(size);
        assertThat(read.path("content").asString()).isEqualTo(content);
        assertThat(tooLarge.type()).isEqualTo("sftp.too_large");
        assertThat(tooLarge.retryable()).isFalse();
        assertThat(tooLarge.getMessage()).contains("104857600 bytes", "maxBytes 10485760");
    }

    @Test
    void aHostKeyThatDoesNotMatchIsFatalAndShowsTheFingerprintItGot() {
        String wrong = "SHA256:" + "A".repeat(43);
        ObjectNode settings = (ObjectNode) json(server.connection());
        settings.put("hostKey", wrong);

        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("list")
                .execute(aContext().connection(settings).build(), object("{}")));

        assertThat(e.type()).isEqualTo("sftp.host_key");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains(server.fingerprint(), wrong).doesNotContain(SftpTestServer.PASSWORD);
    }

    @Test
    void acceptAnyHostKeyConnectsWithoutAFingerprintAndNoFingerprintIsRefusedAtOnce() throws Exception {
        ObjectNode any = (ObjectNode) json(server.connection());
        any.remove("hostKey");
        ObjectNode none = any.deepCopy();
        any.put("acceptAnyHostKey", true);

        JsonNode listed = connector.actions().get("list").execute(aContext().connection(any).build(), object("{}")).output();
        ActionException e = catchThrowableOfType(ActionException.class,
                () -> connector.actions().get("list").execute(aContext().connection(none).build(), object("{}")));

        assertThat(listed.path("count").asInt()).isZero();
        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("connection.hostKey", "acceptAnyHostKey");
    }

    @Test
    void aWrongPasswordIsAFatalAuthFailure() {
        ObjectNode settings = (ObjectNode) json(server.connection());
        settings.put("password", "not-the-password");

        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("read")
                .execute(aContext().connection(settings).build(), object("{path: 'a.txt'}")));

        assertThat(e.type()).isEqualTo("sftp.auth");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("braid").doesNotContain("not-the-password");
    }

    @Test
    void aPrivateKeyLogsInAndTextThatIsNoKeyIsFatal() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode withKey = (ObjectNode) json(server.connection());
        withKey.remove("password");
        withKey.put("privateKey", pem);
        ObjectNode noKey = withKey.deepCopy();
        noKey.put("privateKey", "not a key");

        JsonNode listed = connector.actions().get("list").execute(aContext().connection(withKey).build(), object("{}")).output();
        ActionException e = catchThrowableOfType(ActionException.class,
                () -> connector.actions().get("list").execute(aContext().connection(noKey).build(), object("{}")));

        assertThat(listed.path("count").asInt()).isZero();
        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isIn("sftp.key", "sftp.auth");
    }

    @Test
    void aRefusedConnectionIsRetryable() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        ObjectNode settings = (ObjectNode) json(server.connection());
        settings.put("port", closed);

        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("list")
                .execute(aContext().connection(settings).build(), object("{}")));

        assertThat(e.type()).isEqualTo("sftp.unavailable");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aMissingFileIsFatalNotFoundAndPathsMayNotClimbAboveTheRoot() {
        ActionException missing = catchThrowableOfType(ActionException.class, () -> run("read", object("{path: 'nope.txt'}")));
        ActionException escape = catchThrowableOfType(ActionException.class,
                () -> run("write", object("{path: 'in/../../etc/evil', content: 'x'}")));

        assertThat(missing.type()).isEqualTo("sftp.not_found");
        assertThat(missing.retryable()).isFalse();
        assertThat(escape.type()).isEqualTo("sftp.path");
        assertThat(escape.retryable()).isFalse();
    }

    @Test
    void newFilesMovesProcessedFilesOnlyWhenTheCommitHookRunsAndAFileMovedMeanwhileIsFoundByRead() throws Exception {
        Path inbox = Files.createDirectories(server.root().resolve("inbox"));
        for (int i = 0; i < 30; i++) {
            Files.writeString(inbox.resolve("f-" + i + ".csv"), "n," + i);
        }
        Files.writeString(inbox.resolve("ignored.txt"), "x");
        Action newFiles = connector.actions().get("newFiles");
        ObjectNode with = object("{dir: 'inbox', pattern: '*.csv', processed: 'move', moveTo: 'inbox/done'}");

        JsonNode rows = newFiles.execute(ctx(), with).output().path("rows");
        assertThat(rows.size()).isEqualTo(30);
        assertThat(Files.exists(inbox.resolve("f-0.csv"))).as("listing moves nothing").isTrue();
        JsonNode first = rows.get(0);
        JsonNode beforeMove = run("read", JsonNodeFactory.instance.objectNode()
                .set("path", JsonNodeFactory.instance.arrayNode().add(first.path("movedTo").asString()).add(first.path("path").asString())));

        List<JsonNode> list = new ArrayList<>();
        rows.forEach(list::add);
        ((AfterPollCommit) newFiles).afterCommit(ctx(), with, list);
        ((AfterPollCommit) newFiles).afterCommit(ctx(), with, list); // a repeated mark finds them gone and is quiet

        assertThat(beforeMove.path("content").asString()).startsWith("n,");
        try (var left = Files.list(inbox)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("done", "ignored.txt");
        }
        try (var done = Files.list(inbox.resolve("done"))) {
            assertThat(done.count()).isEqualTo(30);
        }
        assertThat(newFiles.execute(ctx(), with).output().path("rows").size()).as("nothing new").isZero();
        assertThat(run("read", object("{path: ['" + first.path("movedTo").asString() + "', '" + first.path("path").asString() + "']}"))
                .path("content").asString()).startsWith("n,");
    }

    @Test
    void rememberSeesEachOfManyFilesWithTheSameModificationTimeOnce() throws Exception {
        Path drop = Files.createDirectories(server.root().resolve("drop"));
        FileTime same = FileTime.from(Instant.parse("2026-12-01T10:00:00Z"));
        for (int i = 0; i < 1_000; i++) {
            Path f = Files.writeString(drop.resolve(String.format("r-%04d.json", i)), "{\"n\": " + i + "}");
            Files.setLastModifiedTime(f, same);
        }
        Action newFiles = connector.actions().get("newFiles");
        List<String> seen = new ArrayList<>();
        String cursor = "";
        for (int poll = 0; poll < 10; poll++) {
            JsonNode rows = newFiles.execute(ctx(), JsonNodeFactory.instance.objectNode().put("dir", "drop")
                    .put("processed", "remember").put("after", cursor).put("limit", 300)).output().path("rows");
            for (JsonNode row : rows) {
                seen.add(row.path("path").asString());
                cursor = row.path("position").asString();
            }
            if (poll == 1) { // a late file with the same time but a path after the cursor
                Files.setLastModifiedTime(Files.writeString(drop.resolve("r-9999.json"), "{}"), same);
            }
        }

        assertThat(seen).hasSize(1_001).doesNotHaveDuplicates();
        assertThat(Files.exists(drop.resolve("r-0000.json"))).as("remember leaves files").isTrue();
    }
}
