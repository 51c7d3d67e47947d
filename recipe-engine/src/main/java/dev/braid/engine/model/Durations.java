package dev.braid.engine.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as recipes write them: one or more {@code <number><unit>} parts with units
 * {@code ms s m h d}, largest unit first ({@code 500ms}, {@code 10s}, {@code 1m30s}, {@code 1.5h}),
 * ISO-8601 ({@code PT10S}, {@code P1DT2H}), or a bare whole number of seconds ({@code 30}).
 *
 * <pre>{@code
 * Durations.parse("1m30s")   // PT1M30S
 * Durations.parse("30")      // PT30S
 * Durations.format(Duration.ofSeconds(90))   // "1m30s"
 * }</pre>
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h|d)");
    private static final List<String> UNITS = List.of("ms", "s", "m", "h", "d");
    private static final long[] NANOS_PER_UNIT = {
        1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L, 86_400_000_000_000L };
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /**
     * Reads a duration; never negative.
     *
     * @throws IllegalArgumentException with a sentence naming the text when it is not a duration
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("A duration is missing; write e.g. 500ms, 10s, 5m, 2h or 1m30s");
        }
        String s = text.strip();
        if (s.isEmpty()) {
            throw notADuration(text);
        }
        if (s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return seconds(text, s);
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p') {
            return iso(text, s);
        }
        return units(text, s);
    }

    /** The shortest text {@link #parse} reads back to the same duration, for messages: {@code 1m30s}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return d.toString();
        }
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        append(out, d.toDays(), "d");
        append(out, d.toHoursPart(), "h");
        append(out, d.toMinutesPart(), "m");
        append(out, d.toSecondsPart(), "s");
        append(out, d.toMillisPart(), "ms");
        return out.isEmpty() ? d.toString() : out.toString();
    }

    private static Duration seconds(String text, String digits) {
        if (digits.length() > 12) {
            throw tooLong(text);
        }
        return Duration.ofSeconds(Long.parseLong(digits));
    }

    private static Duration iso(String text, String s) {
        Duration d;
        try {
            d = Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw notADuration(text);
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative; a duration must be zero or longer");
        }
        return d;
    }

    private static Duration units(String text, String s) {
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        int previousUnit = Integer.MAX_VALUE;
        while (at < s.length()) {
            m.region(at, s.length());
            if (!m.lookingAt()) {
                throw notADuration(text);
            }
            int unit = UNITS.indexOf(m.group(2));
            if (unit >= previousUnit) {
                throw new IllegalArgumentException("'" + text + "' is not a duration: write each unit once, largest first, as in 1h30m or 1m30s");
            }
            previousUnit = unit;
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT[unit])));
            at = m.end();
        }
        BigInteger whole = nanos.toBigInteger();
        if (whole.compareTo(MAX_NANOS) > 0) {
            throw tooLong(text);
        }
        return Duration.ofNanos(whole.longValue());
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 10s, 5m, 2h or 1m30s");
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("'" + text + "' is too long a duration; the longest Braid can hold is about 292 years");
    }

    private static void append(StringBuilder out, long amount, String unit) {
        if (amount > 0) {
            out.append(amount).append(unit);
        }
    }
}
