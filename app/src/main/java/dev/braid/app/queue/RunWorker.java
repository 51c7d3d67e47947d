package dev.braid.app.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;

/**
 * This node's share of the run queue. One dispatcher thread claims due runs while there is capacity
 * and hands each to a virtual thread; it sleeps until woken (a NOTIFY, a finished run) or until the
 * next run falls due, at most one poll interval. Leases of running runs are renewed on a schedule,
 * and expired leases of any node are put back in the queue, so a dead node's runs resume elsewhere.
 */
@Component
public class RunWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final RunStore runs;
    private final RunProcessor processor;
    private final NodeIdentity node;
    private final BraidProperties.Worker settings;
    private final Semaphore capacity;
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService executor;
    private ScheduledExecutorService housekeeping;
    private Thread dispatcher;

    public RunWorker(RunStore runs, RunProcessor processor, NodeIdentity node, BraidProperties properties) {
        this.runs = runs;
        this.processor = processor;
        this.node = node;
        this.settings = properties.worker();
        this.capacity = new Semaphore(settings.concurrency());
    }

    /** Something may be due: look now instead of at the next poll. */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /**
     * Reserves capacity for a run this node has just created itself (the webhook fast path): when it
     * succeeds the caller inserts the run already leased to this node and hands it to
     * {@link #runReserved}, saving the claim round trip; otherwise the run is queued as usual.
     *
     * <p>It waits up to {@code braid.worker.admission-wait} for a free slot. That is back-pressure:
     * under overload senders are answered a little later instead of the queue growing without bound,
     * and runs keep taking the cheap path (a queued run costs a NOTIFY and a claim more). Measured
     * trade-off: queued runs then compete with new webhooks for slots, so under sustained overload
     * they wait longer than the fast-path runs (see the README's benchmark section).
     */
    public boolean tryReserve() {
        if (!running.get()) {
            return false;
        }
        try {
            return capacity.tryAcquire(settings.admissionWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void cancelReservation() {
        capacity.release();
    }

    /** Runs a run inserted as running and leased to this node, in capacity reserved by {@link #tryReserve}. */
    public void runReserved(RunRow run) {
        try {
            executor.submit(() -> execute(run));
        } catch (RuntimeException e) {
            // Shutting down: the lease expires or release() hands the run back to the queue.
            capacity.release();
        }
    }

    private void execute(RunRow run) {
        try {
            processor.process(run);
        } catch (RuntimeException e) {
            log.error("Run {} failed outside the engine; its lease will expire and it will be retried", run.id(), e);
        } finally {
            capacity.release();
            wake();
        }
    }

    public String nodeId() {
        return node.id();
    }

    public Duration lease() {
        return settings.lease();
    }

    @Override
    public void start() {
        if (!settings.enabled() || !running.compareAndSet(false, true)) {
            return;
        }
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("braid-run-", 0).factory());
        housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("braid-leases").daemon().factory());
        housekeeping.scheduleWithFixedDelay(this::renewLeases, settings.heartbeat().toMillis(),
                settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::requeueExpired, 0, settings.reapInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        dispatcher = Thread.ofPlatform().name("braid-dispatcher").daemon().start(this::dispatch);
        log.info("Run worker {} started: {} runs at once, poll every {}", node.id(), settings.concurrency(),
                settings.pollInterval());
    }

    private void dispatch() {
        while (running.get()) {
            try {
                int free = capacity.availablePermits();
                int asked = Math.min(free, settings.claimBatch());
                List<RunRow> claimed = asked > 0 ? runs.claim(node.id(), settings.lease(), asked) : List.of();
                for (RunRow run : claimed) {
                    capacity.acquireUninterruptibly();
                    executor.submit(() -> execute(run));
                }
                if (asked > 0 && claimed.size() == asked) {
                    continue; // a full batch: there is probably more
                }
                wakeups.tryAcquire(idleWait(asked > 0).toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                log.warn("Claiming runs failed ({}); trying again in {}", e.getMessage(), settings.pollInterval());
                sleep(settings.pollInterval());
            }
        }
    }

    /** Until the next retry is due, but never longer than the poll interval (the fallback for lost notifications). */
    private Duration idleWait(boolean hadCapacity) {
        Duration wait = settings.pollInterval();
        if (hadCapacity) {
            Instant next = runs.nextDue().orElse(null);
            if (next != null) {
                Duration untilDue = Duration.between(Instant.now(), next);
                if (untilDue.compareTo(wait) < 0) {
                    wait = untilDue.isNegative() ? Duration.ofMillis(1) : untilDue.plusMillis(1);
                }
            }
        }
        return wait;
    }

    private void renewLeases() {
        try {
            runs.renewLeases(node.id(), settings.lease());
        } catch (RuntimeException e) {
            log.warn("Renewing leases failed: {}", e.getMessage());
        }
    }

    private void requeueExpired() {
        try {
            int n = runs.requeueExpired();
            if (n > 0) {
                log.warn("Put {} run(s) with an expired lease back in the queue", n);
                wake();
            }
        } catch (RuntimeException e) {
            log.warn("Requeueing expired leases failed: {}", e.getMessage());
        }
    }

    @Override
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        wake();
        try {
            dispatcher.join(SHUTDOWN_GRACE.toMillis());
            executor.shutdown();
            if (!executor.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        housekeeping.shutdownNow();
        try {
            int released = runs.release(node.id());
            if (released > 0) {
                log.info("Released {} unfinished run(s) to the queue", released);
            }
        } catch (RuntimeException e) {
            log.warn("Releasing runs failed ({}); their leases will expire instead", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** Stops before the web server and the data source go away, starts after them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
