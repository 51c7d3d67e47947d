package dev.braid.connectors.files;

import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** The files connector on a temporary folder: everything stays under the connection's root. */
class FilesConnectorTest {

    @TempDir
    Path dir;

    private final FilesConnector connector = new FilesConnector();

    private ActionContext ctx(Path root) {
        return aContext().connection(JsonNodeFactory.instance.objectNode().put("root", root.toString())).build();
    }

    private JsonNode run(Path root, String action, String with) throws ActionException {
        return connector.actions().get(action).execute(ctx(root), object(with)).output();
    }

    @Test
    void pathsThatClimbAboveTheRootAreRefusedForEveryAction() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("secret.txt"), "outside");

        for (String[] call : new String[][] {
                {"read", "{path: '../secret.txt'}"},
                {"write", "{path: 'a/../../secret.txt', content: 'overwritten'}"},
                {"list", "{dir: '..'}"},
                {"move", "{from: 'x.txt', to: '../../x.txt'}"},
                {"delete", "{path: '/../secret.txt'}"},
                {"newFiles", "{dir: '../', processed: 'remember'}"}}) {
            ActionException e = catchThrowableOfType(ActionException.class, () -> run(root, call[0], call[1]));
            assertThat(e).as(call[0]).isNotNull();
            assertThat(e.type()).as(call[0]).isEqualTo("files.path");
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("outside the connection's root");
        }
        assertThat(Files.readString(dir.resolve("secret.txt"))).isEqualTo("outside");
    }

    @Test
    void aLinkInsideTheRootThatLeadsOutIsRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(root.resolve("escape"), dir);

        ActionException e = catchThrowableOfType(ActionException.class, () -> run(root, "read", "{path: 'escape/secret.txt'}"));

        assertThat(e.type()).isEqualTo("files.permission");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void aLeadingSlashIsTheRootAndWritesRoundTrip() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));

        run(root, "write", "{path: '/out/a.json', content: {n: 1}}");
        JsonNode read = run(root, "read", "{path: 'out/a.json', as: 'json'}");
        run(root, "move", "{from: 'out/a.json', to: 'archive/'}");

        assertThat(read.path("content").path("n").asInt()).isEqualTo(1);
        assertThat(Files.exists(root.resolve("archive/a.json"))).isTrue();
        assertThat(run(root, "delete", "{path: 'archive/a.json'}").path("deleted").asBoolean()).isTrue();
        assertThat(run(root, "delete", "{path: 'archive/a.json', ifMissing: 'ignore'}").path("deleted").asBoolean()).isFalse();
    }

    @Test
    void aRootThatIsNotAbsoluteOrDoesNotExistIsFatal() {
        ActionException relative = catchThrowableOfType(ActionException.class, () -> connector.actions().get("list")
                .execute(aContext().connection(object("{root: 'relative/dir'}")).build(), object("{}")));
        ActionException missing = catchThrowableOfType(ActionException.class, () -> connector.actions().get("list")
                .execute(aContext().connection(object("{root: '" + dir.resolve("nope") + "'}")).build(), object("{}")));

        assertThat(relative.getMessage()).contains("connection.root");
        assertThat(missing.type()).isEqualTo("files.not_found");
    }

    @Test
    void aReadOfSeveralPathsFindsAFileMovedBetweenTheLookAndTheOpen() throws Exception {
        // A poll with processed: move renames its files after its commit while their runs may already read them
        // ([done/x, inbox/x]): found in the inbox, then moved before the open, the read looks again.
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("inbox"));
        Files.createDirectories(root.resolve("done"));
        Files.writeString(root.resolve("inbox/order-7.json"), "{\"id\": 7}");
        FileStore local = new LocalFileStore(root);
        java.util.concurrent.atomic.AtomicBoolean moved = new java.util.concurrent.atomic.AtomicBoolean();
        FileStore movingUnderfoot = new FileStore() {
            public String describe() { return local.describe(); }
            public FileInfo stat(String path) throws java.io.IOException { return local.stat(path); }
            public boolean exists(String path) throws java.io.IOException { return local.exists(path); }
            public java.io.InputStream read(String path) throws java.io.IOException {
                if (path.equals("inbox/order-7.json") && moved.compareAndSet(false, true)) {
                    local.rename("inbox/order-7.json", "done/order-7.json", false);
                }
                return local.read(path);
            }
            public java.io.OutputStream create(String path) throws java.io.IOException { return local.create(path); }
            public void rename(String from, String to, boolean replace) throws java.io.IOException { local.rename(from, to, replace); }
            public void delete(String path) throws java.io.IOException { local.delete(path); }
            public java.util.List<FileInfo> list(String d, boolean recursive) throws java.io.IOException { return local.list(d, recursive); }
            public void close() throws java.io.IOException { local.close(); }
        };
        ReadAction read = new ReadAction("files", connection -> movingUnderfoot);

        JsonNode out = read.run(ctx(root), movingUnderfoot, object("{path: ['done/order-7.json', 'inbox/order-7.json'], as: 'json'}"));

        assertThat(moved).isTrue();
        assertThat(out.path("path").asString()).isEqualTo("done/order-7.json");
        assertThat(out.path("content").path("id").asInt()).isEqualTo(7);
    }
}
