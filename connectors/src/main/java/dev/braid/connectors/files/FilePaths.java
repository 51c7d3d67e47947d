package dev.braid.connectors.files;

import java.util.ArrayDeque;
import java.util.Deque;

import dev.braid.engine.spi.ActionException;

/**
 * The one rule for paths a step names: they are relative to the connection's root (a leading {@code /} is the
 * root itself), use {@code /}, and may not climb above the root — {@code ../etc/passwd} and
 * {@code inbox/../../x} are refused, never clamped, so a mistake shows instead of writing somewhere else.
 */
public final class FilePaths {

    private FilePaths() {
    }

    /** {@code path} without {@code .}, empty segments or {@code ..}; "" is the root. */
    public static String normalise(String connector, String field, String path) throws ActionException {
        if (path.indexOf('\0') >= 0) {
            throw ActionException.fatal(connector + ".path", field + ": the path contains a NUL character");
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.replace('\\', '/').split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw ActionException.fatal(connector + ".path", field + ": '" + path
                            + "' leads outside the connection's root folder; paths are relative to the root and may not climb above it with '..'");
                }
                segments.removeLast();
            } else {
                segments.addLast(segment);
            }
        }
        return String.join("/", segments);
    }

    /** The folder part of a normalised path ("" for a file in the root). */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** {@code dir/name}, or {@code name} in the root. */
    public static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
