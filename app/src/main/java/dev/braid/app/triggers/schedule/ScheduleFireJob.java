package dev.braid.app.triggers.schedule;

import java.time.Instant;
import java.util.Optional;

import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.engine.model.Trigger;

/**
 * What Quartz runs at a recipe's fire time, on the one node whose scheduler acquired the trigger.
 * Catches up fire times missed since the last recorded one first (a fire Quartz found too late, or a
 * gap in the cluster), then records this one, then arms the trigger for the next fire time (see
 * {@link ScheduleTriggers}). A fire later than the misfire threshold (Quartz fired it now instead of
 * at its time) is left to the catch-up policy. Spring's job factory builds it with its dependencies.
 */
public class ScheduleFireJob implements Job {

    static final String SLUG = "slug";
    private static final Logger log = LoggerFactory.getLogger(ScheduleFireJob.class);

    private final ScheduleFires fires;
    private final ScheduleTriggers triggers;
    private final RecipeCatalog catalog;

    public ScheduleFireJob(ScheduleFires fires, ScheduleTriggers triggers, RecipeCatalog catalog) {
        this.fires = fires;
        this.triggers = triggers;
        this.catalog = catalog;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        String slug = context.getMergedJobDataMap().getString(SLUG);
        String at = context.getTrigger().getJobDataMap().getString(ScheduleTriggers.AT);
        String firedSignature = context.getTrigger().getJobDataMap().getString(ScheduleTriggers.SIGNATURE);
        Instant quartzTime = context.getScheduledFireTime().toInstant();
        // A trigger not armed by ScheduleTriggers (no 'at') fires at its own scheduled times.
        Instant scheduledAt = at == null ? quartzTime : Instant.parse(at);
        boolean late = !scheduledAt.equals(quartzTime);
        Instant firedAt = context.getFireTime().toInstant();
        String firedBy;
        try {
            firedBy = context.getScheduler().getSchedulerInstanceId();
        } catch (SchedulerException e) {
            firedBy = "unknown";
        }
        try {
            if (late) {
                fires.catchUp(slug, firedAt, firedBy);
            } else {
                fires.catchUp(slug, scheduledAt.minusMillis(1), firedBy);
                fires.fire(slug, scheduledAt, firedAt, firedBy);
            }
        } catch (RuntimeException e) {
            // Quartz only logs a failed job; the fire time is lost unless a later catch-up records it.
            throw new JobExecutionException("Recording fire time " + scheduledAt + " of recipe " + slug + " failed", e);
        } finally {
            if (at != null) {
                rearm(slug, firedSignature, late ? firedAt : scheduledAt);
            }
        }
    }

    /** Arms the next fire time of the recipe's current version, unless a change replaced the trigger meanwhile. */
    private void rearm(String slug, String firedSignature, Instant after) {
        try {
            Optional<String> armed = triggers.armedSignature(slug);
            if (armed.isPresent() && !armed.get().equals(firedSignature)) {
                return; // a new version was armed while this fire ran
            }
            Optional<RecipeCatalog.Current> current = catalog.current(slug)
                    .filter(c -> c.enabled() && c.recipe().trigger().type() == Trigger.Type.SCHEDULE);
            if (current.isEmpty()) {
                return; // disabled or gone: the reconciler removes the job
            }
            ScheduleSettings settings = ScheduleSettings.of(current.get().recipe().trigger());
            triggers.arm(slug, settings, settings.signature(current.get().version()), after);
        } catch (SchedulerException | RuntimeException e) {
            // The reconciler's sweep arms it again within ScheduleRuntime.SWEEP_SECONDS; catch-up fills the gap.
            log.warn("Recipe {}: arming the next fire time after {} failed: {}", slug, after, e.toString());
        }
    }
}
