package dev.braid.engine.run;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static dev.braid.engine.run.RunStatus.CANCELLED;
import static dev.braid.engine.run.RunStatus.FAILED;
import static dev.braid.engine.run.RunStatus.QUEUED;
import static dev.braid.engine.run.RunStatus.RETRYING;
import static dev.braid.engine.run.RunStatus.RUNNING;
import static dev.braid.engine.run.RunStatus.SUCCEEDED;
import static dev.braid.engine.run.RunStatus.WAITING;

/**
 * Every legal change of a run's and a step's status, in one table each; anything not listed is
 * refused with an {@link IllegalTransitionException}. Whoever changes a status (the executor's
 * journal records, the app's queue and operator actions) asks here first.
 *
 * <pre>{@code
 * Transitions.check(RunStatus.RUNNING, RunStatus.RETRYING);   // fine
 * Transitions.check(RunStatus.SUCCEEDED, RunStatus.RUNNING);  // throws
 * }</pre>
 */
public final class Transitions {

    private static final Map<RunStatus, Set<RunStatus>> RUN = new EnumMap<>(RunStatus.class);
    private static final Map<StepStatus, Set<StepStatus>> STEP = new EnumMap<>(StepStatus.class);

    static {
        run(QUEUED, RUNNING, CANCELLED);
        // queued again: the node released its lease on shutdown, or the lease expired and another node takes over.
        run(RUNNING, SUCCEEDED, FAILED, RETRYING, WAITING, QUEUED, CANCELLED);
        // queued: an operator asks for the retry now instead of at next_attempt_at.
        run(RETRYING, RUNNING, CANCELLED, QUEUED);
        // failed: what it waited for (a called recipe, a concurrency slot) failed or timed out.
        run(WAITING, RUNNING, QUEUED, CANCELLED, FAILED);
        // The only way out of a final status: an operator retry or a dead-letter replay re-queues the run.
        run(FAILED, QUEUED);
        run(SUCCEEDED);
        run(CANCELLED);

        step(StepStatus.PENDING, StepStatus.RUNNING, StepStatus.SKIPPED, StepStatus.CANCELLED);
        // running -> running: a step whose node died mid-call is run again by the node that resumes the run.
        step(StepStatus.RUNNING, StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.RETRYING, StepStatus.WAITING,
                StepStatus.CANCELLED, StepStatus.RUNNING);
        // failed: the run ended (deadline, operator) before the next attempt was due.
        step(StepStatus.RETRYING, StepStatus.RUNNING, StepStatus.CANCELLED, StepStatus.FAILED);
        step(StepStatus.WAITING, StepStatus.RUNNING, StepStatus.CANCELLED, StepStatus.FAILED);
        // An operator retry or a replay runs the failed step again.
        step(StepStatus.FAILED, StepStatus.RUNNING);
        step(StepStatus.SUCCEEDED);
        step(StepStatus.SKIPPED);
        step(StepStatus.CANCELLED);
    }

    private Transitions() {}

    public static boolean allowed(RunStatus from, RunStatus to) {
        return next(from).contains(Objects.requireNonNull(to, "to"));
    }

    public static void check(RunStatus from, RunStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalTransitionException("run", from, to, next(from));
        }
    }

    /** The statuses a run may go to from {@code from}; empty for a final status. */
    public static Set<RunStatus> next(RunStatus from) {
        return RUN.get(Objects.requireNonNull(from, "from"));
    }

    public static boolean allowed(StepStatus from, StepStatus to) {
        return next(from).contains(Objects.requireNonNull(to, "to"));
    }

    public static void check(StepStatus from, StepStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalTransitionException("step", from, to, next(from));
        }
    }

    /** The statuses a step may go to from {@code from}; empty for a final status. */
    public static Set<StepStatus> next(StepStatus from) {
        return STEP.get(Objects.requireNonNull(from, "from"));
    }

    private static void run(RunStatus from, RunStatus... to) {
        EnumSet<RunStatus> set = EnumSet.noneOf(RunStatus.class);
        Collections.addAll(set, to);
        RUN.put(from, Collections.unmodifiableSet(set));
    }

    private static void step(StepStatus from, StepStatus... to) {
        EnumSet<StepStatus> set = EnumSet.noneOf(StepStatus.class);
        Collections.addAll(set, to);
        STEP.put(from, Collections.unmodifiableSet(set));
    }
}
