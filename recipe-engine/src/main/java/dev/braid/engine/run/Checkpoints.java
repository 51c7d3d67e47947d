package dev.braid.engine.run;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor's side of the {@link StepJournal}: reads back earlier records and writes new ones,
 * refusing any status change that {@link Transitions} does not allow. A step that goes straight to an
 * end status (a pure action, an if/foreach/stop/fail record, an error before the call) passes through
 * running without that record being written: nothing outside the run could have observed it.
 */
final class Checkpoints {

    private final StepJournal journal;
    // Last status per path as this execution knows it; foreach ... parallel records from several threads.
    private final Map<String, StepStatus> statuses = new ConcurrentHashMap<>();

    Checkpoints(StepJournal journal) {
        this.journal = journal;
    }

    Optional<StepRecord> find(String path) {
        Optional<StepRecord> found = journal.find(path);
        found.ifPresent(r -> statuses.put(path, r.status()));
        return found;
    }

    void record(StepRecord record, boolean durable) {
        StepStatus from = statuses.getOrDefault(record.path(), StepStatus.PENDING);
        StepStatus to = record.status();
        if (to != StepStatus.RUNNING && from != StepStatus.RUNNING) {
            Transitions.check(from, StepStatus.RUNNING);
            from = StepStatus.RUNNING;
        }
        Transitions.check(from, to);
        journal.record(record, durable);
        statuses.put(record.path(), to);
    }
}
