package dev.braid.app.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * One node's lease arithmetic with an injected clock: the database's answers are given (a window with a budget on
 * the same clock), so what is tested is how often the node asks, for how much, how long its tokens last and when
 * deferred calls come back.
 */
class RateBudgetTest {

    static final class TestClock extends Clock {
        long millis = 1_767_225_600_000L; // a window boundary: 2026-01-01T00:00:00Z

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    final TestClock clock = new TestClock();
    final RateSlices slices = RateSlices.of(10, Duration.ofSeconds(1));
    /** The budget of the window the clock is in, as the database would keep it; and the asks it got. */
    long window = -1;
    int granted;
    final List<Integer> asks = new ArrayList<>();
    final RateBudget.Counts counts = new RateBudget.Counts(new AtomicLong(), new AtomicLong());

    /** The next free slot the database would hand out (epoch millis). */
    long nextSlot;

    final RateBudget.Leases leases = new RateBudget.Leases() {
        @Override
        public RateBudget.Lease lease(String c, RateSlices s, int want) {
            asks.add(want);
            long now = clock.millis();
            long w = now / s.sliceMillis();
            if (w != window) {
                window = w;
                granted = 0;
            }
            int taken = Math.min(s.budget(w) - granted, want);
            granted += taken;
            return new RateBudget.Lease(taken, s.sliceMillis() - now % s.sliceMillis(), granted - taken, s.budget(w));
        }

        @Override
        public long slot(String c, RateSlices s) {
            long now = clock.millis();
            long slot = Math.max(nextSlot, (now / s.sliceMillis() + 1) * s.sliceMillis());
            nextSlot = slot + s.spacingMillis();
            return slot - now;
        }
    };
    final RateBudget budget = new RateBudget("api", slices, clock, leases, counts);

    @Test
    void aBusyNodeLeasesAboutOncePerWindowAndNeverTakesMoreThanTheBudget() {
        int grantedCalls = 0;
        // 20 calls every 10 ms for 2 s: far more demand than 10/s
        for (int tick = 0; tick < 200; tick++) {
            for (int call = 0; call < 20; call++) {
                if (budget.take().granted()) {
                    grantedCalls++;
                }
            }
            clock.millis += 10;
        }
        assertThat(grantedCalls).isEqualTo(20); // 2 s at 10/s, all of it to the only node
        assertThat(counts.leases().get()).as("statements for 8 windows").isLessThanOrEqualTo(2 * 8);
        assertThat(asks.subList(2, asks.size())).as("once busy it asks for a whole window's budget").allMatch(w -> w == 3);
    }

    @Test
    void tokensLapseAtTheEndOfTheirWindow() {
        clock.millis += 200; // 50 ms left of a window of 2
        assertThat(budget.take().granted()).isTrue();
        clock.millis += 50; // the next window: the token left over is gone, a new lease brings the new budget
        assertThat(budget.take().granted()).isTrue();
        assertThat(asks).hasSize(2);
        assertThat(counts.tokens().get()).isEqualTo(2);
    }

    @Test
    void aSpentWindowIsNotLeasedAgainAndDeferredCallsComeBackAtTheirSlots() {
        int given = 0;
        List<Instant> deferred = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RateBudget.Taken taken = budget.take();
            if (taken.granted()) {
                given++;
            } else {
                deferred.add(Instant.ofEpochMilli(taken.at()));
            }
        }
        assertThat(given).isEqualTo(2);
        int asked = asks.size();
        assertThat(budget.take().granted()).isFalse();
        assertThat(asks).as("spent: no lease until the window ends").hasSize(asked);
        long end = clock.millis + 250;
        assertThat(deferred).as("one token's share apart from the window's end")
                .extracting(Instant::toEpochMilli).containsExactly(end, end + 100, end + 200, end + 300);
    }

    @Test
    void anIdleNodeAsksForOneTokenAtATimeSoOthersCanUseTheRest() {
        assertThat(budget.take().granted()).isTrue();
        clock.millis += 1000;
        RateBudget.Taken last = budget.take();
        assertThat(last.granted()).isTrue();
        assertThat(asks).containsExactly(1, 1);
        budget.giveBack(last.at());
        assertThat(budget.take()).as("a token given back is used again without a statement").isEqualTo(last);
        assertThat(asks).hasSize(2);
    }

    @Test
    void tokensAreDueOneSharePartApartAcrossNodesSoAnyPeriodHoldsTheLimit() {
        // two nodes on one database (the fake above): each asks for whole windows, the database numbers the tokens
        RateBudget other = new RateBudget("api", slices, clock, leases, counts);
        List<Long> dues = new ArrayList<>();
        for (int tick = 0; tick < 100; tick++) { // 2 s, 20 calls every 20 ms alternating between the nodes
            for (int call = 0; call < 20; call++) {
                RateBudget.Taken taken = (call % 2 == 0 ? budget : other).take();
                if (taken.granted()) {
                    dues.add(taken.at());
                }
            }
            clock.millis += 20;
        }
        long start = 1_767_225_600_000L;
        assertThat(dues).as("10/s: windows of 2, 3, 2, 3 tokens paced 125 and 83 ms apart").hasSize(20)
                .doesNotHaveDuplicates()
                .map(at -> at - start).containsExactlyInAnyOrder(0L, 125L, 250L, 333L, 416L, 500L, 625L, 750L, 833L, 916L,
                        1000L, 1125L, 1250L, 1333L, 1416L, 1500L, 1625L, 1750L, 1833L, 1916L);
    }
}
