package dev.braid.app.queue;

import java.time.Clock;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.refusal.Conflict;
import dev.braid.app.refusal.NotFound;
import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.RunChange;
import dev.braid.app.store.RunLogStore;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.app.store.StepStore;
import dev.braid.engine.run.RunStatus;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Operator actions on runs (ARCHITECTURE §4): retry now, cancel. Each is a {@link RunChange} of
 * {@link RunStore}, made with {@code where id = ? and status = <the status read>}, so a worker that moved
 * the run meanwhile wins and the operator is told (409) instead of overwriting it.
 */
@Service
public class RunActions {

    private final RunStore runs;
    private final StepStore steps;
    private final DeadLetterStore deadLetters;
    private final RunLogStore logs;
    private final TransactionTemplate tx;
    private final Clock clock;

    public RunActions(RunStore runs, StepStore steps, DeadLetterStore deadLetters, RunLogStore logs,
                      PlatformTransactionManager transactions, Clock clock) {
        this.runs = runs;
        this.steps = steps;
        this.deadLetters = deadLetters;
        this.logs = logs;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** Queues the run now. A failed run's failing step gets a fresh retry budget and its open dead letter is resolved. */
    public RunRow retry(UUID id, String user) {
        return tx.execute(s -> {
            RunRow run = existing(id);
            RunStatus from = run.status();
            if (!RunChange.RETRY_NOW.from().contains(from)) {
                throw new Conflict("Run " + id + " is " + from.wire() + "; only " + RunChange.RETRY_NOW.names()
                        + " runs can be retried");
            }
            if (!runs.retryNow(id, from)) {
                throw raced(id, from);
            }
            if (from == RunStatus.FAILED) {
                String step = run.error() == null ? null : run.error().path("step").asString(null);
                if (step != null) {
                    steps.resetAttempts(id, step);
                }
                deadLetters.openOfRun(id).ifPresent(dead -> {
                    ObjectNode entry = JsonNodeFactory.instance.objectNode();
                    entry.put("runId", id.toString());
                    entry.put("at", clock.instant().toString());
                    entry.put("by", user);
                    entry.put("from", "retry");
                    deadLetters.markReplayed(dead, entry);
                });
            }
            log(id, "Retried by " + user);
            return runs.find(id).orElseThrow();
        });
    }

    /**
     * Cancels the run and its unfinished child runs; a parent waiting for it is woken so it sees the
     * cancellation. A worker still running it loses its lease: its writes require {@code locked_by}.
     */
    public RunRow cancel(UUID id, String user) {
        return tx.execute(s -> {
            RunRow run = existing(id);
            RunStatus from = run.status();
            if (!RunChange.CANCEL.from().contains(from)) {
                throw new Conflict("Run " + id + " is " + from.wire() + "; only " + RunChange.CANCEL.names()
                        + " runs can be cancelled");
            }
            if (!runs.cancel(id, from)) {
                throw raced(id, from);
            }
            runs.cancelChildren(id);
            log(id, "Cancelled by " + user);
            return runs.find(id).orElseThrow();
        });
    }

    private RunRow existing(UUID id) {
        return runs.find(id).orElseThrow(() -> new NotFound("No run '" + id + "' exists"));
    }

    private void log(UUID id, String message) {
        logs.note(id, "info", message);
    }

    private static Conflict raced(UUID id, RunStatus from) {
        return new Conflict("Run " + id + " is no longer " + from.wire()
                + " (a worker moved it meanwhile); look at it again and retry the action if it still applies");
    }
}
