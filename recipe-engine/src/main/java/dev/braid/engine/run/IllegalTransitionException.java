package dev.braid.engine.run;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A run or step status change that {@link Transitions} does not allow. It always means a bug or a
 * stale read (two nodes acting on one run), never bad user input, so it is unchecked.
 */
public final class IllegalTransitionException extends IllegalStateException {

    private final Enum<?> from;
    private final Enum<?> to;

    IllegalTransitionException(String subject, Enum<?> from, Enum<?> to, Set<? extends Enum<?>> allowed) {
        super("A " + subject + " cannot go from " + wire(from) + " to " + wire(to) + "; from " + wire(from)
                + " it may only go to " + (allowed.isEmpty() ? "nothing (it is final)"
                        : allowed.stream().map(IllegalTransitionException::wire).collect(Collectors.joining(", "))));
        this.from = from;
        this.to = to;
    }

    /** The status the change started from ({@link RunStatus} or {@link StepStatus}). */
    public Enum<?> from() {
        return from;
    }

    /** The status the change was refused to. */
    public Enum<?> to() {
        return to;
    }

    private static String wire(Enum<?> status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
