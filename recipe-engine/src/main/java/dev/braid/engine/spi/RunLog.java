package dev.braid.engine.spi;

/** The run's log, bound to one step: lines show up under {@code GET /api/v1/runs/{id}/logs}. */
public interface RunLog {

    enum Level { DEBUG, INFO, WARN, ERROR }

    void log(Level level, String message);

    default void info(String message) {
        log(Level.INFO, message);
    }

    default void warn(String message) {
        log(Level.WARN, message);
    }

    default void error(String message) {
        log(Level.ERROR, message);
    }
}
