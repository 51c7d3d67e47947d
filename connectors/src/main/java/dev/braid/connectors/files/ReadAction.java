package dev.braid.connectors.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code <files|sftp>.read {path, as, maxBytes}} → {@code {path, name, size, modified, content}}: the file as text
 * (UTF-8), as JSON parsed straight from the stream, or as base64. A file larger than {@code maxBytes} is refused
 * before a byte is read. {@code path} may list several places: the first that holds the file is read (a poll's
 * file is at {@code movedTo} once moved, at {@code path} until then).
 */
final class ReadAction extends FileAction {

    /** 10 MiB unless the step says otherwise: the content becomes part of the run's stored step output. */
    static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;

    ReadAction(String connector, FileStores stores) {
        super(connector, stores, """
                {
                  "type": "object",
                  "properties": {
                    "path": {"type": ["string", "array"], "items": {"type": "string"},
                             "description": "The file, relative to the connection's root, e.g. inbox/orders.csv; or a list of places to look, the first that holds it is read."},
                    "as": {"type": "string", "enum": ["text", "json", "base64"],
                           "description": "text (UTF-8, default), json (parsed) or base64 (any bytes)."},
                    "maxBytes": {"type": "integer",
                                 "description": "Larger files are refused before reading (default 10485760, 10 MiB)."}
                  },
                  "required": ["path"],
                  "additionalProperties": false
                }
                """, "Reads a file as text, JSON or base64 (refusing files above maxBytes); answers {path, name, size, modified, content}.",
                """
                {"path": "{{ trigger.body.movedTo }}", "as": "text", "maxBytes": 10485760}
                """);
    }

    @Override
    String verb() {
        return "read";
    }

    @Override
    ObjectNode describe(JsonNode with) throws ActionException {
        return JsonNodeFactory.instance.objectNode().put("path", paths(with).getFirst()).put("as", text(with, "as", "text"));
    }

    @Override
    ObjectNode run(ActionContext ctx, FileStore store, JsonNode with) throws IOException, ActionException {
        List<String> paths = paths(with);
        long max = with.path("maxBytes").asLong(DEFAULT_MAX_BYTES);
        String as = text(with, "as", "text");
        for (int look = 1; ; look++) {
            FileInfo file = find(store, paths);
            if (file.size() > max) {
                throw ActionException.fatal(connector + ".too_large", connector + ".read: " + file.path() + " is " + file.size()
                        + " bytes, more than maxBytes " + max + "; raise maxBytes if the run may hold it, or split the file");
            }
            ObjectNode out = file.toJson();
            try (InputStream in = store.read(file.path())) {
                InputStream bounded = new Bounded(in, max, file.path());
                switch (as) {
                    case "json" -> out.set("content", json(bounded, file.path()));
                    case "base64" -> out.put("content", base64(bounded, file.size()));
                    default -> out.put("content", text(bounded, file.size()));
                }
                return out;
            } catch (java.nio.file.NoSuchFileException e) {
                // Found, then renamed to another of the paths before it was opened (a poll moves its files after its
                // commit, while their runs may already read them): look again. An open file stays readable whatever
                // its name becomes, so only the open can meet this.
                if (paths.size() == 1 || look == 3) {
                    throw e;
                }
            }
        }
    }

    private List<String> paths(JsonNode with) throws ActionException {
        JsonNode path = with.get("path");
        List<String> paths = new ArrayList<>();
        if (path.isArray()) {
            for (int i = 0; i < path.size(); i++) {
                paths.add(FilePaths.normalise(connector, "with.path[" + i + "]", path.get(i).asString()));
            }
        } else {
            paths.add(path(with, "path"));
        }
        if (paths.isEmpty()) {
            throw ActionException.fatal("input.invalid", "with.path: name at least one file");
        }
        return paths;
    }

    /**
     * The first of {@code paths} that exists. With several, the first is looked at once more at the end: a file
     * renamed from a later place to the first while we looked is found there (a rename is atomic, so it is always
     * in one of the two).
     */
    private static FileInfo find(FileStore store, List<String> paths) throws IOException {
        List<String> order = new ArrayList<>(paths);
        if (paths.size() > 1) {
            order.add(paths.getFirst());
        }
        IOException missing = null;
        for (String p : order) {
            try {
                return store.stat(p);
            } catch (java.nio.file.NoSuchFileException e) {
                missing = missing == null ? e : missing;
            }
        }
        throw paths.size() == 1 ? missing : new java.nio.file.NoSuchFileException(String.join(", ", paths));
    }

    private static String text(InputStream in, long size) throws IOException {
        // One copy of the characters: the builder is sized to the file, and the reader decodes in chunks.
        StringBuilder text = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, size));
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[64 * 1024];
            for (int n; (n = reader.read(buffer)) > 0; ) {
                text.append(buffer, 0, n);
            }
        }
        return text.toString();
    }

    private static String base64(InputStream in, long size) throws IOException {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, (size + 2) / 3 * 4));
        try (OutputStream out = Base64.getEncoder().wrap(encoded)) {
            in.transferTo(out);
        }
        return encoded.toString(StandardCharsets.ISO_8859_1);
    }

    private JsonNode json(InputStream in, String path) throws IOException, ActionException {
        try {
            return JsonMapper.shared().readTree(in);
        } catch (tools.jackson.core.exc.JacksonIOException e) {
            throw e.getCause();
        } catch (JacksonException e) {
            throw ActionException.fatal(connector + ".not_json", connector + ".read: " + path + " is not JSON ("
                    + e.getOriginalMessage() + "); read it with as: text");
        }
    }

    /** Stops a file that grew after it was measured from passing the limit anyway. */
    private static final class Bounded extends java.io.FilterInputStream {
        private final long max;
        private final String path;
        private long read;

        Bounded(InputStream in, long max, String path) {
            super(in);
            this.max = max;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(Math.max(0, n));
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > max) {
                throw new IOException(path + " grew past maxBytes (" + max + ") while it was read");
            }
        }
    }
}
