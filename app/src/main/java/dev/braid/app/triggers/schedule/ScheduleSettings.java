package dev.braid.app.triggers.schedule;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

import org.quartz.CronExpression;

import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.model.TriggerSettings.Schedule.CatchUp;

/**
 * A recipe's {@code schedule:} settings (DESIGN §2, typed and checked by the parser as
 * {@link TriggerSettings.Schedule}) with the fire-time arithmetic the scheduler needs: {@code cron}
 * with seconds (Quartz syntax), {@code timezone} (default UTC) and {@code catchUp} (default
 * {@code last}). Fire times are enumerated here with the same {@link CronExpression} Quartz fires by,
 * so catch-up and backfill agree with the live scheduler to the second.
 */
public record ScheduleSettings(String cron, ZoneId zone, CatchUp catchUp) {

    public static ScheduleSettings of(TriggerSettings.Schedule schedule) {
        return new ScheduleSettings(schedule.cron(), schedule.timezone(), schedule.catchUp());
    }

    /** The settings of a recipe's trigger, which must be a schedule. */
    public static ScheduleSettings of(Trigger trigger) {
        if (!(trigger.settings() instanceof TriggerSettings.Schedule schedule)) {
            throw new IllegalArgumentException("Not a schedule trigger: " + trigger.type().wire());
        }
        return of(schedule);
    }

    /** A fresh expression (CronExpression is not thread-safe). */
    public CronExpression expression() {
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(zone));
            return expression;
        } catch (ParseException e) {
            throw new IllegalArgumentException("Invalid cron '" + cron + "': " + e.getMessage(), e);
        }
    }

    /** Fire times {@code after < t <= upTo} in order, at most {@code limit} (the earliest ones). */
    public List<Instant> fireTimes(Instant after, Instant upTo, int limit) {
        CronExpression expression = expression();
        List<Instant> times = new ArrayList<>();
        Date next = expression.getNextValidTimeAfter(Date.from(after));
        while (next != null && !next.toInstant().isAfter(upTo) && times.size() < limit) {
            times.add(next.toInstant());
            next = expression.getNextValidTimeAfter(next);
        }
        return times;
    }

    /**
     * The most recent fire times {@code after < t <= upTo}, at most {@code limit}, oldest first. The
     * cron cannot be walked backwards, so it walks a window ending at {@code upTo} that grows tenfold
     * (from a minute) until it holds {@code limit} times or reaches {@code after}: a month of downtime
     * under a per-second cron costs a few hundred steps, not millions.
     */
    public List<Instant> latestFireTimes(Instant after, Instant upTo, int limit) {
        CronExpression expression = expression();
        java.time.Duration window = java.time.Duration.ofMinutes(1);
        while (true) {
            Instant start = upTo.minus(window);
            boolean whole = !start.isAfter(after);
            java.util.ArrayDeque<Instant> kept = new java.util.ArrayDeque<>(limit + 1);
            Date next = expression.getNextValidTimeAfter(Date.from(whole ? after : start));
            while (next != null && !next.toInstant().isAfter(upTo)) {
                kept.addLast(next.toInstant());
                if (kept.size() > limit) {
                    kept.removeFirst();
                }
                next = expression.getNextValidTimeAfter(next);
            }
            if (whole || kept.size() >= limit) {
                return new ArrayList<>(kept);
            }
            window = window.multipliedBy(10);
        }
    }

    /** The idempotency key of a fire time: the scheduled instant in UTC, e.g. {@code 2026-11-29T03:00:00Z}. */
    public static String key(Instant scheduledAt) {
        return scheduledAt.atOffset(ZoneOffset.UTC).toInstant().toString();
    }

    /** What identifies a Quartz trigger's configuration: a change of any of these replaces it. */
    public String signature(int version) {
        return version + "|" + cron + "|" + zone.getId() + "|" + catchUp.wire();
    }
}
