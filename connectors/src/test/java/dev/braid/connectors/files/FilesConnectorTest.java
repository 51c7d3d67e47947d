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
}
