package dev.braid.connectors.http;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recipe durations: one or more {@code <digits><unit>} parts, units {@code ms s m h d}, as in
 * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1m30s}.
 *
 * <pre>{@code
 * Durations.parse("1m30s")   // PT1M30S
 * }</pre>
 */
public final class Durations {

    /** The same grammar as a JSON Schema pattern, so an input schema can state it. */
    public static final String PATTERN = "^([0-9]+(ms|s|m|h|d))+$";

    private static final Pattern WHOLE = Pattern.compile(PATTERN);
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private Durations() {}

    /** @throws IllegalArgumentException naming the text when it is not a duration */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 500ms, 10s, 2m, 1h or 1m30s");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        try {
            while (part.find()) {
                long amount = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
        }
        return total;
    }

    /** The shortest text {@link #parse} reads back to the same duration, for messages: {@code 1m30s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long days = d.toDays();
        appendPart(out, days, "d");
        appendPart(out, d.toHoursPart(), "h");
        appendPart(out, d.toMinutesPart(), "m");
        appendPart(out, d.toSecondsPart(), "s");
        appendPart(out, d.toMillisPart(), "ms");
        return out.isEmpty() ? d.toString() : out.toString();
    }

    private static void appendPart(StringBuilder out, long amount, String unit) {
        if (amount > 0) {
            out.append(amount).append(unit);
        }
    }
}
