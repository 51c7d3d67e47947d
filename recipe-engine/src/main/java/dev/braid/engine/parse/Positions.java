package dev.braid.engine.parse;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.error.Mark;

/**
 * Where each value (and each mapping key) of a document was written, by path: {@code ""} for the
 * root, {@code trigger.webhook.secret}, {@code steps[1].with.url}; a key that is not a plain name is
 * written in brackets ({@code with.headers["x.y"]}). Lines and columns are 1-based.
 */
final class Positions {

    record Position(int line, int column) {
        static final Position UNKNOWN = new Position(0, 0);

        static Position of(Mark mark) {
            return mark == null ? UNKNOWN : new Position(mark.getLine() + 1, mark.getColumn() + 1);
        }
    }

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

    private final Map<String, Position> values = new HashMap<>();
    private final Map<String, Position> keys = new HashMap<>();

    static String child(String parent, String key) {
        if (PLAIN_KEY.matcher(key).matches()) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
        return parent + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The first position recorded for a path wins: explicit keys are recorded before merged ones. */
    void value(String path, Mark mark) {
        values.putIfAbsent(path, Position.of(mark));
    }

    void key(String path, Mark mark) {
        keys.putIfAbsent(path, Position.of(mark));
    }

    /** Where the value at {@code path} starts; {@link Position#UNKNOWN} when there is none. */
    Position ofValue(String path) {
        return values.getOrDefault(path, Position.UNKNOWN);
    }

    /** Where the key naming {@code path} is written, else where its value starts. */
    Position ofKey(String path) {
        Position p = keys.get(path);
        return p != null ? p : ofValue(path);
    }
}
