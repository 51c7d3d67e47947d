package dev.braid.connectors;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.braid.engine.spi.RunLog;

/** A run log that keeps its lines for assertions. */
public final class RecordingRunLog implements RunLog {

    public record Line(Level level, String message) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    @Override
    public void log(Level level, String message) {
        lines.add(new Line(level, message));
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }
}
