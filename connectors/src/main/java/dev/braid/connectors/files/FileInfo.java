package dev.braid.connectors.files;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A file as a connection's file system shows it: {@code path} relative to the connection's root ({@code inbox/a.csv}),
 * its {@code name}, size in bytes and last modification time.
 */
public record FileInfo(String path, String name, long size, Instant modified) {

    /** Fixed-width UTC time with nanoseconds, so that positions sort as text in time order. */
    private static final DateTimeFormatter SORTABLE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    public static FileInfo of(String path, long size, Instant modified) {
        int slash = path.lastIndexOf('/');
        return new FileInfo(path, slash < 0 ? path : path.substring(slash + 1), size, modified);
    }

    /**
     * {@code <modified>|<path>}: orders files by time, then path — a cursor that sees each of several files with
     * the same modification time once.
     */
    public String position() {
        return SORTABLE.format(modified) + "|" + path;
    }

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("path", path).put("name", name).put("size", size)
                .put("modified", modified.toString());
    }
}
