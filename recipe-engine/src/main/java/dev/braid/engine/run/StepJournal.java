package dev.braid.engine.run;

import java.util.Optional;

/**
 * Where the executor checkpoints step results; the app keeps it in PostgreSQL. Implementations must be
 * thread-safe ({@code foreach ... parallel} records from several threads).
 */
public interface StepJournal {

    /** The last record of this path from an earlier attempt of the run, if any (resume). */
    Optional<StepRecord> find(String path);

    /**
     * Records a step state. With {@code durable} the record, and every record kept back before it,
     * is committed before this returns: a side-effecting step's result is durable before the next
     * step starts. Without it the journal may keep the record back until the next durable record or
     * the end of the run (pure steps).
     */
    void record(StepRecord record, boolean durable);
}
