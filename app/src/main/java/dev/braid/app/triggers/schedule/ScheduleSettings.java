package dev.braid.app.triggers.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.model.TriggerSettings.Schedule.CatchUp;
import dev.braid.engine.schedule.CronSchedule;

/**
 * A recipe's {@code schedule:} settings (ARCHITECTURE §2), already validated by the parser: {@code cron}
 * in any dialect {@link CronSchedule} reads, {@code timezone} (default UTC) and {@code catchUp}
 * (default {@code last}). Every fire time — the live one Quartz is armed with, catch-up and backfill —
 * comes from the same {@link CronSchedule#next}, so they agree to the second.
 */
public record ScheduleSettings(CronSchedule cron, ZoneId zone, CatchUp catchUp) {

    /**
     * @throws dev.braid.engine.schedule.InvalidCron for a cron stored before it was checked at save
     */
    public static ScheduleSettings of(TriggerSettings.Schedule schedule) {
        return new ScheduleSettings(CronSchedule.parse(schedule.cron()), schedule.timezone(), schedule.catchUp());
    }

    /**
     * The settings of a recipe's trigger, which must be a schedule.
     *
     * @throws dev.braid.engine.schedule.InvalidCron for a cron stored before it was checked at save
     */
    public static ScheduleSettings of(Trigger trigger) {
        if (!(trigger.settings() instanceof TriggerSettings.Schedule schedule)) {
            throw new IllegalArgumentException("Not a schedule trigger: " + trigger.type().wire());
        }
        return of(schedule);
    }

    /** The first fire time after {@code after}; empty when the cron has none left (its years are over). */
    public Optional<Instant> next(Instant after) {
        return cron.next(after, zone);
    }

    /** Fire times {@code after < t <= upTo} in order, at most {@code limit} (the earliest ones). */
    public List<Instant> fireTimes(Instant after, Instant upTo, int limit) {
        List<Instant> times = new ArrayList<>();
        Optional<Instant> next = next(after);
        while (next.isPresent() && !next.get().isAfter(upTo) && times.size() < limit) {
            times.add(next.get());
            next = next(next.get());
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
        Duration window = Duration.ofMinutes(1);
        while (true) {
            Instant start = upTo.minus(window);
            boolean whole = !start.isAfter(after);
            ArrayDeque<Instant> kept = new ArrayDeque<>(limit + 1);
            Optional<Instant> next = next(whole ? after : start);
            while (next.isPresent() && !next.get().isAfter(upTo)) {
                kept.addLast(next.get());
                if (kept.size() > limit) {
                    kept.removeFirst();
                }
                next = next(next.get());
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
        return version + "|" + cron.text() + "|" + zone.getId() + "|" + catchUp.wire();
    }
}
