package dev.braid.app.triggers.schedule;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerRuntime;

/**
 * Keeps Quartz's jobs (in PostgreSQL, shared by the cluster) in step with the enabled schedule
 * recipes: one job and one cron trigger per recipe in group {@value #GROUP}, replaced when the
 * recipe's version, cron, time zone or catch-up changes, deleted when it is disabled or gone. Every
 * node reconciles; a trigger whose stored signature already matches is left alone, so nodes agree
 * without coordination and a replacement by two nodes at once writes the same thing twice.
 *
 * <p>Quartz's misfire instruction is {@code DO_NOTHING}: a fire time later than the misfire threshold
 * is left to Braid's catch-up ({@link ScheduleFires#catchUp}), which knows {@code none}, {@code last}
 * and {@code all} and records scheduled (not actual) fire times. Catch-up runs when this node first
 * sees a recipe version (at start, after downtime) and before every fire.
 */
@Component
public class ScheduleRuntime implements TriggerRuntime {

    static final String GROUP = "braid-schedule";
    private static final String SIGNATURE = "signature";
    private static final Logger log = LoggerFactory.getLogger(ScheduleRuntime.class);

    private final Scheduler scheduler;
    private final ScheduleFires fires;
    private final java.time.Clock clock;
    /** Signatures this node has reconciled (and caught up), by slug. */
    private final Map<String, String> known = new HashMap<>();

    public ScheduleRuntime(Scheduler scheduler, ScheduleFires fires, java.time.Clock clock) {
        this.scheduler = scheduler;
        this.fires = fires;
        this.clock = clock;
    }

    @Override
    public dev.braid.engine.model.Trigger.Type type() {
        return dev.braid.engine.model.Trigger.Type.SCHEDULE;
    }

    @Override
    public synchronized void reconcile(Collection<RecipeCatalog.Current> wanted) {
        Set<String> slugs = new HashSet<>();
        for (RecipeCatalog.Current recipe : wanted) {
            slugs.add(recipe.slug());
            try {
                ScheduleSettings settings = ScheduleSettings.of(recipe.recipe().trigger());
                String signature = settings.signature(recipe.version());
                if (signature.equals(known.get(recipe.slug()))) {
                    continue;
                }
                ensureScheduled(recipe.slug(), settings, signature);
                fires.catchUp(recipe.slug(), clock.instant(), instanceId());
                known.put(recipe.slug(), signature);
            } catch (SchedulerException | RuntimeException e) {
                log.warn("Recipe {}: scheduling failed, trying again at the next refresh: {}", recipe.slug(), e.toString(), e);
            }
        }
        known.keySet().retainAll(slugs);
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

    private void ensureScheduled(String slug, ScheduleSettings settings, String signature) throws SchedulerException {
        TriggerKey key = TriggerKey.triggerKey(slug, GROUP);
        Trigger existing = scheduler.getTrigger(key);
        if (existing != null && signature.equals(existing.getJobDataMap().getString(SIGNATURE))) {
            return;
        }
        JobDetail job = JobBuilder.newJob(ScheduleFireJob.class)
                .withIdentity(JobKey.jobKey(slug, GROUP))
                .usingJobData(ScheduleFireJob.SLUG, slug)
                .build();
        CronTrigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(key)
                .forJob(job)
                .usingJobData(SIGNATURE, signature)
                .withSchedule(CronScheduleBuilder.cronSchedule(settings.expression())
                        .withMisfireHandlingInstructionDoNothing())
                .build();
        scheduler.scheduleJob(job, Set.of(trigger), true);
        log.info("Recipe {}: scheduled '{}' in {} (catchUp: {})", slug, settings.cron(), settings.zone(), settings.catchUp().wire());
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
    }
}
