package dev.braid.app.queue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.stereotype.Component;

import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;

/**
 * Waits for a run to end (sync webhooks, test runs). A run finished on this node wakes its waiter at
 * once; one finished on another node is seen by re-reading the row every {@link #RECHECK}.
 */
@Component
public class RunCompletions {

    static final Duration RECHECK = Duration.ofMillis(250);

    private final RunStore runs;
    private final Map<UUID, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();

    public RunCompletions(RunStore runs) {
        this.runs = runs;
    }

    /** The run once it has a final status, or empty when it is still going after {@code timeout}. */
    public Optional<RunRow> await(UUID runId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Void> signal = waiters.computeIfAbsent(runId, id -> new CompletableFuture<>());
        try {
            while (true) {
                // Read after registering: a run that ended before registration is seen here.
                Optional<RunRow> row = runs.find(runId);
                if (row.isEmpty() || row.get().status().terminal()) {
                    return row;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    signal.get(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // re-read below
                }
            }
        } finally {
            waiters.remove(runId, signal);
        }
    }

    /** Called after a run's final status was committed on this node. */
    void ended(UUID runId) {
        CompletableFuture<Void> signal = waiters.get(runId);
        if (signal != null) {
            signal.complete(null);
        }
    }
}
