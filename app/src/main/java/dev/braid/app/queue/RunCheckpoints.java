package dev.braid.app.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.RunLogStore;
import dev.braid.app.store.RunStore;
import dev.braid.app.store.StepStore;

/**
 * The transactions of a running attempt. Each one first proves this node still holds the run's lease
 * (the update of the runs row doubles as fence and lease renewal), then writes step records and log
 * lines; the final one also ends the run and files its dead letter.
 */
@Component
public class RunCheckpoints {

    private final TransactionTemplate tx;
    private final RunStore runs;
    private final StepStore steps;
    private final RunLogStore logs;
    private final DeadLetterStore deadLetters;

    public RunCheckpoints(TransactionTemplate tx, RunStore runs, StepStore steps, RunLogStore logs,
                          DeadLetterStore deadLetters) {
        this.tx = tx;
        this.runs = runs;
        this.steps = steps;
        this.logs = logs;
        this.deadLetters = deadLetters;
    }

    /** Commits step records and log lines while the lease holds; throws {@link LeaseLostException} otherwise. */
    public void checkpoint(UUID runId, String node, Duration lease, List<StepStore.SeqRecord> records,
                           List<RunLogStore.LogLine> lines) {
        tx.executeWithoutResult(status -> {
            if (!runs.renewLease(runId, node, lease)) {
                throw new LeaseLostException(runId);
            }
            steps.upsert(runId, records);
            logs.insert(runId, lines);
        });
    }

    /** What the end of an attempt writes to the runs row. */
    public record Ending(String status, String outputJson, String errorJson, Instant nextAttemptAt,
                         DeadLetter deadLetter) {}

    public record DeadLetter(UUID id, String recipe, String step, String errorJson, String payloadJson) {}

    /** Ends the attempt in one transaction; throws {@link LeaseLostException} when another node owns the run. */
    public void finish(UUID runId, String node, Ending ending, List<StepStore.SeqRecord> records,
                       List<RunLogStore.LogLine> lines) {
        tx.executeWithoutResult(status -> {
            UUID deadLetterId = ending.deadLetter() == null ? null : ending.deadLetter().id();
            if (!runs.finish(runId, node, ending.status(), ending.outputJson(), ending.errorJson(),
                    ending.nextAttemptAt(), deadLetterId)) {
                throw new LeaseLostException(runId);
            }
            steps.upsert(runId, records);
            logs.insert(runId, lines);
            if (ending.deadLetter() != null) {
                DeadLetter d = ending.deadLetter();
                deadLetters.insert(d.id(), runId, d.recipe(), d.step(), d.errorJson(), d.payloadJson());
            }
        });
    }
}
