package dev.braid.app.triggers.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.braid.engine.model.TriggerSettings.Schedule.CatchUp;

/**
 * Which fire times of one stretch of enabled time ({@code from < t <= until}, see
 * {@link dev.braid.app.store.SchedulePeriods}) catch-up records: those after the latest fire time recorded in
 * the stretch (or after its start), up to the earlier of its end and now, cut by the stretch's {@code catchUp}
 * — {@code none} nothing, {@code last} the most recent, {@code all} each, at most {@code maxCatchUp} (the most
 * recent). The stretch, not the recipe's present state, decides: a fire time that fell due while the recipe
 * was enabled is caught up after it was disabled or changed. Pure apart from the clock, which says "now".
 */
final class MissedFireTimes {

    /** The fire times to record, oldest first, and whether older ones were left out by the cap. */
    record Missed(List<Instant> times, boolean capped) {
        static final Missed NONE = new Missed(List.of(), false);
    }

    private final Clock clock;
    private final int maxCatchUp;

    MissedFireTimes(Clock clock, int maxCatchUp) {
        this.clock = clock;
        this.maxCatchUp = maxCatchUp;
    }

    /** The missed fire times of the stretch until now. */
    Missed of(ScheduleSettings settings, Instant from, Instant until, Optional<Instant> lastRecorded) {
        return of(settings, from, until, lastRecorded, clock.instant());
    }

    /**
     * The missed fire times of the stretch up to {@code upTo} (a live fire catches up what lies before its own
     * time). {@code until} is null while the stretch is open; {@code lastRecorded} is the latest fire time of the
     * stretch that has an event.
     */
    Missed of(ScheduleSettings settings, Instant from, Instant until, Optional<Instant> lastRecorded, Instant upTo) {
        if (settings.catchUp() == CatchUp.NONE) {
            return Missed.NONE;
        }
        Instant after = lastRecorded.filter(from::isBefore).orElse(from);
        Instant end = until == null || upTo.isBefore(until) ? upTo : until;
        if (!end.isAfter(after)) {
            return Missed.NONE;
        }
        int keep = settings.catchUp() == CatchUp.LAST ? 1 : maxCatchUp;
        // One more than kept, to tell whether older ones were left out.
        List<Instant> missed = settings.latestFireTimes(after, end, keep + 1);
        if (missed.size() > keep) {
            return new Missed(missed.subList(missed.size() - keep, missed.size()), settings.catchUp() == CatchUp.ALL);
        }
        return new Missed(missed, false);
    }

    /** Whether {@code at} is one of the cron's fire times (a trigger armed under another version's cron is not). */
    static boolean isFireTime(ScheduleSettings settings, Instant at) {
        return settings.next(at.minusSeconds(1)).filter(at::equals).isPresent();
    }
}
