package dev.braid.engine.parse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.braid.engine.parse.Positions.Position;

/**
 * Collects every problem of one document, so the author gets all of them in one answer. The same
 * problem at the same place is kept once (a YAML alias can make one mistake appear under several
 * paths).
 */
final class Problems {

    private final Positions positions;
    private final List<ValidationError> errors = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Problems(Positions positions) {
        this.positions = positions;
    }

    Positions positions() {
        return positions;
    }

    /** A problem with the value at {@code path} (its type, its content). */
    void atValue(String path, String message) {
        at(path, positions.ofValue(path), message);
    }

    /** A problem with the field at {@code path} as a whole (unknown, incomplete): points at its key. */
    void atKey(String path, String message) {
        at(path, positions.ofKey(path), message);
    }

    void at(String path, Position position, String message) {
        if (seen.add(position.line() + ":" + position.column() + ":" + message)) {
            errors.add(new ValidationError(path, position.line(), position.column(), message));
        }
    }

    boolean any() {
        return !errors.isEmpty();
    }

    /** In document order; problems without a position come last. */
    List<ValidationError> sorted() {
        List<ValidationError> out = new ArrayList<>(errors);
        out.sort(Comparator.comparingInt((ValidationError e) -> e.line() == 0 ? Integer.MAX_VALUE : e.line())
                .thenComparingInt(ValidationError::column));
        return out;
    }
}
