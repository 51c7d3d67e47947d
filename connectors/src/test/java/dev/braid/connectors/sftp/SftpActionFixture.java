package dev.braid.connectors.sftp;

import static dev.braid.connectors.Json.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One file action against a folder with {@code inbox/a.csv} and {@code inbox/b.csv}: through an SFTP server in the
 * test JVM ({@code sftp}) or straight on the folder ({@code files}). Effects are changes to the folder (a digest
 * of its paths, sizes and times).
 */
public final class SftpActionFixture implements ActionFixture {

    private final SftpTestServer server = new SftpTestServer();
    private final SftpConnector sftp = new SftpConnector();
    private final dev.braid.connectors.files.FilesConnector files = new dev.braid.connectors.files.FilesConnector();
    private final boolean local;
    private final String action;
    private final ObjectNode valid;
    private final JsonNode permanent;

    /** {@code connector}: sftp or files; {@code valid}, {@code permanent}: inputs (lenient JSON). */
    public SftpActionFixture(String connector, String action, String valid, String permanent) {
        this.local = connector.equals("files");
        this.action = action;
        this.valid = (ObjectNode) json(valid);
        this.permanent = permanent == null ? null : json(permanent);
        try {
            Files.createDirectories(server.root().resolve("inbox"));
            Files.writeString(server.root().resolve("inbox/a.csv"), "id,total\n1,10\n");
            Files.writeString(server.root().resolve("inbox/b.csv"), "id,total\n2,20\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Action action() {
        return (local ? files : sftp).actions().get(action);
    }

    @Override
    public ObjectNode validInput() {
        return valid.deepCopy();
    }

    @Override
    public JsonNode connection() {
        return local ? json("{root: '" + server.root() + "'}") : json(server.connection());
    }

    @Override
    public List<String> secretValues() {
        return local ? List.of() : List.of(SftpTestServer.PASSWORD);
    }

    @Override
    public int effects() {
        try (Stream<Path> walk = Files.walk(server.root())) {
            return walk.map(p -> {
                try {
                    return p + ":" + (Files.isRegularFile(p) ? Files.size(p) + ":" + Files.getLastModifiedTime(p) : "dir");
                } catch (IOException e) {
                    return p + ":gone";
                }
            }).sorted().toList().hashCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<JsonNode> permanentFailureInput() {
        return Optional.ofNullable(permanent);
    }

    @Override
    public void close() {
        sftp.close();
        server.close();
    }
}
