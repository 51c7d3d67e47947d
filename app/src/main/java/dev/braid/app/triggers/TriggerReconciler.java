package dev.braid.app.triggers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.RecipeCatalog;

/**
 * Keeps each {@link TriggerRuntime} in step with the recipes table: every
 * {@code braid.triggers.refresh} (so a change made through another node arrives within seconds), and
 * at once after a change on this node ({@link RecipeCatalog.Changed}). One thread does all of it, so
 * a runtime never sees two reconciliations at once.
 */
@Component
public class TriggerReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TriggerReconciler.class);

    /** Recipes whose current version could not be read, with the error last reported. */

    private final java.util.Map<String, String> unreadable = new java.util.concurrent.ConcurrentHashMap<>();

    private final List<TriggerRuntime> runtimes;
    private final RecipeCatalog catalog;
    private final JdbcClient jdbc;
    private final Duration refresh;
    private final AtomicBoolean running = new AtomicBoolean();
    private ScheduledExecutorService thread;

    public TriggerReconciler(ObjectProvider<TriggerRuntime> runtimes, RecipeCatalog catalog, JdbcClient jdbc,
                             BraidProperties properties) {
        this.runtimes = runtimes.orderedStream().toList();
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.refresh = properties.triggers().refresh();
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true) && !runtimes.isEmpty()) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("braid-triggers").daemon().unstarted(r));
            thread.scheduleWithFixedDelay(this::reconcileQuietly, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A recipe changed on this node: reconcile now rather than at the next refresh. */
    @EventListener
    public void onChange(RecipeCatalog.Changed changed) {
        ScheduledExecutorService t = thread;
        if (running.get() && t != null) {
            t.execute(this::reconcileQuietly);
        }
    }

    /**
     * One pass over every runtime; public for tests that need it done before they go on. Synchronized:
     * a test's call and the reconciler thread's pass must not interleave, runtimes rely on one at a time.
     */
    public synchronized void reconcileNow() {
        for (TriggerRuntime runtime : runtimes) {
            runtime.reconcile(wanted(runtime));
        }
    }

    private void reconcileQuietly() {
        try {
            reconcileNow();
        } catch (RuntimeException e) {
            // The next pass tries again; a broken source must not stop the others for good.
            log.warn("Reconciling trigger listeners failed: {}", e.toString(), e);
        }
    }

    private Collection<RecipeCatalog.Current> wanted(TriggerRuntime runtime) {
        List<String> slugs = jdbc.sql("select slug from recipes where enabled and trigger_type = ? order by slug")
                .param(runtime.type().wire()).query(String.class).list();
        List<RecipeCatalog.Current> wanted = new ArrayList<>(slugs.size());
        for (String slug : slugs) {
            Optional<RecipeCatalog.Current> current;
            try {
                current = catalog.current(slug);
            } catch (dev.braid.engine.parse.RecipeValidationException e) {
                // Not a database hiccup (that fails the whole pass, leaving every trigger as it is): a version stored before a check it fails was added (e.g. a cron that can never fire) must not stop
                // the other recipes' triggers; reported once until it changes.
                if (!e.toString().equals(unreadable.put(slug, e.toString()))) {
                    log.warn("Recipe {}: its current version cannot be read, its trigger is left out until a corrected "
                            + "version is saved: {}", slug, e.getMessage());
                }
                continue;
            }
            unreadable.remove(slug);
            current.filter(c -> c.enabled() && c.recipe().trigger().type() == runtime.type()).ifPresent(wanted::add);
        }
        return wanted;
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (TriggerRuntime runtime : runtimes) {
                try {
                    runtime.stopAll();
                } catch (RuntimeException e) {
                    log.warn("Stopping the {} trigger listeners failed: {}", runtime.type().wire(), e.toString());
                }
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** Above the run workers' phase: listeners start after them and stop taking events before they drain. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 256;
    }
}
