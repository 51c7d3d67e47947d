package dev.braid.engine.run;

import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * Decides what happens next in a run (ARCHITECTURE §3): walks the recipe's steps, calls connector actions,
 * checkpoints every step in the {@link StepJournal}, and answers how this execution ended. It never
 * waits: a retryable failure comes back as {@link RunOutcome.Retry} with the time of the next attempt,
 * and the app re-queues the run for then. Running it again with the same journal resumes: finished
 * steps are read back, never repeated.
 *
 * <pre>{@code
 * RunExecutor executor = new RunExecutor(ConnectorRegistry.load(), Expressions.withDefaults(), Clock.systemUTC());
 * switch (executor.execute(request, journal)) {
 *   case RunOutcome.Succeeded s -> finish(s.output());
 *   case RunOutcome.Retry r -> requeue(r.nextAttemptAt());
 *   case RunOutcome.Failed f -> deadLetter(f.stepPath(), f.error());
 * }
 * }</pre>
 *
 * <p>Thread-safe and stateless between calls; one instance serves every worker.
 */
public final class RunExecutor {

    private final ConnectorRegistry connectors;
    private final Expressions expressions;
    private final Clock clock;
    private final RandomGenerator random;

    public RunExecutor(ConnectorRegistry connectors, Expressions expressions, Clock clock) {
        this(connectors, expressions, clock, RandomGenerator.getDefault());
    }

    /** With the random source of retry jitter (tests pass a fixed one to get exact delays). */
    public RunExecutor(ConnectorRegistry connectors, Expressions expressions, Clock clock, RandomGenerator random) {
        this.connectors = Objects.requireNonNull(connectors, "connectors");
        this.expressions = Objects.requireNonNull(expressions, "expressions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Runs {@code request} from wherever {@code journal} says it got to. Exceptions thrown by the
     * journal (the app's lease was lost, the database is down) pass through unchanged; action
     * failures never do, they become the step's error.
     */
    public RunOutcome execute(RunRequest request, StepJournal journal) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(journal, "journal");
        return new Walk(request, journal, connectors, expressions, clock, random).run();
    }
}
