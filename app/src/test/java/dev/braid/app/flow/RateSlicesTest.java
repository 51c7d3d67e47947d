package dev.braid.app.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** How a rate limit is cut into slice windows: lengths, budgets, and the worst case in any period. */
class RateSlicesTest {

    @Test
    void tenPerSecondIsFourSlicesOf250MsWithTwoOrThreeTokens() {
        RateSlices s = RateSlices.of(10, Duration.ofSeconds(1));
        assertThat(s.sliceMillis()).isEqualTo(250);
        assertThat(s.budgets()).containsExactly(2, 3, 2, 3);
        assertThat(s.worstCase()).isEqualTo(13);
        assertThat(s.budget(4_000_000_000L)).isEqualTo(2);
        assertThat(s.budget(4_000_000_001L)).isEqualTo(3);
        assertThat(s.budgetsLiteral()).isEqualTo("{2,3,2,3}");
    }

    @Test
    void neverMoreSlicesThanRequestsAndSlicesDivideThePeriod() {
        assertThat(RateSlices.of(2, Duration.ofSeconds(1))).satisfies(s -> {
            assertThat(s.sliceMillis()).isEqualTo(500);
            assertThat(s.budgets()).containsExactly(1, 1);
        });
        assertThat(RateSlices.of(3, Duration.ofSeconds(1))).satisfies(s -> {
            assertThat(s.sliceMillis()).isEqualTo(500); // 1000 ms does not split in three whole milliseconds
            assertThat(s.budgets()).containsExactly(1, 2);
        });
        assertThat(RateSlices.of(1, Duration.ofHours(1))).satisfies(s -> {
            assertThat(s.sliceMillis()).isEqualTo(3_600_000);
            assertThat(s.budgets()).containsExactly(1);
        });
        assertThat(RateSlices.of(100, Duration.ofMinutes(1))).satisfies(s -> {
            assertThat(s.sliceMillis()).isEqualTo(600);
            assertThat(s.worstCase()).isEqualTo(101);
        });
        assertThat(RateSlices.of(5, Duration.ofMillis(100)).sliceMillis()).isEqualTo(100);
    }

    @Test
    void everyRunOfConsecutiveWindowsAsLongAsThePeriodHoldsExactlyTheLimit() {
        for (int requests : new int[] {1, 2, 3, 7, 10, 99, 1000, 10_000}) {
            for (Duration per : new Duration[] {Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(7),
                    Duration.ofMinutes(1)}) {
                RateSlices s = RateSlices.of(requests, per);
                int n = s.budgets().length;
                assertThat(s.sliceMillis() * n).as("%s", s).isEqualTo(per.toMillis());
                for (long start = 1_000_000; start < 1_000_000 + 2L * n; start++) {
                    int sum = 0;
                    for (long w = start; w < start + n; w++) {
                        sum += s.budget(w);
                    }
                    assertThat(sum).as("%s from window %d", s, start).isEqualTo(requests);
                }
                assertThat(s.largestBudget()).isLessThanOrEqualTo((requests + n - 1) / n);
            }
        }
    }
}
