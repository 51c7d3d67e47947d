package dev.braid.app.triggers.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerRuntime;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.schedule.CronSchedule;

/**
 * Runs a poll loop per enabled poll recipe on this node: every {@code every} (after the previous poll
 * ended) or at each {@code cron} time (UTC). Every node runs the loops; {@link PollCycle} lets one
 * node at a time poll a recipe (advisory lock) and only once per interval across the cluster. A new
 * recipe version restarts the loop; the cursor is the recipe's and carries over.
 */
@Component
public class PollRuntime implements TriggerRuntime {

    private static final Logger log = LoggerFactory.getLogger(PollRuntime.class);

    private final PollCycle cycle;
    private final RecipeCatalog catalog;
    private final Clock clock;
    private final int threads;
    private final Map<String, Loop> loops = new HashMap<>();
    private ScheduledExecutorService executor;

    public PollRuntime(PollCycle cycle, RecipeCatalog catalog, Clock clock, BraidProperties properties) {
        this.cycle = cycle;
        this.catalog = catalog;
        this.clock = clock;
        this.threads = properties.poll().threads();
    }

    @Override
    public Trigger.Type type() {
        return Trigger.Type.POLL;
    }

    @Override
    public synchronized void reconcile(Collection<RecipeCatalog.Current> wanted) {
        Set<String> slugs = new HashSet<>();
        for (RecipeCatalog.Current recipe : wanted) {
            slugs.add(recipe.slug());
            Loop running = loops.get(recipe.slug());
            if (running != null && running.version == recipe.version()) {
                continue;
            }
            if (running != null) {
                running.cancel();
            }
            loops.put(recipe.slug(), start(recipe));
        }
        loops.entrySet().removeIf(e -> {
            if (!slugs.contains(e.getKey())) {
                e.getValue().cancel();
                log.info("Recipe {}: polling stopped", e.getKey());
                return true;
            }
            return false;
        });
    }

    @Override
    public synchronized void stopAll() {
        loops.values().forEach(Loop::cancel);
        loops.clear();
        if (executor != null) {
            executor.shutdown(); // a poll in progress commits or rolls back on its own
            executor = null;
        }
    }

    private Loop start(RecipeCatalog.Current recipe) {
        if (executor == null) {
            executor = Executors.newScheduledThreadPool(threads, r -> Thread.ofPlatform().name("braid-poll").daemon().unstarted(r));
        }
        TriggerSettings.Poll settings = (TriggerSettings.Poll) recipe.recipe().trigger().settings();
        Loop loop = new Loop(recipe.slug(), recipe.version(), settings);
        loop.first();
        log.info("Recipe {}: polling {}", recipe.slug(), settings.every() != null ? "every " + settings.every()
                : "at '" + settings.cron() + "' (UTC)");
        return loop;
    }

    /** One recipe's loop; {@code cancelled} stops it between polls (a running poll finishes). */
    private final class Loop {
        final String slug;
        final int version;
        final TriggerSettings.Poll settings;
        final CronSchedule cron;
        volatile boolean cancelled;
        volatile ScheduledFuture<?> next;
        /** The cron time this poll is for; null with {@code every}. */
        volatile Instant due;

        Loop(String slug, int version, TriggerSettings.Poll settings) {
            this.slug = slug;
            this.version = version;
            this.settings = settings;
            this.cron = settings.cron() == null ? null : CronSchedule.parse(settings.cron());
        }

        /** {@code every} polls at once (then after each interval); {@code cron} waits for its first time. */
        void first() {
            if (cron == null) {
                schedule(Duration.ZERO);
            } else {
                scheduleCron();
            }
        }

        void scheduleCron() {
            due = cron.next(clock.instant(), ZoneOffset.UTC).orElse(null);
            if (due != null) {
                schedule(Duration.between(clock.instant(), due));
            }
        }

        void schedule(Duration delay) {
            if (!cancelled) {
                next = executor.schedule(this::run, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            }
        }

        void run() {
            if (cancelled) {
                return;
            }
            Instant now = clock.instant();
            try {
                RecipeCatalog.Current recipe = catalog.current(slug).orElse(null);
                if (recipe != null && recipe.enabled() && recipe.version() == version) {
                    // Another node polled within 90% of the interval (or for this cron time): not due yet.
                    Instant notBefore = settings.every() != null
                            ? now.minus(settings.every().multipliedBy(9).dividedBy(10))
                            : (due == null ? null : due.minusMillis(1));
                    PollCycle.Outcome outcome = cycle.poll(recipe, notBefore);
                    if (!outcome.skipped() && outcome.rows() > 0) {
                        log.debug("Recipe {}: polled {} row(s), {} new, {} run(s), cursor {}", slug, outcome.rows(),
                                outcome.newEvents(), outcome.runs(), outcome.cursor());
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Recipe {}: poll failed, trying again at the next interval: {}", slug, e.getMessage());
            }
            if (settings.every() != null) {
                schedule(settings.every());
            } else {
                scheduleCron();
            }
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> n = next;
            if (n != null) {
                n.cancel(false);
            }
        }
    }
}
