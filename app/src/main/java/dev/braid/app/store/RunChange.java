package dev.braid.app.store;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import dev.braid.engine.run.IllegalTransitionException;
import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.Transitions;

import static dev.braid.engine.run.RunStatus.CANCELLED;
import static dev.braid.engine.run.RunStatus.FAILED;
import static dev.braid.engine.run.RunStatus.QUEUED;
import static dev.braid.engine.run.RunStatus.RETRYING;
import static dev.braid.engine.run.RunStatus.RUNNING;
import static dev.braid.engine.run.RunStatus.SUCCEEDED;
import static dev.braid.engine.run.RunStatus.WAITING;

/**
 * Every status change {@link RunStore} (the one writer of the runs table) makes: the statuses it
 * moves a run from and the one it moves it to. Each is checked against {@link Transitions} when this
 * class loads — a change the engine's table does not allow stops the server at its first use of the
 * queue — and the statements are built from it: the {@code where} of each guards the expected
 * from-statuses, so a run another node or an operator moved meanwhile is left alone.
 */
public enum RunChange {

    /** A worker takes a due run and leases it. */
    CLAIM(RUNNING, QUEUED, RETRYING, WAITING),
    /** The attempt's steps all finished. */
    SUCCEED(SUCCEEDED, RUNNING),
    /** A fatal error, or the attempts are used up. */
    FAIL(FAILED, RUNNING),
    /** A step failed with a retryable error: the run waits for its next attempt time. */
    RETRY_AT(RETRYING, RUNNING),
    /** A durable delay, an open circuit, a rate limit, or a called recipe's run. */
    WAIT(WAITING, RUNNING),
    /** What a waiting run waited for ended (its called run, the run ahead of a backfill): due at once. */
    WAKE(QUEUED, WAITING),
    /** Its node shuts down, or its lease ran out (counted, see {@link LeaseExpiries}): any node may take it. */
    RELEASE(QUEUED, RUNNING),
    /**
     * Its lease ran out {@code braid.worker.poison-after} times in a row without a step finishing: given up,
     * with a dead letter of type {@code run.poison} ({@link LeaseExpiries}), instead of released again.
     */
    POISON(FAILED, RUNNING),
    /** An operator asks for the run again now. */
    RETRY_NOW(QUEUED, FAILED, RETRYING, WAITING),
    /** An operator, or the run that called it and stopped waiting. */
    CANCEL(CANCELLED, QUEUED, RETRYING, WAITING, RUNNING);

    private final RunStatus to;
    private final Set<RunStatus> from;

    RunChange(RunStatus to, RunStatus... from) {
        EnumSet<RunStatus> set = EnumSet.noneOf(RunStatus.class);
        Collections.addAll(set, from);
        for (RunStatus f : set) {
            Transitions.check(f, to);
        }
        this.to = to;
        this.from = Collections.unmodifiableSet(set);
    }

    public RunStatus to() {
        return to;
    }

    /** The statuses this change applies to. */
    public Set<RunStatus> from() {
        return from;
    }

    /**
     * Refuses the change from {@code status}: an {@link IllegalTransitionException} when
     * {@link Transitions} does not allow it at all, an {@link IllegalStateException} when it does but
     * this change is not meant for it (an operator retry of a running run).
     */
    public void check(RunStatus status) {
        Transitions.check(status, to);
        if (!from.contains(status)) {
            throw new IllegalStateException("A run that is " + status.wire() + " cannot be changed by "
                    + name().toLowerCase(java.util.Locale.ROOT) + "; it applies to " + names() + " runs");
        }
    }

    /** The from-statuses as {@code <column> in (...)} ({@link StatusSql}), for a statement's guard. */
    String fromSql(String column) {
        return StatusSql.in(column, from);
    }

    /** The to-status as a literal for a statement's {@code set}. */
    String toSql() {
        return StatusSql.literal(to);
    }

    /** The from-statuses, comma-separated wire names (for messages). */
    public String names() {
        return from.stream().map(RunStatus::wire).collect(Collectors.joining(", "));
    }
}
