package dev.braid.connectors.files;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.braid.engine.model.Durations;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.AfterPollCommit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code <files|sftp>.newFiles} — the read of a {@code poll} trigger over a drop folder → {@code {rows: [{path,
 * name, size, modified, position, movedTo?}]}}, oldest first (then by path). How a file is marked as taken:
 * <ul>
 *   <li>{@code processed: move}: every file still in {@code dir} is new; once the poll's events and runs are
 *       committed ({@link AfterPollCommit}) each is renamed to {@code moveTo} (its path below {@code dir} kept),
 *       where the run finds it as {@code movedTo}. A file whose move failed is listed again and dropped by its
 *       natural key (the row: path, size, modification time) — it is not run twice, and its move is tried again.</li>
 *   <li>{@code processed: remember}: nothing is touched; the poll's cursor is the {@code position} of the last
 *       file ({@code <modified>|<path>}), handed back as {@code after}, so only later files come — several files
 *       with one modification time are told apart by their paths and each is seen once.</li>
 * </ul>
 * {@code minAge} leaves files alone until they have not changed for that long (an upload still being written).
 */
final class NewFilesAction extends FileAction implements AfterPollCommit {

    NewFilesAction(String connector, FileStores stores) {
        super(connector, stores, """
                {
                  "type": "object",
                  "properties": {
                    "dir": {"type": "string", "description": "The folder files are dropped in, relative to the connection's root (default: the root)."},
                    "pattern": {"type": "string", "minLength": 1, "description": "A glob over file names, e.g. *.csv (default *)."},
                    "recursive": {"type": "boolean", "description": "Include sub-folders of dir (default false); moveTo is never listed."},
                    "processed": {"type": "string", "enum": ["move", "remember"],
                                  "description": "move: processed files are moved to moveTo after their runs are stored; remember: files stay, the cursor remembers the last one (pass it as after)."},
                    "moveTo": {"type": "string", "minLength": 1, "description": "With processed: move, the folder processed files go to, e.g. inbox/done."},
                    "after": {"type": ["string", "null"], "description": "With processed: remember, the cursor: only files after this position come (\\"{{ cursor }}\\")."},
                    "minAge": {"type": "string", "description": "Only files unchanged for this long, e.g. 10s (default 0s): uploads still being written wait."},
                    "limit": {"type": "integer", "description": "At most this many files per poll, the oldest first (default 500)."}
                  },
                  "required": ["processed"],
                  "additionalProperties": false
                }
                """, "For a poll trigger: the new files of a drop folder, oldest first, each marked as taken after its run is "
                        + "stored — moved to a folder (processed: move) or remembered by the cursor (processed: remember); answers {rows}.",
                """
                {"dir": "inbox", "pattern": "*.csv", "processed": "move", "moveTo": "inbox/done", "minAge": "10s"}
                """);
    }

    @Override
    String verb() {
        return "newFiles";
    }

    @Override
    ObjectNode describe(JsonNode with) throws ActionException {
        settings(with);
        return JsonNodeFactory.instance.objectNode().put("dir", path(with, "dir")).put("processed", text(with, "processed", ""));
    }

    private record Settings(String dir, boolean move, String moveTo, String after, Duration minAge, int limit) {}

    private Settings settings(JsonNode with) throws ActionException {
        boolean move = text(with, "processed", "").equals("move");
        String moveTo = null;
        if (move) {
            if (!with.hasNonNull("moveTo")) {
                throw ActionException.fatal("input.invalid", "with.moveTo: processed: move needs the folder processed files go to, e.g. moveTo: inbox/done");
            }
            moveTo = path(with, "moveTo");
        } else if (with.hasNonNull("moveTo")) {
            throw ActionException.fatal("input.invalid", "with.moveTo: only with processed: move");
        }
        Duration minAge;
        try {
            minAge = with.hasNonNull("minAge") ? Durations.parse(with.get("minAge").asString()) : Duration.ZERO;
        } catch (IllegalArgumentException e) {
            throw ActionException.fatal("input.invalid", "with.minAge: " + e.getMessage());
        }
        String after = move || !with.hasNonNull("after") ? "" : with.get("after").asString();
        return new Settings(path(with, "dir"), move, moveTo, after, minAge, Math.max(1, with.path("limit").asInt(500)));
    }

    @Override
    ObjectNode run(ActionContext ctx, FileStore store, JsonNode with) throws IOException, ActionException {
        Settings s = settings(with);
        FileFilter filter = FileFilter.of(text(with, "pattern", "*"));
        Instant settled = ctx.clock().instant().minus(s.minAge());
        List<FileInfo> files = new ArrayList<>();
        for (FileInfo f : store.list(s.dir(), with.path("recursive").asBoolean(false))) {
            if (filter.accepts(f, s.dir()) && !f.modified().isAfter(settled) && !under(f.path(), s.moveTo())
                    && f.position().compareTo(s.after()) > 0) {
                files.add(f);
            }
        }
        files.sort(Comparator.comparing(FileInfo::position));
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (FileInfo f : files.subList(0, Math.min(files.size(), s.limit()))) {
            ObjectNode row = f.toJson().put("position", f.position());
            if (s.move()) {
                String relative = s.dir().isEmpty() ? f.path() : f.path().substring(s.dir().length() + 1);
                row.put("movedTo", FilePaths.join(s.moveTo(), relative));
            }
            rows.add(row);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("rows", rows);
        return out;
    }

    private static boolean under(String path, String folder) {
        return folder != null && (folder.isEmpty() || path.startsWith(folder + "/"));
    }

    /** With {@code processed: move}: each row's file to its {@code movedTo}; one that is gone already was moved before. */
    @Override
    public void afterCommit(ActionContext ctx, JsonNode input, List<JsonNode> rows) throws ActionException {
        if (rows.isEmpty() || !text(input, "processed", "").equals("move")) {
            return;
        }
        FileStore store = stores.open(ctx);
        int moved = 0;
        try (store) {
            for (JsonNode row : rows) {
                String from = FilePaths.normalise(connector, "row.path", row.path("path").asString());
                String to = FilePaths.normalise(connector, "row.movedTo", row.path("movedTo").asString());
                try {
                    store.rename(from, to, true);
                    moved++;
                } catch (NoSuchFileException gone) {
                    // moved by an earlier poll whose report was lost, or taken away by someone else: nothing to mark
                }
            }
        } catch (IOException e) {
            throw FileFailure.of(connector, e, connector + ".newFiles moved " + moved + " of " + rows.size()
                    + " processed file(s) at " + store.describe() + ", the rest stay and are moved by the next poll");
        }
    }
}
