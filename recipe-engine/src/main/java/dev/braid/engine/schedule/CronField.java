package dev.braid.engine.schedule;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * One numeric cron field ({@code *}, {@code 5}, {@code 1-5}, {@code *}{@code /15}, {@code 10/5},
 * {@code 1-30/2}, lists of them, and names for months and weekdays) as the set of values it allows.
 */
final class CronField {

    static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
            "NOV", "DEC");
    /** Weekday names in Unix order: SUN is 0. */
    static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    final String name;
    final int min;
    final int max;
    /** Names for {@code min}, {@code min + 1}, ...; empty when the field has none. */
    private final List<String> names;

    CronField(String name, int min, int max, List<String> names) {
        this.name = name;
        this.min = min;
        this.max = max;
        this.names = names;
    }

    /** Whether the text allows every value ({@code *} or {@code ?}): no restriction on the day. */
    static boolean unrestricted(String text) {
        return text.equals("*") || text.equals("?");
    }

    BitSet parse(String text) {
        BitSet values = new BitSet(max + 1);
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) {
                throw new InvalidCron("an empty item in the " + name + " field '" + text + "'");
            }
            part(part, values);
        }
        return values;
    }

    private void part(String part, BitSet values) {
        int slash = part.indexOf('/');
        String range = slash < 0 ? part : part.substring(0, slash);
        int step = 1;
        if (slash >= 0) {
            step = number(part.substring(slash + 1), "step");
            if (step < 1) {
                throw new InvalidCron("the step in '" + part + "' (" + name + ") must be 1 or more");
            }
        }
        int from;
        int to;
        if (range.equals("*") || range.equals("?")) {
            from = min;
            to = max;
        } else {
            int dash = range.indexOf('-', 1);
            if (dash < 0) {
                from = value(range);
                to = slash < 0 ? from : max; // 10/5: from 10 to the end, every 5
            } else {
                from = value(range.substring(0, dash));
                to = value(range.substring(dash + 1));
                if (from > to) {
                    throw new InvalidCron("the range '" + range + "' (" + name + ") runs backwards; write it from the "
                            + "lower to the higher value, or as a list such as '" + range.substring(0, dash) + "-" + max
                            + "," + min + "-" + range.substring(dash + 1) + "'");
                }
            }
        }
        for (int v = from; v <= to; v += step) {
            values.set(v);
        }
    }

    int value(String text) {
        if (!names.isEmpty()) {
            int index = names.indexOf(text.toUpperCase(Locale.ROOT));
            if (index >= 0) {
                return min + index;
            }
        }
        int v = number(text, name);
        if (v < min || v > max) {
            throw new InvalidCron("'" + text + "' is outside the " + name + " range " + min + "-" + max);
        }
        return v;
    }

    private int number(String text, String what) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
            throw new InvalidCron("'" + text + "' is not a valid " + what
                    + (names.isEmpty() ? " (a number)" : " (a number or a name such as " + names.getFirst() + ")"));
        }
        return Integer.parseInt(text);
    }
}
