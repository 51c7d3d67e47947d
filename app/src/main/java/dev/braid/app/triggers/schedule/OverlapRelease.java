package dev.braid.app.triggers.schedule;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;

/**
 * Starts backfill runs queued behind a fire time's existing run ({@code overlap: queue}) once that
 * run has ended: every {@code braid.schedules.overlap-check} one statement queues them. Every node
 * may run it; the update is idempotent. A backfill is not latency-sensitive, so a short poll beats
 * a hook in the hot path of every finishing run.
 */
@Component
public class OverlapRelease implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OverlapRelease.class);

    private final BackfillStore store;
    private final Duration interval;
    private volatile ScheduledExecutorService thread;

    public OverlapRelease(BackfillStore store, BraidProperties properties) {
        this.store = store;
        this.interval = properties.schedules().overlapCheck();
    }

    @Override
    public void start() {
        thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("braid-overlap").daemon().unstarted(r));
        thread.scheduleWithFixedDelay(() -> {
            try {
                int released = store.releaseOverlaps();
                if (released > 0) {
                    log.debug("Queued {} backfill run(s) whose run ahead has ended", released);
                }
            } catch (RuntimeException e) {
                log.warn("Releasing queued backfill runs failed: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = thread;
        if (t != null) {
            t.shutdownNow();
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
