package dev.braid.app.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import dev.braid.engine.model.Durations;

/**
 * This node's share of the run queue. One dispatcher thread claims due runs while there is capacity
 * and hands each to a virtual thread; it sleeps until woken (a NOTIFY, a finished run) or until the
 * next run falls due, at most one poll interval. Leases of running runs are renewed on a schedule,
 * and expired leases of any node are put back in the queue, so a dead node's runs resume elsewhere.
 * On shutdown it drains: see {@link #stop()}.
 */
@Component
public class RunWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);
    /** How long the dispatcher may take to finish the claim it is in when the worker stops, before it is interrupted. */
    private static final Duration DISPATCHER_STOP = Duration.ofSeconds(2);
    /** How long interrupted attempts get to unwind (their writes already fenced off) before the data source closes. */
    private static final Duration UNWIND = Duration.ofSeconds(5);

    private final RunStore runs;
    private final RunProcessor processor;
    private final NodeIdentity node;
    private final BraidProperties.Worker settings;
    private final Semaphore capacity;
    private final Semaphore wakeups = new Semaphore(0);
    /** The runs this node's attempts are executing: the leases the heartbeat renews. */
    private final java.util.Set<java.util.UUID> executing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Backlog backlog;
    /**
     * Arrival order between the queue and the fast path: each run known to be queued (by this node, or
     * announced by NOTIFY) adds a mark; a claim that comes back with fewer runs than it asked for has emptied
     * the queue of everything marked before it began ({@link #drainedAt}, dispatcher thread only). While a mark
     * is newer, no webhook takes the fast path — its run queues behind the older ones.
     */
    private final java.util.concurrent.atomic.AtomicLong queuedMarks = new java.util.concurrent.atomic.AtomicLong();
    private volatile long drainedAt;
    /** Runs this node has refused a slot and is queuing, not yet committed: a claim cannot see them yet. */
    private final java.util.concurrent.atomic.AtomicInteger queuing = new java.util.concurrent.atomic.AtomicInteger();
    private ExecutorService executor;
    private ScheduledExecutorService housekeeping;
    private Thread dispatcher;
    /** Alternates between claims (dispatcher thread only). */
    private boolean limitedFirst;

    public RunWorker(RunStore runs, RunProcessor processor, NodeIdentity node, BraidProperties properties, Backlog backlog) {
        this.runs = runs;
        this.backlog = backlog;
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

    /** A run was queued (NOTIFY, or this node queued it): until the queue is drained, new runs queue behind it. */
    public void queued() {
        queuedMarks.incrementAndGet();
        wake();
    }

    /** Whether runs queued earlier may still wait for a claim. */
    private boolean queueWaiting() {
        return queuedMarks.get() > drainedAt;
    }

    /**
     * Reserves capacity for a run this node has just created itself (the webhook fast path): when it
     * succeeds the caller inserts the run already leased to this node and hands it to
     * {@link #runReserved}, saving the claim round trip; otherwise the run is queued as usual.
     *
     * <p>Runs are served in arrival order: while runs wait in the queue there is no fast path, and the new run
     * queues behind them (before, under sustained overload new webhooks took every slot that came free and
     * queued runs starved: a received → finished p99 of 15 s at 64 clients). With an empty queue it waits up to
     * {@code braid.worker.admission-wait} for a free slot, and looks at the queue again once it has one.
     */
    public boolean tryReserve() {
        if (!running.get() || queueWaiting()) {
            return queuing();
        }
        boolean reserved;
        try {
            reserved = capacity.tryAcquire(settings.admissionWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reserved = false;
        }
        if (reserved && queueWaiting()) {
            // Runs were queued while this one waited for the slot: they are older, the slot is theirs.
            capacity.release();
            reserved = false;
        }
        return reserved || queuing();
    }

    /**
     * The caller's run goes to the queue: marked at once (later webhooks queue behind it) and counted as being
     * queued until {@link #queuedRunStored}; answers false.
     */
    private boolean queuing() {
        queuing.incrementAndGet();
        queued();
        return false;
    }

    /**
     * A run refused by {@link #tryReserve} is committed to the queue (or failed to be). Marked again before it
     * stops counting as being queued: a claim that began before it was visible leaves the mark newer than the
     * claim, so the fast path stays off until a later claim has taken it.
     */
    public void queuedRunStored() {
        backlog.queuedHere();
        queuedMarks.incrementAndGet();
        queuing.decrementAndGet();
        wake();
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
        executing.add(run.id());
        try {
            processor.process(run);
        } catch (RuntimeException e) {
            log.error("Run {} failed outside the engine; its lease will expire and it will be retried", run.id(), e);
        } finally {
            executing.remove(run.id());
            capacity.release();
            backlog.finishedHere();
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
        if (!settings.enabled() || running.get()) {
            return;
        }
        // Before running is set: no webhook run may be leased to this node before its orphans are released.
        reclaimOrphans();
        if (!running.compareAndSet(false, true)) {
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
                long marks = queuedMarks.get();
                List<RunRow> claimed = claimDue(asked);
                if (asked > 0 && claimed.size() < asked && queuing.get() == 0) {
                    // Nothing due was left behind and no run of this node is on its way into the queue: every run
                    // marked before the claim began has been taken, so the fast path is fair again.
                    drainedAt = marks;
                }
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

    /**
     * Up to {@code asked} due runs: unlimited ones and, in the capacity they leave, runs of recipes
     * with a concurrency limit (claimed only into free slots, cluster-wide). Which kind goes first
     * alternates, so that neither a flood of unlimited runs nor a backlog of limited ones takes all
     * of this node's capacity.
     */
    private List<RunRow> claimDue(int asked) {
        if (asked <= 0) {
            return List.of();
        }
        limitedFirst = !limitedFirst;
        List<RunRow> claimed = new ArrayList<>(limitedFirst
                ? runs.claimLimited(node.id(), settings.lease(), asked)
                : runs.claim(node.id(), settings.lease(), asked));
        try {
            claimed.addAll(limitedFirst
                    ? runs.claim(node.id(), settings.lease(), asked - claimed.size())
                    : runs.claimLimited(node.id(), settings.lease(), asked - claimed.size()));
        } catch (RuntimeException e) {
            if (claimed.isEmpty()) {
                throw e;
            }
            // What the first claim took is committed and leased here: run it rather than lose it.
            log.warn("Claiming runs failed ({}); running the {} claimed", e.getMessage(), claimed.size());
        }
        return claimed;
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
            runs.renewLeases(node.id(), List.copyOf(executing), settings.lease());
        } catch (RuntimeException e) {
            log.warn("Renewing leases failed: {}", e.getMessage());
        }
    }

    private void requeueExpired() {
        try {
            RunStore.Reclaimed reclaimed = runs.reclaimExpired(settings.poisonAfter());
            if (reclaimed.requeued() > 0) {
                log.warn("Put {} run(s) with an expired lease back in the queue", reclaimed.requeued());
            }
            reportPoisoned(reclaimed);
            if (reclaimed.total() > 0) {
                wake();
            }
        } catch (RuntimeException e) {
            log.warn("Requeueing expired leases failed: {}", e.getMessage());
        }
    }

    /**
     * At start, before this node claims anything: the runs still leased to this node's identity are the orphans
     * of its previous life (killed without handing them back; {@link NodeIdentity} is stable per home and held by
     * one live process at a time). They are reclaimed at once — each counted as a lease expiry — instead of
     * waiting out their leases. A failure here is not fatal: the leases then expire as usual.
     */
    private void reclaimOrphans() {
        try {
            RunStore.Reclaimed reclaimed = runs.reclaimOrphans(node.id(), settings.poisonAfter());
            if (reclaimed.requeued() > 0) {
                log.info("Resumed {} run(s) this node ({}) held when it stopped without handing them back",
                        reclaimed.requeued(), node.id());
            }
            reportPoisoned(reclaimed);
        } catch (RuntimeException e) {
            log.warn("Reclaiming this node's orphaned runs failed ({}); their leases will expire instead", e.getMessage());
        }
    }

    private static void reportPoisoned(RunStore.Reclaimed reclaimed) {
        for (var poisoned : reclaimed.poisoned()) {
            log.error("Run {} of {} given up as poison: {}", poisoned.runId(), poisoned.recipe(),
                    poisoned.error().path("message").asString());
        }
    }

    /**
     * The drain of ARCHITECTURE §3 (SIGTERM): stop claiming at once, let the running attempts finish for
     * {@code braid.worker.shutdown-grace}, then hand the rest back. Handing back releases their runs to
     * the queue first and only then interrupts them: an attempt's writes are fenced by its lease
     * ({@link RunStore#finish}), so the interrupted attempt finds no row and writes
     * nothing — no retry scheduled, no failure recorded for the shutdown; the step that was in flight is
     * sent again, with the same idempotency key, by whichever node claims the run. Leases go on being
     * renewed while attempts drain, so a grace longer than the lease is safe.
     */
    @Override
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        long began = System.nanoTime();
        long graceEnds = began + settings.shutdownGrace().toNanos();
        log.info("Run worker {} stopping: no more claims; {} attempt(s) in flight get up to {} to finish", node.id(),
                settings.concurrency() - capacity.availablePermits(), Durations.format(settings.shutdownGrace()));
        int handedBack = 0;
        boolean drained = false;
        try {
            stopDispatcher();
            executor.shutdown();
            drained = executor.awaitTermination(Math.max(0, graceEnds - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!drained) {
                handedBack += handBack();
                executor.shutdownNow();
                executor.awaitTermination(UNWIND.toMillis(), TimeUnit.MILLISECONDS);
            }
            awaitReservations();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handedBack += handBack();
            executor.shutdownNow();
        }
        // A webhook run reserved just before the stop whose start the executor refused is still leased here.
        handedBack += handBack();
        housekeeping.shutdownNow();
        log.info("Run worker {} stopped in {} ms: {}; {} run(s) handed back to the queue", node.id(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
                drained ? "every running attempt finished" : "the grace period ran out", handedBack);
    }

    /** Synchronous on purpose: the lifecycle's per-phase timeout must not move on to closing the data source mid-drain. */
    @Override
    public void stop(Runnable callback) {
        try {
            stop();
        } finally {
            callback.run();
        }
    }

    /** Wakes the dispatcher so it sees the stop; interrupts it if it is still busy after a moment. */
    private void stopDispatcher() throws InterruptedException {
        wake();
        dispatcher.join(DISPATCHER_STOP.toMillis());
        if (dispatcher.isAlive()) {
            dispatcher.interrupt();
            dispatcher.join(DISPATCHER_STOP.toMillis());
        }
    }

    /**
     * Waits until no capacity is taken any more: every attempt has ended and every webhook reservation
     * made just before the stop has been either cancelled or refused by the stopped executor.
     */
    private void awaitReservations() throws InterruptedException {
        if (capacity.tryAcquire(settings.concurrency(), settings.admissionWait().plus(DISPATCHER_STOP).toMillis(),
                TimeUnit.MILLISECONDS)) {
            capacity.release(settings.concurrency());
        }
    }

    /** Releases this node's unfinished runs to the queue; answers how many. */
    private int handBack() {
        try {
            return runs.release(node.id());
        } catch (RuntimeException e) {
            log.warn("Releasing runs failed ({}); their leases will expire instead", e.getMessage());
            return 0;
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /**
     * Starts after the web server and stops first: before the web server's graceful shutdown
     * ({@code WebServerGracefulShutdownLifecycle}, {@code Integer.MAX_VALUE - 1024}), so claiming stops at
     * the moment SIGTERM arrives, while webhooks that still come in are queued (a stopped worker reserves
     * nothing), and long before the data source closes.
     */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 512;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
