package dev.braid.engine.run;

import java.util.Locale;

/** ARCHITECTURE §3 step statuses; {@link Transitions} holds which changes are legal. */
public enum StepStatus {
    PENDING, RUNNING, WAITING, RETRYING, SUCCEEDED, FAILED, SKIPPED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == SKIPPED || this == CANCELLED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StepStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
