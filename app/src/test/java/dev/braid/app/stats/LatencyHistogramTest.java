package dev.braid.app.stats;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    @Test
    void everyLatencyFallsInTheBucketWhoseBoundsHoldIt() {
        for (long v = 0; v < 200_000; v++) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.lower(i)).as("lower of %d", v).isLessThanOrEqualTo(v);
            assertThat(LatencyHistogram.upper(i)).as("upper of %d", v).isGreaterThan(v);
        }
        long[] large = {1L << 40, (1L << 40) + 12345, Long.MAX_VALUE / 3, Long.MAX_VALUE};
        for (long v : large) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.lower(i)).isLessThanOrEqualTo(v);
            assertThat(LatencyHistogram.upper(i) - 1).isGreaterThanOrEqualTo(v);
        }
    }

    @Test
    void bucketsAreContiguousAndTheEstimateIsWithinOneThirtySecond() {
        for (int i = 0; i < 600; i++) {
            assertThat(LatencyHistogram.upper(i)).isEqualTo(LatencyHistogram.lower(i + 1));
            long lower = LatencyHistogram.lower(i);
            long last = LatencyHistogram.upper(i) - 1;
            long estimate = LatencyHistogram.estimate(i);
            assertThat(Math.abs(estimate - lower)).isLessThanOrEqualTo(Math.max(0, lower / 32 + 1));
            assertThat(Math.abs(estimate - last)).isLessThanOrEqualTo(Math.max(0, last / 32 + 1));
        }
        assertThat(LatencyHistogram.estimate(7)).isEqualTo(7);   // exact below 16 ms
    }

    @Test
    void percentilesOfTenThousandRandomLatenciesAreWithinTheHistogramsError() {
        Random random = new Random(42);
        long[] values = new long[10_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // log-normal-ish: most runs tens of ms, a tail into tens of seconds
            values[i] = (long) Math.exp(3 + 2.2 * Math.abs(random.nextGaussian()));
            h.record(values[i]);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double q : new double[] {0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
            long exact = sorted[(int) Math.ceil(q * sorted.length) - 1];
            assertThat(h.percentile(q)).as("p%s", q * 100).isCloseTo(exact, org.assertj.core.data.Offset.offset(exact / 32 + 1));
        }
        assertThat(h.count()).isEqualTo(10_000);
    }

    @Test
    void histogramsAddBucketByBucketAndStoreWithoutTrailingEmptyBuckets() {
        LatencyHistogram a = new LatencyHistogram();
        a.record(3);
        a.record(1000);
        LatencyHistogram b = LatencyHistogram.of(new long[] {0, 0, 0, 2});
        b.add(a);
        assertThat(b.count()).isEqualTo(4);
        long[] stored = b.toArray();
        assertThat(stored).hasSize(LatencyHistogram.index(1000) + 1);
        assertThat(stored[3]).isEqualTo(3);
        assertThat(LatencyHistogram.of(stored).percentile(1.0)).isCloseTo(1000L, org.assertj.core.data.Offset.offset(1000L / 32));
        assertThat(new LatencyHistogram().percentile(0.5)).isNull();
        assertThat(new LatencyHistogram().toArray()).isEmpty();
    }
}
