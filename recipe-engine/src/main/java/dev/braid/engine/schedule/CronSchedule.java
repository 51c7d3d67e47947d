package dev.braid.engine.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A schedule trigger's {@code cron} (ARCHITECTURE §11 "Cron dialects"): the one place that reads it and
 * the one that says when it fires — the parser checks a recipe with it, and the app's scheduler,
 * catch-up and backfill enumerate fire times with it, so what is saved fires exactly as computed.
 *
 * <p>Dialects, told apart by the number of fields:
 * <ul>
 * <li>5 fields, Unix: {@code minute hour day-of-month month day-of-week}; weekdays 0-7 (0 and 7 are
 * Sunday) or SUN-SAT; when both day fields are restricted a day matching <em>either</em> fires.</li>
 * <li>6 fields, Spring: a leading {@code second}, then as Unix, except a day must match <em>both</em>
 * restricted day fields; {@code ?}, {@code L}, {@code W} and {@code #} as in Quartz.</li>
 * <li>7 fields, Quartz: seconds first, a year last, weekdays 1-7 from Sunday; one day field must be
 * {@code ?} or {@code *}.</li>
 * <li>{@code @yearly} ({@code @annually}), {@code @monthly}, {@code @weekly}, {@code @daily}
 * ({@code @midnight}), {@code @hourly}: their Unix equivalents.</li>
 * </ul>
 *
 * <p>Fire times are the whole-second instants whose wall-clock time in the zone matches. So across
 * daylight-saving changes a wall-clock time that is skipped (spring forward) does not fire, and one
 * that happens twice (fall back) fires twice, once per offset; an every-minute cron fires every
 * real minute. Immutable and thread-safe.
 */
public final class CronSchedule {

    public enum Dialect { UNIX, SECONDS, QUARTZ, MACRO }

    /** Fire times are computed up to this year; a cron that matches no date before it never fires. */
    static final int LAST_YEAR = 2199;
    private static final int FIRST_YEAR = 1970;

    static final String FORMS = "a cron has 5 fields (minute hour day-of-month month day-of-week, e.g. `0 2 * * *` "
            + "for 02:00 every day), 6 with seconds first (`0 0 2 * * *`), 7 in Quartz form with a year last "
            + "(`0 0 2 ? * MON-FRI 2027`), or is one of @hourly, @daily, @weekly, @monthly, @yearly";

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final List<String> NAMES = List.of("second", "minute", "hour", "day-of-month", "month",
            "day-of-week", "year");

    private final String text;
    private final Dialect dialect;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet months;
    private final CronDays days;
    /** Years allowed, as offsets from {@value #FIRST_YEAR}; null when any year. */
    private final BitSet years;

    private CronSchedule(String text, Dialect dialect, String[] f) {
        this.text = text;
        this.dialect = dialect;
        boolean unix = f.length == 5;
        int i = unix ? 0 : 1;
        this.seconds = unix ? single(0) : new CronField("second", 0, 59, List.of()).parse(f[0]);
        this.minutes = new CronField("minute", 0, 59, List.of()).parse(f[i]);
        this.hours = new CronField("hour", 0, 23, List.of()).parse(f[i + 1]);
        this.months = new CronField("month", 1, 12, CronField.MONTHS).parse(f[i + 3]);
        boolean quartz = f.length == 7;
        this.days = new CronDays(f[i + 2], f[i + 4], quartz, !unix, unix ? CronDays.Both.EITHER : CronDays.Both.BOTH);
        if (quartz && days.restrictsBoth()) {
            throw new InvalidCron("a Quartz cron cannot restrict both day-of-month and day-of-week; put ? in one of "
                    + "them, e.g. `" + with(f, 5, "?") + "` or `" + with(f, 3, "?") + "`");
        }
        if (quartz && !CronField.unrestricted(f[6])) {
            BitSet offsets = new BitSet();
            BitSet allowed = new CronField("year", FIRST_YEAR, LAST_YEAR, List.of()).parse(f[6]);
            for (int y = allowed.nextSetBit(0); y >= 0; y = allowed.nextSetBit(y + 1)) {
                offsets.set(y - FIRST_YEAR);
            }
            this.years = offsets;
        } else {
            this.years = null;
        }
    }

    /**
     * Reads a cron in any of the dialects and checks that it can fire at all.
     *
     * @throws InvalidCron with what is wrong and a corrected example
     */
    public static CronSchedule parse(String cron) {
        String text = cron == null ? "" : cron.strip();
        if (text.startsWith("@")) {
            String unix = MACROS.get(text.toLowerCase(Locale.ROOT));
            if (unix == null) {
                throw new InvalidCron("'" + text + "' is not a cron macro; " + FORMS);
            }
            return checked(new CronSchedule(text, Dialect.MACRO, unix.split(" ")));
        }
        String[] fields = text.isEmpty() ? new String[0] : text.split("\\s+");
        if (fields.length < 5 || fields.length > 7) {
            throw new InvalidCron("'" + text + "' has " + fields.length + " field" + (fields.length == 1 ? "" : "s")
                    + "; " + FORMS);
        }
        Dialect dialect = switch (fields.length) {
            case 5 -> Dialect.UNIX;
            case 6 -> Dialect.SECONDS;
            default -> Dialect.QUARTZ;
        };
        int first = fields.length == 5 ? 1 : 0;
        for (int i = 0; i < fields.length; i++) {
            String name = NAMES.get(i + first);
            if (fields[i].contains("?") && !name.startsWith("day-of")) {
                throw new InvalidCron("'" + text + "': ? stands only in day-of-month or day-of-week, not in the "
                        + name + " field; use * there");
            }
        }
        if (dialect == Dialect.SECONDS && fields[3].equals("?") && fields[5].replaceAll("#.*", "").matches(".*[0-9].*")) {
            // Quartz counts weekdays from 1 = Sunday, Spring and Unix from 1 = Monday: a number here would
            // silently fire a day off for whoever wrote it the Quartz way.
            throw new InvalidCron("'" + text + "': write the day-of-week of a 6-field cron with names such as "
                    + "MON-FRI (in 6 fields 1 is Monday as in Unix; in Quartz 1 is Sunday), e.g. `"
                    + with(fields, 5, "MON-FRI") + "`");
        }
        try {
            return checked(new CronSchedule(text, dialect, fields));
        } catch (InvalidCron e) {
            if (e.getMessage().startsWith("'" + text + "'")) {
                throw e;
            }
            throw new InvalidCron("'" + text + "': " + e.getMessage() + (e.getMessage().contains("`") ? "" : "; " + FORMS));
        }
    }

    private static CronSchedule checked(CronSchedule schedule) {
        if (schedule.nextDate(LocalDate.of(FIRST_YEAR, 1, 1), LocalDate.of(LAST_YEAR, 12, 31)) == null) {
            throw new InvalidCron("'" + schedule.text + "' never fires: no date matches its day-of-month, month"
                    + (schedule.dialect == Dialect.QUARTZ ? ", day-of-week and year" : " and day-of-week")
                    + " (February has 28 or 29 days, April, June, September and November 30); for the last day of "
                    + "a month use L, e.g. `0 0 0 L 2 ?`");
        }
        return schedule;
    }

    private static String with(String[] fields, int index, String value) {
        String[] copy = fields.clone();
        copy[index] = value;
        return String.join(" ", copy);
    }

    private static BitSet single(int value) {
        BitSet set = new BitSet();
        set.set(value);
        return set;
    }

    public String text() {
        return text;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * The first fire time strictly after {@code after} in {@code zone}, empty when there is none (the
     * cron's years are over). Walks the periods of constant UTC offset: within one, wall-clock time
     * runs with the instant, so the first matching wall-clock time in it is the answer.
     */
    public Optional<Instant> next(Instant after, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        Instant from = after.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
        LocalDate last = LocalDate.of(LAST_YEAR, 12, 31);
        while (true) {
            ZoneOffset offset = rules.getOffset(from);
            ZoneOffsetTransition transition = rules.nextTransition(from);
            LocalDateTime start = LocalDateTime.ofEpochSecond(from.getEpochSecond(), 0, offset);
            if (start.toLocalDate().isAfter(last)) {
                return Optional.empty();
            }
            LocalDateTime end = transition == null ? null
                    : LocalDateTime.ofEpochSecond(transition.toEpochSecond(), 0, offset);
            LocalDateTime found = nextLocal(start, end, last);
            if (found != null) {
                return Optional.of(found.toInstant(offset));
            }
            if (transition == null) {
                return Optional.empty();
            }
            from = transition.getInstant();
        }
    }

    /** The first matching wall-clock time at or after {@code start} and before {@code end} (null: no end). */
    private LocalDateTime nextLocal(LocalDateTime start, LocalDateTime end, LocalDate last) {
        LocalDate limit = end == null || end.toLocalDate().isAfter(last) ? last : end.toLocalDate();
        LocalDate date = start.toLocalDate();
        LocalTime earliest = start.toLocalTime();
        while (true) {
            date = nextDate(date, limit);
            if (date == null) {
                return null;
            }
            LocalTime time = nextTime(date.equals(start.toLocalDate()) ? earliest : LocalTime.MIDNIGHT);
            if (time != null) {
                LocalDateTime candidate = date.atTime(time);
                return end == null || candidate.isBefore(end) ? candidate : null;
            }
            date = date.plusDays(1);
        }
    }

    /** The first matching date from {@code date} to {@code limit}, both included. */
    private LocalDate nextDate(LocalDate date, LocalDate limit) {
        while (!date.isAfter(limit)) {
            if (date.getYear() < FIRST_YEAR) {
                date = LocalDate.of(FIRST_YEAR, 1, 1);
                continue;
            }
            if (years != null && !years.get(date.getYear() - FIRST_YEAR)) {
                int year = years.nextSetBit(date.getYear() - FIRST_YEAR);
                if (year < 0) {
                    return null;
                }
                date = LocalDate.of(year + FIRST_YEAR, 1, 1);
                continue;
            }
            if (!months.get(date.getMonthValue())) {
                int month = months.nextSetBit(date.getMonthValue());
                date = month < 0 ? LocalDate.of(date.getYear() + 1, 1, 1) : LocalDate.of(date.getYear(), month, 1);
                continue;
            }
            if (days.matches(date)) {
                return date;
            }
            date = date.plusDays(1);
        }
        return null;
    }

    /** The first matching time of day at or after {@code from}, null when none is left that day. */
    private LocalTime nextTime(LocalTime from) {
        for (int h = hours.nextSetBit(from.getHour()); h >= 0; h = hours.nextSetBit(h + 1)) {
            int firstMinute = h == from.getHour() ? from.getMinute() : 0;
            for (int m = minutes.nextSetBit(firstMinute); m >= 0; m = minutes.nextSetBit(m + 1)) {
                int firstSecond = h == from.getHour() && m == from.getMinute() ? from.getSecond() : 0;
                int s = seconds.nextSetBit(firstSecond);
                if (s >= 0) {
                    return LocalTime.of(h, m, s);
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
