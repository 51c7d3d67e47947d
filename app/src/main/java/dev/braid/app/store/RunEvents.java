package dev.braid.app.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What the runs table's writers announce to every node for live events (ARCHITECTURE §10,
 * {@code GET /api/v1/events}): a run created or changed status, a step finished. Nothing is sent from the
 * statement that made the change — a {@code pg_notify} in a transaction takes PostgreSQL's cluster-wide
 * notify lock at its commit, which would serialise the ingestion commits (issue 18) — instead, after the
 * change committed, its run id goes into a buffer that one thread per node sends every
 * {@value #FLUSH_MILLIS} ms as a few {@code NOTIFY braid_events} in one small transaction of its own: a
 * few commits a second whatever the load, carrying ids only (see {@link RunEventPayload}). Every node's
 * listening connection ({@code RunNotifications}) hands what it hears to the {@link Receiver}s, which read
 * the summaries they need in one query.
 *
 * <p>Best effort, as live views are: a node that dies between a commit and its next send loses that
 * announcement, and when the buffer is over {@value #MAX_PENDING} lines (the database not answering) it
 * is cleared and a {@code lost} marker sent instead, which receivers turn into a reload request.
 */
@Component
public class RunEvents implements SmartLifecycle {

    /** The channel every node listens on. */
    public static final String CHANNEL = "braid_events";
    static final long FLUSH_MILLIS = 50;
    static final int MAX_PENDING = 100_000;

    private static final Logger log = LoggerFactory.getLogger(RunEvents.class);

    /** A node's side of the channel: called on the listening thread with each notification's payload. */
    public interface Receiver {
        void received(String payload);
    }

    private final JdbcClient jdbc;
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread sender;

    public RunEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Runs created or changed status (announced after the surrounding transaction commits, if any). */
    public void runs(Collection<UUID> ids) {
        if (!ids.isEmpty()) {
            List<String> lines = new ArrayList<>(ids.size());
            ids.forEach(id -> lines.add(RunEventPayload.run(id)));
            announce(lines);
        }
    }

    public void run(UUID id) {
        announce(List.of(RunEventPayload.run(id)));
    }

    /**
     * The run changed and these of its step records were written; the finished ones are announced, at most
     * {@value RunEventPayload#MAX_STEPS_PER_WRITE} per write (a foreach of thousands is shown by its run).
     */
    public void steps(UUID run, boolean runChanged, List<StepStore.SeqRecord> records) {
        List<String> lines = new ArrayList<>();
        if (runChanged) {
            lines.add(RunEventPayload.run(run));
        }
        for (StepStore.SeqRecord r : records) {
            if (lines.size() > RunEventPayload.MAX_STEPS_PER_WRITE) {
                break;
            }
            if (r.record().status().terminal()) {
                lines.add(RunEventPayload.step(run, r.record().status().wire(), r.record().path()));
            }
        }
        if (!lines.isEmpty()) {
            announce(lines);
        }
    }

    private void announce(List<String> lines) {
        if (!running.get()) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    buffer(lines);
                }
            });
        } else {
            buffer(lines);
        }
    }

    private void buffer(List<String> lines) {
        if (size.addAndGet(lines.size()) > MAX_PENDING) {
            lost.set(true);
            size.addAndGet(-lines.size());
            return;
        }
        pending.addAll(lines);
    }

    private void send() {
        while (running.get()) {
            LockSupport.parkNanos(Duration.ofMillis(FLUSH_MILLIS).toNanos());
            try {
                flush();
            } catch (RuntimeException e) {
                log.debug("Sending live events failed ({}); they are sent with the next ones", e.getMessage());
            }
        }
    }

    /** Sends what is buffered, deduplicated, as payloads of at most {@value RunEventPayload#MAX_BYTES} bytes. */
    void flush() {
        Set<String> lines = new LinkedHashSet<>();
        if (lost.getAndSet(false)) {
            pending.clear();
            size.set(0);
            lines.add(RunEventPayload.LOST);
        }
        for (String line; (line = pending.poll()) != null; ) {
            size.decrementAndGet();
            lines.add(line);
        }
        if (lines.isEmpty()) {
            return;
        }
        List<String> payloads = RunEventPayload.chunks(lines);
        jdbc.sql("select count(pg_notify('" + CHANNEL + "', p)) from unnest(?::text[]) as p")
                .param(payloads.toArray(String[]::new)).query(Long.class).single();
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            sender = Thread.ofPlatform().name("braid-live-events").daemon().start(this::send);
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && sender != null) {
            LockSupport.unpark(sender);
            try {
                sender.join(1_000);
                flush(); // what the node's last changes (its runs released at shutdown) announced
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.debug("The last live events could not be sent: {}", e.getMessage());
            }
        }
    }

    /** Started before and stopped after the workers and trigger runtimes, whose changes it announces. */
    @Override
    public int getPhase() {
        return 0;
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
