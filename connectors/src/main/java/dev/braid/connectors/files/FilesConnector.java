package dev.braid.connectors.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;

/**
 * {@code files.*}: the file actions over a folder of the server's own file system (or a mounted share), named by
 * a connection {@code {root}}; every path a step names is resolved under that root and may not leave it.
 */
public final class FilesConnector implements Connector {

    static final JsonSchema SETTINGS = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "root": {"type": "string", "minLength": 1,
                         "description": "An absolute folder on the Braid server, e.g. /srv/exchange; every path is resolved under it, '..' may not leave it."}
              },
              "required": ["root"],
              "additionalProperties": false
            }
            """);

    private final Map<String, Action> actions = FileActions.of("files", FilesConnector::open);

    @Override
    public String name() {
        return "files";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public JsonNode connectionSchema() {
        return SETTINGS.node();
    }

    @Override
    public String description() {
        return "Read, write, list, move and delete files in a folder of the Braid server (root-confined), and poll it "
                + "for new files (newFiles with a poll trigger).";
    }

    @Override
    public Optional<String> testConnection(ActionContext context) throws ActionException {
        Path root = root(context.connection());
        return Optional.of(root + " is a folder Braid can " + (Files.isWritable(root) ? "read and write" : "read (not write)"));
    }

    static FileStore open(ActionContext context) throws ActionException {
        return new LocalFileStore(root(context.connection()));
    }

    private static Path root(JsonNode connection) throws ActionException {
        JsonNode c = Inputs.orEmptyObject(connection);
        if (c.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "files actions need a files connection: name one with "
                    + "'connection:' (settings {root: /srv/exchange})");
        }
        SETTINGS.requireValid(c, "connection");
        Path root = Path.of(c.get("root").asString());
        if (!root.isAbsolute()) {
            throw ActionException.fatal(JsonSchema.INVALID, "connection.root: '" + root + "' is not an absolute folder, e.g. /srv/exchange");
        }
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw ActionException.fatal("files.not_found", "connection.root: the folder " + root + " does not exist on the Braid server");
        }
    }
}
