package dev.braid.app.triggers.schedule;

import java.time.Instant;

import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * What Quartz runs at a recipe's fire time, on the one node whose scheduler acquired the trigger.
 * Catches up fire times missed since the last recorded one first (a fire skipped by Quartz's misfire
 * handling, or a gap in the cluster), then records this one. Spring's job factory builds it with
 * its dependencies.
 */
public class ScheduleFireJob implements Job {

    static final String SLUG = "slug";

    private final ScheduleFires fires;

    public ScheduleFireJob(ScheduleFires fires) {
        this.fires = fires;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        String slug = context.getMergedJobDataMap().getString(SLUG);
        Instant scheduledAt = context.getScheduledFireTime().toInstant();
        Instant firedAt = context.getFireTime().toInstant();
        String firedBy;
        try {
            firedBy = context.getScheduler().getSchedulerInstanceId();
        } catch (SchedulerException e) {
            firedBy = "unknown";
        }
        try {
            fires.catchUp(slug, scheduledAt.minusMillis(1), firedBy);
            fires.fire(slug, scheduledAt, firedAt, firedBy);
        } catch (RuntimeException e) {
            // Quartz only logs a failed job; the fire time is lost unless a later catch-up records it.
            throw new JobExecutionException("Recording fire time " + scheduledAt + " of recipe " + slug + " failed", e);
        }
    }
}
