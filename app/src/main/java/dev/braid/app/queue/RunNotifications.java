package dev.braid.app.queue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.store.RunEventPayload;
import dev.braid.app.store.RunEvents;

/**
 * The node's one listening connection. On PostgreSQL's {@code braid_runs} channel (a trigger notifies it
 * when a run is queued) it wakes the worker, so a new run starts within milliseconds while polling stays a
 * slow fallback; what it hears on {@link RunEvents#CHANNEL} (live events of every node) it hands to the
 * {@link RunEvents.Receiver}s, which must not block.
 */
@Component
public class RunNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunNotifications.class);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final RunWorker worker;
    private final List<RunEvents.Receiver> receivers;
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread listener;
    private boolean listenedBefore;

    public RunNotifications(DataSource dataSource, RunWorker worker, List<RunEvents.Receiver> receivers) {
        this.dataSource = dataSource;
        this.worker = worker;
        this.receivers = receivers;
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            listener = Thread.ofPlatform().name("braid-listen").daemon().start(this::listen);
        }
    }

    private void listen() {
        while (running.get()) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement st = connection.createStatement()) {
                    st.execute("LISTEN braid_runs");
                    st.execute("LISTEN " + RunEvents.CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                worker.queued(); // anything queued while we were not listening
                if (listenedBefore) {
                    receivers.forEach(r -> r.received(RunEventPayload.LOST)); // live events of the gap are gone: clients reload
                }
                listenedBefore = true;
                while (running.get()) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    boolean queued = false;
                    for (PGNotification n : notifications) {
                        if (RunEvents.CHANNEL.equals(n.getName())) {
                            receivers.forEach(r -> r.received(n.getParameter()));
                        } else {
                            queued = true;
                        }
                    }
                    if (queued) {
                        worker.queued();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running.get()) {
                    log.warn("Listening for queued runs failed ({}); reconnecting in {}", e.getMessage(), RECONNECT_DELAY);
                    try {
                        Thread.sleep(RECONNECT_DELAY.toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && listener != null) {
            try {
                listener.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }
}
