package dev.braid.app.triggers.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.store.SchedulePeriods;
import dev.braid.engine.model.TriggerSettings;

/**
 * Where a schedule recipe stands, from what the cluster shares: the next fire time Quartz is armed with (its
 * job store is in PostgreSQL), the latest fire time recorded as a trigger event, and the fire times of
 * the last {@link #LOOK_BACK} that have no event — skipped while no node ran, or by a misfire that the
 * recipe's {@code catchUp} did not record (with {@code catchUp: last} only the latest of a gap is run).
 */
@Component
public class ScheduleHealth {

    /** How far back missed fire times are counted. */
    public static final Duration LOOK_BACK = Duration.ofHours(24);
    /**
     * A fire time this recent may still be being recorded: Quartz's misfire threshold (5 s) plus a take-over after
     * a node died (at most 11.5 s plus a refresh, README "Cluster"), with room to spare.
     */
    static final Duration IN_FLIGHT = Duration.ofMinutes(1);
    /** At most this many fire times are compared (a per-second cron has 86,400 a day): the latest ones. */
    static final int MAX_COMPARED = 1440;

    /** {@code nextFire} is null when nothing is armed; {@code missed} counts fire times without an event. */
    public record Status(Instant lastFire, Instant nextFire, int missed, int compared) {}

    private final Scheduler scheduler;
    private final ScheduleFires fires;
    private final JdbcClient jdbc;
    private final SchedulePeriods periods;

    public ScheduleHealth(Scheduler scheduler, ScheduleFires fires, JdbcClient jdbc, SchedulePeriods periods) {
        this.scheduler = scheduler;
        this.fires = fires;
        this.jdbc = jdbc;
        this.periods = periods;
    }

    public Status of(String slug, TriggerSettings.Schedule schedule, Instant now) throws SchedulerException {
        Trigger armed = scheduler.getTrigger(ScheduleTriggers.key(slug));
        Instant next = null;
        if (armed != null && armed.getNextFireTime() != null) {
            String at = armed.getJobDataMap().getString(ScheduleTriggers.AT);
            next = at != null ? Instant.parse(at) : armed.getNextFireTime().toInstant();
        }
        Instant last = fires.lastFireTime(slug).orElse(null);
        // Only since the schedule's current stretch began (its last enable or new version): a disabled recipe
        // misses nothing, and the fire times of earlier stretches are catch-up's (schedule_periods).
        Instant saved = periods.at(slug, now).map(SchedulePeriods.Period::from).orElse(now);
        Instant from = saved.isAfter(now.minus(LOOK_BACK)) ? saved : now.minus(LOOK_BACK);
        Instant upTo = now.minus(IN_FLIGHT);
        if (!upTo.isAfter(from)) {
            return new Status(last, next, 0, 0);
        }
        List<Instant> due = ScheduleSettings.of(schedule).latestFireTimes(from, upTo, MAX_COMPARED);
        if (due.isEmpty()) {
            return new Status(last, next, 0, 0);
        }
        Set<String> recorded = new HashSet<>(jdbc.sql("""
                select idempotency_key from trigger_events
                 where recipe = ? and payload ->> 'type' = 'schedule' and idempotency_key between ? and ?""")
                .params(slug, ScheduleSettings.key(due.getFirst()), ScheduleSettings.key(due.getLast()))
                .query(String.class).list());
        int missed = 0;
        for (Instant at : due) {
            if (!recorded.contains(ScheduleSettings.key(at))) {
                missed++;
            }
        }
        return new Status(last, next, missed, due.size());
    }
}
