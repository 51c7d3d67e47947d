package dev.braid.connectors.files;

import java.io.IOException;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code <files|sftp>.delete {path, ifMissing}} → {@code {path, deleted}}: removes one file. A file that is
 * already gone fails the step ({@code .not_found}) unless {@code ifMissing: ignore} — what a retried step wants.
 */
final class DeleteAction extends FileAction {

    DeleteAction(String connector, FileStores stores) {
        super(connector, stores, """
                {
                  "type": "object",
                  "properties": {
                    "path": {"type": "string", "minLength": 1, "description": "The file to delete, relative to the connection's root."},
                    "ifMissing": {"type": "string", "enum": ["fail", "ignore"],
                                  "description": "When there is no such file: fail the step (default) or answer deleted: false."}
                  },
                  "required": ["path"],
                  "additionalProperties": false
                }
                """, "Deletes a file; answers {path, deleted}.",
                """
                {"path": "{{ trigger.body.path }}", "ifMissing": "ignore"}
                """);
    }

    @Override
    String verb() {
        return "delete";
    }

    @Override
    ObjectNode describe(JsonNode with) throws ActionException {
        return JsonNodeFactory.instance.objectNode().put("path", path(with, "path"));
    }

    @Override
    ObjectNode run(ActionContext ctx, FileStore store, JsonNode with) throws IOException, ActionException {
        String path = path(with, "path");
        if (path.isEmpty()) {
            throw ActionException.fatal("input.invalid", "with.path: names the root folder, not a file");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("path", path);
        try {
            store.stat(path);
        } catch (java.nio.file.NoSuchFileException e) {
            if (text(with, "ifMissing", "fail").equals("ignore")) {
                return out.put("deleted", false);
            }
            throw e;
        }
        store.delete(path);
        return out.put("deleted", true);
    }
}
