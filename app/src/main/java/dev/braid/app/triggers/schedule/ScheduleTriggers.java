package dev.braid.app.triggers.schedule;

import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A schedule recipe's Quartz job and its one trigger, armed for one fire time at a time: the next
 * fire time {@link dev.braid.engine.schedule.CronSchedule} computes, which {@link ScheduleFireJob}
 * re-arms with the following one when it fires. Quartz's own cron cannot say everything Braid's
 * crons say (a Unix cron's "day-of-month or day-of-week", the wall-clock times that repeat when clocks
 * go back), and catch-up and backfill enumerate with {@code CronSchedule}: one calculation for all
 * three means the live fires are exactly the times a preview shows. Quartz still gives the cluster
 * lock (one node fires each time), persistence and misfire detection.
 *
 * <p>The trigger's data holds the configuration's signature and the fire time it is armed for
 * ({@code at}); a trigger fired later than Quartz's misfire threshold fires at once
 * ({@code FIRE_NOW}) with another scheduled time, which tells the job to leave it to catch-up.
 */
@Component
public class ScheduleTriggers {

    static final String GROUP = "braid-schedule";
    static final String SIGNATURE = "signature";
    static final String AT = "at";

    private final Scheduler scheduler;
    private final JdbcClient jdbc;

    public ScheduleTriggers(Scheduler scheduler, JdbcClient jdbc) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
    }

    /**
     * The recipes whose trigger a dead node left behind, as Quartz's cluster recovery hands it back: one waiting
     * for a fire time older than {@code misfiredBefore} (the node had acquired it; Quartz's own misfire scan fires
     * it up to a misfire threshold later), or none at all (the node died while firing it: recovery deleted the
     * spent trigger). {@code armed}: the recipes this node armed. One query for all recipes, on Quartz's table.
     */
    Set<String> handedOver(Set<String> armed, Instant misfiredBefore) throws SchedulerException {
        Set<String> left = new HashSet<>(armed);
        Set<String> handedOver = new HashSet<>();
        jdbc.sql("select trigger_name, trigger_state, next_fire_time from qrtz_triggers where sched_name = ? and trigger_group = ?")
                .params(scheduler.getSchedulerName(), GROUP)
                .query(rs -> {
                    String slug = rs.getString(1);
                    if (left.remove(slug) && "WAITING".equals(rs.getString(2))
                            && rs.getLong(3) < misfiredBefore.toEpochMilli()) {
                        handedOver.add(slug);
                    }
                });
        handedOver.addAll(left);
        return handedOver;
    }

    static TriggerKey key(String slug) {
        return TriggerKey.triggerKey(slug, GROUP);
    }

    /** The signature the recipe's trigger was armed with; empty when it has none (or a spent one). */
    Optional<String> armedSignature(String slug) throws SchedulerException {
        Trigger trigger = scheduler.getTrigger(key(slug));
        if (trigger == null || trigger.getNextFireTime() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(trigger.getJobDataMap().getString(SIGNATURE));
    }

    /**
     * Arms the recipe's trigger for its first fire time after {@code after}, replacing what was armed.
     * Returns that time; empty when the cron has none left, and then the job is removed.
     */
    Optional<Instant> arm(String slug, ScheduleSettings settings, String signature, Instant after)
            throws SchedulerException {
        Optional<Instant> next = settings.next(after);
        TriggerKey key = key(slug);
        if (next.isEmpty()) {
            scheduler.deleteJob(JobKey.jobKey(slug, GROUP));
            return next;
        }
        JobDetail job = JobBuilder.newJob(ScheduleFireJob.class)
                .withIdentity(JobKey.jobKey(slug, GROUP))
                .usingJobData(ScheduleFireJob.SLUG, slug)
                .build();
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(key)
                .forJob(job)
                .usingJobData(SIGNATURE, signature)
                .usingJobData(AT, next.get().toString())
                .startAt(Date.from(next.get()))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        if (scheduler.checkExists(key)) {
            // Also from inside the job: Quartz keeps a trigger re-armed during its own execution.
            scheduler.rescheduleJob(key, trigger);
        } else {
            scheduler.scheduleJob(job, Set.of(trigger), true);
        }
        return next;
    }

    void remove(String slug) throws SchedulerException {
        scheduler.deleteJob(JobKey.jobKey(slug, GROUP));
    }
}
