package dev.braid.app.jobs;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.app.queue.NodeIdentity;

/**
 * Works on bulk jobs, one at a time per node: every {@code braid.jobs.poll-interval} it takes a job no live
 * node holds and does its pending items a chunk at a time, renewing its lease after each chunk. When the
 * lease is lost (this node stalled and another took over) it lets go; when the node stops it releases the
 * job so another node goes on at once. A job whose node died is taken when its lease runs out.
 */
@Component
public class BulkJobWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BulkJobWorker.class);

    private final BulkJobStore store;
    private final BulkJobs jobs;
    private final JobSettings settings;
    private final String node;
    private final BackgroundLoop loop;

    public BulkJobWorker(BulkJobStore store, BulkJobs jobs, JobSettings settings, NodeIdentity node) {
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.node = node.id();
        this.loop = new BackgroundLoop("braid-bulk-jobs", this::workOnce,
                e -> log.warn("Bulk job round failed; trying again in {}: {}", settings.pollInterval(), e.getMessage()));
    }

    /** Takes one job and works on it until it is finished, its lease is lost or the node stops; whether it took one. */
    public boolean workOnce() {
        Optional<BulkJobStore.Job> claimed = store.claim(node, settings.lease());
        if (claimed.isEmpty()) {
            return false;
        }
        BulkJobStore.Job job = claimed.get();
        log.info("Working on bulk job {} ({}, {} of {} items done)", job.id(), job.action().wire(), job.done(), job.total());
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<BulkJobStore.Item> chunk = store.pending(job.id(), settings.chunk());
                for (BulkJobStore.Item item : chunk) {
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                    jobs.doItem(job, item);
                }
                if (chunk.size() < settings.chunk() && jobs.finishIfDone(job)) {
                    log.info("Bulk job {} finished", job.id());
                    return true;
                }
                if (!store.renew(job.id(), node, settings.lease())) {
                    log.warn("Lost the lease of bulk job {}; another node goes on with it", job.id());
                    return true;
                }
            }
        } finally {
            if (Thread.currentThread().isInterrupted()) {
                releaseQuietly(job);
            }
        }
        return true;
    }

    private void releaseQuietly(BulkJobStore.Job job) {
        // The thread was interrupted: clear the flag so the release statement can run, then set it again.
        boolean interrupted = Thread.interrupted();
        try {
            store.release(job.id(), node);
        } catch (RuntimeException e) {
            log.warn("Could not release bulk job {}; it is taken over when its lease runs out: {}", job.id(), e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void start() {
        loop.start(settings.pollInterval(), settings.pollInterval());
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
