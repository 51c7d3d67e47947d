package dev.braid.app.triggers.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerRuntime;

/**
 * Keeps Quartz's jobs (in PostgreSQL, shared by the cluster) in step with the enabled schedule
 * recipes: one job and one trigger per recipe in group {@value ScheduleTriggers#GROUP}, armed for the
 * next fire time (see {@link ScheduleTriggers} for why one fire time at a time), re-armed when the
 * recipe's version, cron, time zone or catch-up changes, deleted when it is disabled or gone. Every
 * node reconciles; a trigger whose stored signature already matches is left alone, so nodes agree
 * without coordination and a replacement by two nodes at once writes the same thing twice.
 *
 * <p>A fire later than the misfire threshold is left to Braid's catch-up ({@link ScheduleFires#catchUp}),
 * which knows {@code none}, {@code last} and {@code all} and records scheduled (not actual) fire
 * times of the stretches the recipe was enabled ({@link dev.braid.app.store.SchedulePeriods}). Catch-up runs
 * when this node first sees a recipe version (at start, after downtime), before every fire, and at every
 * refresh for the stretches that ended (a disable or a save) before their fire times were all recorded — so
 * fire times missed while the firing node was dead run even when the recipe is disabled before Quartz hands
 * its trigger over. Every {@value #SWEEP_SECONDS} s the node also re-arms a trigger that lost its
 * next fire time (a node that died while firing it).
 *
 * <p>A stored cron that cannot be scheduled (saved before crons were checked at save) is reported
 * once per recipe version, not at every refresh.
 */
@Component
public class ScheduleRuntime implements TriggerRuntime {

    static final String GROUP = ScheduleTriggers.GROUP;
    static final long SWEEP_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(ScheduleRuntime.class);

    private final Scheduler scheduler;
    private final ScheduleTriggers triggers;
    private final ScheduleFires fires;
    private final Clock clock;
    /** What this node has reconciled (and caught up) or reported, by slug: version and settings. */
    private final Map<String, String> known = new HashMap<>();
    /** Trigger signatures of the recipes in {@link #known} that have a next fire time. */
    private final Map<String, String> armed = new HashMap<>();
    /** The version and settings whose scheduling failure was logged with its stack trace, by slug. */
    private final Map<String, String> reported = new HashMap<>();
    private Instant nextSweep = Instant.MIN;
    /** Quartz's misfire threshold: a trigger waiting longer than this for its fire time was handed over. */
    private final Duration misfireThreshold;

    public ScheduleRuntime(Scheduler scheduler, ScheduleTriggers triggers, ScheduleFires fires, Clock clock,
                           @Value("${spring.quartz.properties.org.quartz.jobStore.misfireThreshold:60000}") long misfireMillis) {
        this.scheduler = scheduler;
        this.triggers = triggers;
        this.fires = fires;
        this.clock = clock;
        this.misfireThreshold = Duration.ofMillis(misfireMillis);
    }

    @Override
    public dev.braid.engine.model.Trigger.Type type() {
        return dev.braid.engine.model.Trigger.Type.SCHEDULE;
    }

    @Override
    public synchronized void reconcile(Collection<RecipeCatalog.Current> wanted) {
        Set<String> slugs = new HashSet<>();
        Instant now = clock.instant();
        boolean sweep = !now.isBefore(nextSweep);
        Set<String> handedOver = handedOver(now);
        for (RecipeCatalog.Current recipe : wanted) {
            slugs.add(recipe.slug());
            String seen = recipe.version() + "|" + recipe.recipe().trigger().settings();
            if (seen.equals(known.get(recipe.slug()))) {
                if (handedOver.contains(recipe.slug()) && armed.containsKey(recipe.slug())) {
                    takeOver(recipe);
                } else if (sweep && armed.containsKey(recipe.slug())) {
                    rearmIfLost(recipe, armed.get(recipe.slug()));
                }
                continue;
            }
            ScheduleSettings settings;
            try {
                settings = ScheduleSettings.of(recipe.recipe().trigger());
            } catch (IllegalArgumentException | java.time.DateTimeException e) { // InvalidCron, an unknown zone
                log.warn("Recipe {} version {}: its schedule cannot run and is left out until a corrected version is "
                        + "saved: {}", recipe.slug(), recipe.version(), e.getMessage());
                remove(recipe.slug());
                known.put(recipe.slug(), seen);
                armed.remove(recipe.slug());
                continue;
            }
            try {
                String signature = settings.signature(recipe.version());
                boolean scheduled = triggers.armedSignature(recipe.slug()).filter(signature::equals).isPresent();
                if (!scheduled) {
                    Optional<Instant> next = triggers.arm(recipe.slug(), settings, signature, now);
                    scheduled = next.isPresent();
                    if (next.isEmpty()) {
                        log.warn("Recipe {} version {}: '{}' has no fire time after {}; nothing scheduled",
                                recipe.slug(), recipe.version(), settings.cron(), now);
                    } else {
                        log.info("Recipe {}: scheduled '{}' in {} (catchUp: {}), next at {}", recipe.slug(),
                                settings.cron(), settings.zone(), settings.catchUp().wire(), next.get());
                    }
                }
                fires.catchUp(recipe.slug(), now, instanceId());
                known.put(recipe.slug(), seen);
                reported.remove(recipe.slug());
                if (scheduled) {
                    armed.put(recipe.slug(), signature);
                } else {
                    armed.remove(recipe.slug());
                }
            } catch (SchedulerException | RuntimeException e) {
                // Tried again at every refresh (the database may be back); the stack trace once per version.
                if (!seen.equals(reported.put(recipe.slug(), seen))) {
                    log.warn("Recipe {}: scheduling failed, trying again at every refresh: {}", recipe.slug(), e.toString(), e);
                }
            }
        }
        if (sweep) {
            nextSweep = now.plus(Duration.ofSeconds(SWEEP_SECONDS));
        }
        try {
            // Fire times that fell due in a stretch that has ended since (disabled or saved again, maybe while
            // the node firing it was dead): the recipe is no longer armed, so nothing else would record them.
            fires.catchUpClosed(instanceId());
        } catch (RuntimeException e) {
            log.warn("Catching up the fire times of disabled or changed schedules failed, trying again at the next "
                    + "refresh: {}", e.toString());
        }
        known.keySet().retainAll(slugs);
        armed.keySet().retainAll(slugs);
        reported.keySet().retainAll(slugs);
        try {
            for (JobKey job : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                if (!slugs.contains(job.getName())) {
                    scheduler.deleteJob(job);
                    log.info("Recipe {}: schedule removed", job.getName());
                }
            }
        } catch (SchedulerException e) {
            log.warn("Removing schedules of disabled recipes failed: {}", e.toString());
        }
    }

