package dev.braid.app.background;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One named daemon thread that runs a piece of work every {@code interval}, with fixed delay between the
 * end of one round and the start of the next (a slow round never piles up). A round that throws is
 * handed to {@code failed} and the loop goes on: the next round is the retry. The owner (a
 * {@code SmartLifecycle}) calls {@link #start} and {@link #stop} from its own.
 */
public final class BackgroundLoop {

    private final String threadName;
    private final Runnable round;
    private final Consumer<RuntimeException> failed;
    private ScheduledExecutorService thread;

    public BackgroundLoop(String threadName, Runnable round, Consumer<RuntimeException> failed) {
        this.threadName = threadName;
        this.round = round;
        this.failed = failed;
    }

    /** Starts the rounds, the first after {@code firstAfter}; starting a running loop does nothing. */
    public synchronized void start(Duration firstAfter, Duration interval) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
        thread.scheduleWithFixedDelay(this::safeRound, firstAfter.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the rounds; one in progress is interrupted. */
    public synchronized void stop() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }

    public synchronized boolean running() {
        return thread != null;
    }

    private void safeRound() {
        try {
            round.run();
        } catch (RuntimeException e) {
            failed.accept(e);
        }
    }
}
