package dev.braid.app.queue;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.RunLogStore;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.Transitions;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Operator actions on runs (DESIGN §4): retry now, cancel. Every change is checked against
 * {@link Transitions} and made with {@code where id = ? and status = ?}, so a worker that moved the
 * run meanwhile wins and the operator is told (409) instead of overwriting it.
 */
@Service
public class RunActions {

    private static final Set<RunStatus> RETRYABLE = EnumSet.of(RunStatus.FAILED, RunStatus.RETRYING, RunStatus.WAITING);
    private static final Set<RunStatus> CANCELLABLE =
            EnumSet.of(RunStatus.QUEUED, RunStatus.RETRYING, RunStatus.WAITING, RunStatus.RUNNING);

    private final RunStore runs;
    private final DeadLetterStore deadLetters;
    private final RunLogStore logs;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public RunActions(RunStore runs, DeadLetterStore deadLetters, RunLogStore logs, JdbcClient jdbc,
                      PlatformTransactionManager transactions, Clock clock) {
        this.runs = runs;
        this.deadLetters = deadLetters;
        this.logs = logs;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** Queues the run now. A failed run's failing step gets a fresh retry budget and its open dead letter is resolved. */
    public RunRow retry(UUID id, String user) {
        return tx.execute(s -> {
            RunRow run = existing(id);
            RunStatus from = RunStatus.fromWire(run.status());
            if (!RETRYABLE.contains(from)) {
                throw new Refused(409, "Run " + id + " is " + from.wire() + "; only " + names(RETRYABLE)
                        + " runs can be retried");
            }
            Transitions.check(from, RunStatus.QUEUED);
            int changed = jdbc.sql("""
                    update runs set status = 'queued', next_attempt_at = now(), finished_at = null, error = null,
                           locked_by = null, locked_until = null, wait_reason = null
                     where id = ? and status = ?""")
                    .params(id, from.wire()).update();
            if (changed == 0) {
                throw raced(id, from);
            }
            if (from == RunStatus.FAILED) {
                String step = run.error() == null ? null : run.error().path("step").asString(null);
                if (step != null) {
                    jdbc.sql("update step_runs set attempts = 0 where run_id = ? and path = ?").params(id, step).update();
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
            RunStatus from = RunStatus.fromWire(run.status());
            if (!CANCELLABLE.contains(from)) {
                throw new Refused(409, "Run " + id + " is " + from.wire() + "; only " + names(CANCELLABLE)
                        + " runs can be cancelled");
            }
            Transitions.check(from, RunStatus.CANCELLED);
            if (!runs.cancel(id, List.of(from.wire()))) {
                throw raced(id, from);
            }
            runs.cancelChildren(id);
            jdbc.sql("""
                    update runs parent set status = 'queued', next_attempt_at = now(), wait_reason = null
                      from runs child
                     where child.id = ? and parent.id = child.parent_run_id and parent.status = 'waiting'""")
                    .param(id).update();
            log(id, "Cancelled by " + user);
            return runs.find(id).orElseThrow();
        });
    }

    private RunRow existing(UUID id) {
        return runs.find(id).orElseThrow(() -> new Refused(404, "No run '" + id + "' exists"));
    }

    private void log(UUID id, String message) {
        logs.note(id, "info", message);
    }

    private static Refused raced(UUID id, RunStatus from) {
        return new Refused(409, "Run " + id + " is no longer " + from.wire()
                + " (a worker moved it meanwhile); look at it again and retry the action if it still applies");
    }

    private static String names(Set<RunStatus> statuses) {
        return statuses.stream().map(RunStatus::wire).collect(Collectors.joining(", "));
    }
}
