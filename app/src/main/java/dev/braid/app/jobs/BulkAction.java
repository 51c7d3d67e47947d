package dev.braid.app.jobs;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a bulk job does to each of its items, by its wire name. */
public enum BulkAction {
    REPLAY_DEAD_LETTERS("dead-letters.replay", Target.DEAD_LETTER),
    DISCARD_DEAD_LETTERS("dead-letters.discard", Target.DEAD_LETTER),
    RETRY_RUNS("runs.retry", Target.RUN),
    CANCEL_RUNS("runs.cancel", Target.RUN);

    /** What the items are. */
    public enum Target { DEAD_LETTER, RUN }

    private final String wire;
    private final Target target;

    BulkAction(String wire, Target target) {
        this.wire = wire;
        this.target = target;
    }

    public String wire() {
        return wire;
    }

    public Target target() {
        return target;
    }

    public static Optional<BulkAction> fromWire(String s) {
        return Arrays.stream(values()).filter(a -> a.wire.equals(s)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(BulkAction::wire).collect(Collectors.joining(", "));
    }
}
