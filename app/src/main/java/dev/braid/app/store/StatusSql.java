package dev.braid.app.store;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.StepStatus;

/**
 * Statuses as SQL text, built from the engine's enums: the one place a status becomes a literal in a
 * statement. They stay literals (not bound parameters) because the runs table's partial indexes
 * ({@code runs_claimable}, {@code runs_leased}, ...) are only used when the planner can prove their
 * {@code where status in (...)} from the query text. Only enum constants reach this class, never input.
 */
final class StatusSql {

    /** Every run status that is not final: the run may still change. */
    static final Set<RunStatus> UNFINISHED = Arrays.stream(RunStatus.values()).filter(s -> !s.terminal())
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(RunStatus.class)));

    /** Succeeded, failed, cancelled: what a run ends as (a failed one may still be retried by an operator). */
    static final Set<RunStatus> ENDED = EnumSet.complementOf(EnumSet.copyOf(UNFINISHED));

    private StatusSql() {}

    /** {@code 'running'}. */
    static String literal(RunStatus status) {
        return "'" + status.wire() + "'";
    }

    static String literal(StepStatus status) {
        return "'" + status.wire() + "'";
    }

    /** {@code column in ('queued', 'retrying')}, the statuses in their declaration order. */
    static String in(String column, Collection<RunStatus> statuses) {
        return column + " in (" + statuses.stream().sorted().map(StatusSql::literal).collect(Collectors.joining(", ")) + ")";
    }

    static String in(String column, StepStatus... statuses) {
        return column + " in (" + Arrays.stream(statuses).map(StatusSql::literal).collect(Collectors.joining(", ")) + ")";
    }
}
