package dev.braid.connectors.files;

import java.io.IOException;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code <files|sftp>.move {from, to, ifExists}} → {@code {from, to}}: a rename (atomic on one file system); a
 * {@code to} that ends with {@code /} is a folder the file keeps its name in. Target folders are created.
 */
final class MoveAction extends FileAction {

    MoveAction(String connector, FileStores stores) {
        super(connector, stores, """
                {
                  "type": "object",
                  "properties": {
                    "from": {"type": "string", "minLength": 1, "description": "The file to move, relative to the connection's root."},
                    "to": {"type": "string", "minLength": 1,
                           "description": "Its new path; ending with / it is a folder the file keeps its name in, e.g. archive/2026/."},
                    "ifExists": {"type": "string", "enum": ["overwrite", "fail"],
                                 "description": "When the target exists: replace it, or fail the step (default)."}
                  },
                  "required": ["from", "to"],
                  "additionalProperties": false
                }
                """, "Moves (renames) a file, into a folder when 'to' ends with /; answers {from, to}.",
                """
                {"from": "{{ trigger.body.path }}", "to": "archive/", "ifExists": "overwrite"}
                """);
    }

    @Override
    String verb() {
        return "move";
    }

    @Override
    ObjectNode describe(JsonNode with) throws ActionException {
        String from = path(with, "from");
        return JsonNodeFactory.instance.objectNode().put("from", from).put("to", target(with, from));
    }

    @Override
    ObjectNode run(ActionContext ctx, FileStore store, JsonNode with) throws IOException, ActionException {
        String from = path(with, "from");
        String to = target(with, from);
        if (from.isEmpty() || to.isEmpty()) {
            throw ActionException.fatal("input.invalid", "with.from and with.to name files, not the root folder");
        }
        store.rename(from, to, text(with, "ifExists", "fail").equals("overwrite"));
        return JsonNodeFactory.instance.objectNode().put("from", from).put("to", to);
    }

    private String target(JsonNode with, String from) throws ActionException {
        String to = path(with, "to");
        return with.path("to").asString().endsWith("/") ? FilePaths.join(to, from.substring(from.lastIndexOf('/') + 1)) : to;
    }
}
