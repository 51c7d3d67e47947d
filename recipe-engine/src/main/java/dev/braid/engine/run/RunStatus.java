package dev.braid.engine.run;

import java.util.Locale;

/** ARCHITECTURE §3 run statuses; {@link Transitions} holds which changes are legal. */
public enum RunStatus {
    QUEUED, RUNNING, WAITING, RETRYING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
