package dev.braid.connectors.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Base64;
import java.util.UUID;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code <files|sftp>.write {path, content, as, ifExists}} → {@code {path, bytes, written}}: writes to a hidden
 * temporary name beside the target ({@code .orders.csv.braid-1a2b3c4d.tmp}) and renames it into place, so a
 * reader never sees half a file and a crash leaves the old one. {@code ifExists}: {@code overwrite} (default),
 * {@code fail} ({@code .exists}), {@code skip} (answers {@code written: false}). The content is streamed out in
 * chunks (text encoded, base64 decoded on the way), never copied whole.
 */
final class WriteAction extends FileAction {

    WriteAction(String connector, FileStores stores) {
        super(connector, stores, """
                {
                  "type": "object",
                  "properties": {
                    "path": {"type": "string", "minLength": 1, "description": "The file to write, relative to the connection's root, e.g. outbox/orders-42.json"},
                    "content": {"description": "What to write: a text (as: text or base64) or any JSON value (as: json)."},
                    "as": {"type": "string", "enum": ["text", "json", "base64"],
                           "description": "text (UTF-8; default for a text content), json (the value serialised; default otherwise) or base64 (decoded to bytes)."},
                    "ifExists": {"type": "string", "enum": ["overwrite", "fail", "skip"],
                                 "description": "When the file exists: overwrite it (default), fail the step, or skip writing."}
                  },
                  "required": ["path", "content"],
                  "additionalProperties": false
                }
                """, "Writes a file atomically (a temporary name renamed into place), as text, JSON or base64 bytes; "
                        + "ifExists overwrite, fail or skip; answers {path, bytes, written}.",
                """
                {"path": "outbox/order-{{ trigger.body.id }}.json", "content": "{{ trigger.body }}", "as": "json", "ifExists": "fail"}
                """);
    }

    @Override
    String verb() {
        return "write";
    }

    @Override
    ObjectNode describe(JsonNode with) throws ActionException {
        return JsonNodeFactory.instance.objectNode().put("path", path(with, "path")).put("as", as(with))
                .put("ifExists", text(with, "ifExists", "overwrite"));
    }

    @Override
    ObjectNode run(ActionContext ctx, FileStore store, JsonNode with) throws IOException, ActionException {
        String path = path(with, "path");
        if (path.isEmpty()) {
            throw ActionException.fatal("input.invalid", "with.path: names the root folder, not a file");
        }
        String as = as(with);
        JsonNode content = with.get("content");
        if (!as.equals("json") && !content.isString()) {
            throw ActionException.fatal("input.invalid", "with.content: as: " + as + " needs a text; write other values with as: json");
        }
        String ifExists = text(with, "ifExists", "overwrite");
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("path", path);
        if (!ifExists.equals("overwrite") && store.exists(path)) {
            if (ifExists.equals("skip")) {
                return out.put("bytes", 0).put("written", false);
            }
            throw new FileAlreadyExistsException(path);
        }
        String temp = FilePaths.join(FilePaths.parent(path), "." + name(path) + ".braid-"
                + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
        long bytes;
        try {
            try (Counting file = new Counting(store.create(temp))) {
                switch (as) {
                    case "json" -> JsonMapper.shared().writeValue(new NonClosing(file), content);
                    case "base64" -> {
                        try (InputStream decoded = Base64.getMimeDecoder().wrap(new CharsInput(content.stringValue()))) {
                            decoded.transferTo(file);
                        }
                    }
                    default -> {
                        Writer writer = new OutputStreamWriter(new NonClosing(file), StandardCharsets.UTF_8);
                        String text = content.stringValue();
                        for (int from = 0; from < text.length(); from += 64 * 1024) {
                            writer.write(text, from, Math.min(64 * 1024, text.length() - from));
                        }
                        writer.flush();
                    }
                }
                bytes = file.count;
            }
            store.rename(temp, path, ifExists.equals("overwrite"));
        } catch (IOException | RuntimeException e) {
            try {
                store.delete(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return out.put("bytes", bytes).put("written", true);
    }

    private static String as(JsonNode with) {
        JsonNode as = with.get("as");
        if (as != null && as.isString()) {
            return as.stringValue();
        }
        return with.path("content").isString() ? "text" : "json";
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Counts the bytes written. */
    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Keeps a writer or serialiser from closing the file before the rename. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** The base64 text as bytes, one character at a time, without copying it. */
    private static final class CharsInput extends InputStream {
        private final String text;
        private int next;

        CharsInput(String text) {
            this.text = text;
        }

        @Override
        public int read() {
            return next < text.length() ? text.charAt(next++) & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (next >= text.length()) {
                return len == 0 ? 0 : -1;
            }
            int n = Math.min(len, text.length() - next);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) text.charAt(next++);
            }
            return n;
        }
    }
}
