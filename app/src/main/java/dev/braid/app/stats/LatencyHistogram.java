package dev.braid.app.stats;

import java.util.Arrays;

/**
 * Run latencies (milliseconds) counted in log-linear buckets, the shape the rollups store: below 16 ms one
 * bucket per millisecond (exact), above it each power of two split into 16 equal buckets. A bucket's
 * width is at most 1/16 of its lower bound, so the midpoint a percentile answers is within 1/32
 * (3.2 %) of any latency in it. Histograms add bucket by bucket, so minutes sum to hours and days, and
 * recipes to "all recipes", without losing that precision.
 *
 * <pre>{@code
 * LatencyHistogram h = new LatencyHistogram();
 * h.record(120); h.record(480);
 * h.percentile(0.5)    // 122: 120 lies in the bucket [120, 124), which answers its midpoint
 * }</pre>
 *
 * <p>Stored as {@code bigint[]} with trailing empty buckets left off: a recipe whose runs take a few
 * milliseconds keeps a short array.
 */
public final class LatencyHistogram {

    /** Sub-buckets per power of two; also the number of exact one-millisecond buckets at the start. */
    static final int SUB = 16;
    private static final int SUB_BITS = 4;

    private long[] counts;
    private long total;

    public LatencyHistogram() {
        this.counts = new long[0];
    }

    /** A histogram over stored counts (a rollup row's array); null reads as empty. */
    public static LatencyHistogram of(long[] counts) {
        LatencyHistogram h = new LatencyHistogram();
        if (counts != null) {
            h.counts = counts.clone();
            for (long c : counts) {
                h.total += c;
            }
        }
        return h;
    }

    /** The bucket a latency falls in; negative latencies (clock steps) count as 0. */
    public static int index(long millis) {
        long v = Math.max(0, millis);
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);   // >= SUB_BITS
        int shift = exponent - SUB_BITS;
        int sub = (int) ((v >>> shift) & (SUB - 1));
        return SUB + shift * SUB + sub;
    }

    /** The smallest latency of a bucket. */
    public static long lower(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index - SUB) / SUB;
        int sub = (index - SUB) % SUB;
        return (long) (SUB + sub) << shift;
    }

    /** One past the largest latency of a bucket. */
    public static long upper(int index) {
        return index < SUB ? index + 1 : lower(index) + (1L << ((index - SUB) / SUB));
    }

    /** What a bucket answers for a latency in it: the latency itself below 16 ms, else its midpoint. */
    public static long estimate(int index) {
        return index < SUB ? index : Math.round((lower(index) + upper(index) - 1) / 2.0);
    }

    public void record(long millis) {
        add(index(millis), 1);
    }

    public void add(int index, long count) {
        if (index >= counts.length) {
            counts = Arrays.copyOf(counts, index + 1);
        }
        counts[index] += count;
        total += count;
    }

    public void add(LatencyHistogram other) {
        for (int i = other.counts.length - 1; i >= 0; i--) {
            if (other.counts[i] != 0) {
                add(i, other.counts[i]);
            }
        }
    }

    public long count() {
        return total;
    }

    /**
     * The nearest-rank percentile ({@code q} in (0, 1]): the estimate of the bucket holding the
     * {@code ceil(q * count)}-th smallest latency; null when nothing was recorded.
     */
    public Long percentile(double q) {
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return estimate(i);
            }
        }
        return estimate(counts.length - 1);
    }

    /** The counts as stored: up to the last non-empty bucket. */
    public long[] toArray() {
        int end = counts.length;
        while (end > 0 && counts[end - 1] == 0) {
            end--;
        }
        return Arrays.copyOf(counts, end);
    }
}
