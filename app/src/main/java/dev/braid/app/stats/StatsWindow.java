package dev.braid.app.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.braid.app.refusal.Invalid;
import dev.braid.engine.model.Durations;

/**
 * The time range a stats request covers and how it is cut into series buckets: a {@code window} from
 * 5 minutes to 30 days ending now, and a {@code bucket} of whole minutes. Without a bucket the smallest
 * of 1m, 5m, 15m, 1h, 6h, 1d that gives at most {@value #DEFAULT_POINTS} points is taken (1h → 1m,
 * 24h → 5m, 7d → 1h, 30d → 6h). Buckets are aligned to the epoch (UTC), so the first one may start
 * before {@code now - window}: the totals are the sum of the series, and a chart and its totals agree.
 *
 * <p>The rollup {@link Tier} read is the coarsest that divides the bucket: a bucket of whole days reads
 * day rows, of whole hours hour rows, of five minutes five-minute rows (a 24-hour window: 288 rows per
 * recipe, not 1,440), so a 30-day window reads at most 720 rows per recipe.
 */
public record StatsWindow(Duration window, Duration bucket, Tier tier, Instant from, Instant to) {

    public static final Duration MIN_WINDOW = Duration.ofMinutes(5);
    public static final Duration MAX_WINDOW = Duration.ofDays(30);
    static final int DEFAULT_POINTS = 300;
    static final int MAX_POINTS = 1440;
    private static final List<Duration> STEPS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1));

    /** The rollup granularities, each a bucket size the fold writes. */
    public enum Tier {
        MINUTE(Duration.ofMinutes(1)), FIVE_MINUTES(Duration.ofMinutes(5)), HOUR(Duration.ofHours(1)), DAY(Duration.ofDays(1));

        private final Duration size;

        Tier(Duration size) {
            this.size = size;
        }

        public Duration size() {
            return size;
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The start of the tier bucket holding {@code at}. */
        public Instant floor(Instant at) {
            return StatsWindow.floor(at, size);
        }
    }

    /**
     * Reads the request's {@code window} (default 1h) and {@code bucket} (default: chosen), ending at
     * {@code now}; an unreadable or out-of-range value is refused naming the parameter and the fix.
     */
    public static StatsWindow of(String window, String bucket, Instant now) {
        Duration w = window == null || window.isBlank() ? Duration.ofHours(1) : parse("window", window);
        if (w.compareTo(MIN_WINDOW) < 0 || w.compareTo(MAX_WINDOW) > 0) {
            throw invalid("window", "The window " + window + " is out of range; use 5m to 30d, e.g. window=24h");
        }
        Duration b;
        if (bucket == null || bucket.isBlank()) {
            b = chosen(w);
        } else {
            b = parse("bucket", bucket);
            if (b.compareTo(Duration.ofMinutes(1)) < 0 || b.toSeconds() % 60 != 0 || b.toNanosPart() != 0) {
                throw invalid("bucket", "The bucket " + bucket + " is not a whole number of minutes; use e.g. bucket=1m, 5m, 1h or 1d");
            }
            if (points(w, b) > MAX_POINTS) {
                throw invalid("bucket", "The bucket " + bucket + " cuts the window " + window + " into more than "
                        + MAX_POINTS + " points; use a bucket of at least " + Durations.format(chosenAtMost(w, MAX_POINTS))
                        + " or leave it out");
            }
        }
        Instant to = now;
        Instant from = floor(now.minus(w), b);
        return new StatsWindow(w, b, tierFor(b), from, to);
    }

    /** The bucket chosen when none is given. */
    static Duration chosen(Duration window) {
        return chosenAtMost(window, DEFAULT_POINTS);
    }

    private static Duration chosenAtMost(Duration window, int points) {
        for (Duration step : STEPS) {
            if (points(window, step) <= points) {
                return step;
            }
        }
        return STEPS.getLast();
    }

    public static Tier tierFor(Duration bucket) {
        long minutes = bucket.toMinutes();
        if (minutes % (24 * 60) == 0) {
            return Tier.DAY;
        }
        if (minutes % 60 == 0) {
            return Tier.HOUR;
        }
        return minutes % 5 == 0 ? Tier.FIVE_MINUTES : Tier.MINUTE;
    }

    private static long points(Duration window, Duration bucket) {
        return (window.toSeconds() + bucket.toSeconds() - 1) / bucket.toSeconds();
    }

    static Instant floor(Instant at, Duration size) {
        long s = size.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), s) * s);
    }

    /** The series bucket holding {@code at}. */
    public Instant bucketOf(Instant at) {
        return floor(at, bucket);
    }

    /** How many series buckets the range has (the last one, holding {@code to}, may be partial). */
    public int buckets() {
        return (int) ((to.getEpochSecond() - from.getEpochSecond()) / bucket.toSeconds()) + 1;
    }

    private static Duration parse(String field, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(field, "The " + field + " '" + text + "' is not a duration; write e.g. 5m, 1h, 24h or 7d");
        }
    }

    private static Invalid invalid(String field, String message) {
        return Invalid.errors(message, List.of(Map.of("path", field, "message", message)));
    }
}
