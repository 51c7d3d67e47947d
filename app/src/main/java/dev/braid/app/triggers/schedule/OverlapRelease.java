package dev.braid.app.triggers.schedule;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
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
    private final BackgroundLoop loop = new BackgroundLoop("braid-overlap", this::releaseNow,
            e -> log.warn("Releasing queued backfill runs failed: {}", e.toString()));

    public OverlapRelease(BackfillStore store, BraidProperties properties) {
        this.store = store;
        this.interval = properties.schedules().overlapCheck();
    }

    private void releaseNow() {
        int released = store.releaseOverlaps();
        if (released > 0) {
            log.debug("Queued {} backfill run(s) whose run ahead has ended", released);
        }
    }

    @Override
    public void start() {
        loop.start(interval, interval);
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }
}
