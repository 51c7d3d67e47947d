package dev.braid.engine.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.BitSet;
import java.util.Locale;

/**
 * Which dates a cron's day-of-month and day-of-week fields allow, with the Quartz/Spring extras
 * ({@code L}, {@code L-3}, {@code 15W}, {@code LW} in day-of-month; {@code 5L}, {@code 6#3} in
 * day-of-week) and the dialect's rule for a cron that restricts both: Unix fires on a day matching
 * either, Spring on a day matching both (Quartz refuses it at parse).
 */
final class CronDays {

    /** How day-of-month and day-of-week combine when both are restricted. */
    enum Both { EITHER, BOTH }

    /** A field is restricted unless it allows every value ({@code *}, {@code ?}, {@code *}{@code /1}, {@code 0-7}). */
    private final boolean domRestricted;
    private final boolean dowRestricted;
    private final Both both;

    private final BitSet days = new BitSet(32);
    /** {@code L} or {@code L-n}: the n-th day before the last; -1 when not used. */
    private int beforeLast = -1;
    /** {@code nW}: the weekday nearest day n; 0 when not used. */
    private int nearestWeekday;
    private boolean lastWeekday;

    /** Weekdays 0 (Sunday) to 6. */
    private final BitSet weekdays = new BitSet(7);
    /** {@code 5L}: the last such weekday of the month. */
    private final BitSet lastOfMonth = new BitSet(7);
    /** {@code 6#3}: weekday and which one of the month; 0 when not used. */
    private int nthWeekday = -1;
    private int nth;

    /**
     * @param quartz weekday numbers 1-7 from Sunday (Quartz) instead of 0-7 with 0 and 7 Sunday (Unix, Spring)
     * @param extras whether L, W and # are allowed (not in Unix crons)
     */
    CronDays(String dom, String dow, boolean quartz, boolean extras, Both both) {
        this.both = both;
        dayOfMonth(dom.toUpperCase(Locale.ROOT), extras);
        dayOfWeek(dow.toUpperCase(Locale.ROOT), quartz, extras);
        this.domRestricted = days.cardinality() != 31;
        this.dowRestricted = weekdays.cardinality() != 7;
    }

    private void dayOfMonth(String text, boolean extras) {
        CronField field = new CronField("day-of-month", 1, 31, java.util.List.of());
        if (extras && text.equals("LW")) {
            lastWeekday = true;
        } else if (extras && text.startsWith("L")) {
            beforeLast = text.equals("L") ? 0 : offset(text);
        } else if (extras && text.endsWith("W")) {
            nearestWeekday = field.value(text.substring(0, text.length() - 1));
        } else {
            days.or(field.parse(text));
        }
    }

    private static int offset(String text) {
        if (!text.matches("L-[0-9]{1,2}") || Integer.parseInt(text.substring(2)) > 30) {
            throw new InvalidCron("'" + text + "' in day-of-month: use L (the last day) or L-n with n from 1 to 30");
        }
        return Integer.parseInt(text.substring(2));
    }

    private void dayOfWeek(String text, boolean quartz, boolean extras) {
        CronField field = quartz ? new CronField("day-of-week", 1, 7, CronField.DAYS)
                : new CronField("day-of-week", 0, 7, CronField.DAYS);
        if (extras && text.equals("L")) {
            weekdays.set(weekday(7, quartz)); // alone, L is the last day of the week: 7 (Saturday in Quartz)
        } else if (extras && text.endsWith("L")) {
            lastOfMonth.set(weekday(field.value(text.substring(0, text.length() - 1)), quartz));
        } else if (extras && text.contains("#")) {
            String[] parts = text.split("#", -1);
            nthWeekday = weekday(field.value(parts[0]), quartz);
            if (parts.length != 2 || !parts[1].matches("[1-5]")) {
                throw new InvalidCron("'" + text + "' in day-of-week: after # comes which one of the month, 1 to 5, "
                        + "e.g. FRI#2 for the second Friday");
            }
            nth = Integer.parseInt(parts[1]);
        } else {
            BitSet values = field.parse(text);
            for (int v = values.nextSetBit(0); v >= 0; v = values.nextSetBit(v + 1)) {
                weekdays.set(weekday(v, quartz));
            }
        }
    }

    private static int weekday(int value, boolean quartz) {
        return quartz ? value - 1 : value % 7;
    }

    boolean restrictsBoth() {
        return domRestricted && dowRestricted;
    }

    boolean matches(LocalDate date) {
        if (!domRestricted && !dowRestricted) {
            return true;
        }
        if (!dowRestricted) {
            return dayOfMonth(date);
        }
        if (!domRestricted) {
            return dayOfWeek(date);
        }
        return both == Both.EITHER ? dayOfMonth(date) || dayOfWeek(date) : dayOfMonth(date) && dayOfWeek(date);
    }

    private boolean dayOfMonth(LocalDate date) {
        int day = date.getDayOfMonth();
        int length = date.lengthOfMonth();
        if (beforeLast >= 0) {
            return day == length - beforeLast;
        }
        if (lastWeekday) {
            return day == nearestWeekdayTo(date.withDayOfMonth(length));
        }
        if (nearestWeekday > 0) {
            return nearestWeekday <= length && day == nearestWeekdayTo(date.withDayOfMonth(nearestWeekday));
        }
        return days.get(day);
    }

    /** Quartz's W: the weekday nearest the given day, without leaving its month. */
    private static int nearestWeekdayTo(LocalDate target) {
        int day = target.getDayOfMonth();
        int length = target.lengthOfMonth();
        return switch (target.getDayOfWeek()) {
            case SATURDAY -> day > 1 ? day - 1 : day + 2;
            case SUNDAY -> day < length ? day + 1 : day - 2;
            default -> day;
        };
    }

    private boolean dayOfWeek(LocalDate date) {
        DayOfWeek dow = date.getDayOfWeek();
        int weekday = dow.getValue() % 7;
        if (weekdays.get(weekday)) {
            return true;
        }
        if (lastOfMonth.get(weekday) && date.getDayOfMonth() + 7 > date.lengthOfMonth()) {
            return true;
        }
        return weekday == nthWeekday && (date.getDayOfMonth() - 1) / 7 + 1 == nth;
    }
}