    /**
     * A trigger left without a next fire time (its node died while firing it), or re-armed with an
     * older configuration by a fire racing a change, is armed again; catch-up fills the gap.
     */
    private void rearmIfLost(RecipeCatalog.Current recipe, String signature) {
        try {
            if (!triggers.armedSignature(recipe.slug()).filter(signature::equals).isPresent()) {
                ScheduleSettings settings = ScheduleSettings.of(recipe.recipe().trigger());
                Instant now = clock.instant();
                fires.catchUp(recipe.slug(), now, instanceId());
                triggers.arm(recipe.slug(), settings, settings.signature(recipe.version()), now);
                log.info("Recipe {}: its schedule had no next fire time; armed again", recipe.slug());
            }
        } catch (SchedulerException | RuntimeException e) {
            log.warn("Recipe {}: checking its schedule failed: {}", recipe.slug(), e.toString());
        }
    }

    /** The recipes whose trigger Quartz's cluster recovery handed back from a dead node, still to be fired. */
    private Set<String> handedOver(Instant now) {
        try {
            if (scheduler.isInStandbyMode() || armed.isEmpty()) {
                return Set.of(); // a node whose scheduler stands by fires nothing, not even a take-over
            }
            return triggers.handedOver(armed.keySet(), now.minus(misfireThreshold));
        } catch (SchedulerException | RuntimeException e) {
            log.warn("Looking for schedules handed over by a dead node failed: {}", e.toString());
            return Set.of();
        }
    }

    /**
     * A trigger handed back by Quartz's cluster recovery waits for a fire time that is long past until Quartz's
     * next misfire scan (up to its misfire threshold later), and one a dead node was firing is gone until the
     * {@value #SWEEP_SECONDS} s sweep: catch up the gap now and arm the next fire time. (A trigger merely fired
     * late on a busy node, or lost when its re-arm failed, is treated the same, as Quartz's misfire scan would.)
     * A node racing this (the misfire scan, or another node doing the same) records the same fire times, which
     * are keys, and arms the same next time.
     */
    private void takeOver(RecipeCatalog.Current recipe) {
        try {
            ScheduleSettings settings = ScheduleSettings.of(recipe.recipe().trigger());
            Instant now = clock.instant();
            int caughtUp = fires.catchUp(recipe.slug(), now, instanceId());
            if (triggers.arm(recipe.slug(), settings, settings.signature(recipe.version()), now).isEmpty()) {
                armed.remove(recipe.slug()); // its cron's years are over: nothing left to arm
            }
            log.info("Recipe {}: its trigger was left unfired past the misfire threshold or lost (a dead node's, handed "
                    + "back by Quartz); {} missed fire time(s) caught up, armed again", recipe.slug(), caughtUp);
        } catch (SchedulerException | RuntimeException e) {
            log.warn("Recipe {}: taking its schedule over failed: {}", recipe.slug(), e.toString());
        }
    }

    private void remove(String slug) {
        try {
            triggers.remove(slug);
        } catch (SchedulerException e) {
            log.warn("Recipe {}: removing its schedule failed: {}", slug, e.toString());
        }
    }

    private String instanceId() {
        try {
            return scheduler.getSchedulerInstanceId();
        } catch (SchedulerException e) {
            return "unknown";
        }
    }

    /** Quartz's jobs stay in the database for the other nodes; this node's scheduler stops with the context. */
    @Override
    public synchronized void stopAll() {
        known.clear();
        armed.clear();
        reported.clear();
    }
}
