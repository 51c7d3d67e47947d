package dev.braid.connectors.files;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code <files|sftp>.list {dir, pattern, recursive, limit}} → {@code {files: [{path, name, size, modified}], count,
 * truncated}}: the regular files of a folder (and below it), matching a glob, ordered by path.
 */
final class ListAction extends FileAction {

    ListAction(String connector, FileStores stores) {
        super(connector, stores, """
                {
                  "type": "object",
                  "properties": {
                    "dir": {"type": "string", "description": "The folder, relative to the connection's root (default: the root)."},
                    "pattern": {"type": "string", "minLength": 1,
                                "description": "A glob over file names, e.g. *.csv (default *); with a / it matches the path below dir, e.g. **/*.csv."},
                    "recursive": {"type": "boolean", "description": "Include the files of sub-folders (default false)."},
                    "limit": {"type": "integer", "description": "At most this many files, the first by path (default 1000)."}
                  },
                  "required": [],
                  "additionalProperties": false
                }
                """, "Lists the files of a folder matching a glob (optionally recursive); answers {files: [{path, name, size, modified}], count, truncated}.",
                """
                {"dir": "inbox", "pattern": "*.csv", "recursive": false}
                """);
    }

    @Override
    String verb() {
        return "list";
    }

    @Override
    ObjectNode describe(JsonNode with) throws ActionException {
        return JsonNodeFactory.instance.objectNode().put("dir", path(with, "dir")).put("pattern", text(with, "pattern", "*"));
    }

    @Override
    ObjectNode run(ActionContext ctx, FileStore store, JsonNode with) throws IOException, ActionException {
        String dir = path(with, "dir");
        FileFilter filter = FileFilter.of(text(with, "pattern", "*"));
        int limit = Math.max(0, with.path("limit").asInt(1000));
        List<FileInfo> files = store.list(dir, with.path("recursive").asBoolean(false)).stream()
                .filter(f -> filter.accepts(f, dir)).sorted(Comparator.comparing(FileInfo::path)).toList();
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        files.stream().limit(limit).forEach(f -> items.add(f.toJson()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("files", items);
        return out.put("count", items.size()).put("truncated", files.size() > limit);
    }
}
