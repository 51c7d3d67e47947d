package dev.braid.app.flow;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a rate limit of {@code requests} per {@code per} is cut into slice windows that the nodes of a cluster lease
 * from PostgreSQL. The period is split into {@code n} windows of {@code per / n} each (about {@link #TARGET}, never
 * more windows than requests, {@code n} dividing the period's milliseconds so windows stay aligned to it). Window
 * {@code i} has a budget of {@code floor((i+1)·requests/n) − floor(i·requests/n)} tokens (for 10/s: 2, 3, 2, 3), so
 * any {@code n} consecutive windows hold exactly {@code requests} tokens and unused tokens are never carried over.
 * Any interval of length {@code per} overlaps at most {@code n + 1} windows, so the target sees at most
 * {@link #worstCase()} = {@code requests} + the largest window budget in it.
 */
public record RateSlices(int requests, Duration per, long sliceMillis, int[] budgets) {

    /** The slice length aimed at: short enough to smooth a burst, long enough that a busy node leases ≤ 4 times a second. */
    static final Duration TARGET = Duration.ofMillis(250);

    public static RateSlices of(FlowSettings.Limit limit) {
        return of(limit.requests(), limit.per());
    }

    public static RateSlices of(int requests, Duration per) {
        long perMillis = Math.max(1, (per.toNanos() + 999_999) / 1_000_000);
        long wanted = Math.max(1, Math.min(requests, perMillis / TARGET.toMillis()));
        long n = wanted;
        while (perMillis % n != 0) {
            n--;
        }
        int[] budgets = new int[(int) n];
        for (int i = 0; i < n; i++) {
            budgets[i] = (int) ((i + 1) * (long) requests / n - i * (long) requests / n);
        }
        return new RateSlices(requests, Duration.ofMillis(perMillis), perMillis / n, budgets);
    }

    /** The budget of window number {@code window} (windows count from the epoch, {@code sliceMillis} each). */
    public int budget(long window) {
        return budgets[(int) Math.floorMod(window, (long) budgets.length)];
    }

    public int largestBudget() {
        return Arrays.stream(budgets).max().orElse(0);
    }

    /** The most requests the target can see in any interval of length {@code per}: the limit plus one slice's budget. */
    public int worstCase() {
        return requests + largestBudget();
    }

    /** The budgets as a PostgreSQL array literal, {@code {2,3,2,3}}. */
    String budgetsLiteral() {
        return Arrays.stream(budgets).mapToObj(Integer::toString).collect(Collectors.joining(",", "{", "}"));
    }

    /** The spacing of deferred calls: one per request's share of the period. */
    long spacingMillis() {
        return Math.max(1, per.toMillis() / requests);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateSlices r && r.requests == requests && r.per.equals(per) && r.sliceMillis == sliceMillis
                && Arrays.equals(r.budgets, budgets);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(sliceMillis) + Arrays.hashCode(budgets);
    }

    @Override
    public String toString() {
        return requests + " per " + per + " in slices of " + sliceMillis + " ms " + budgetsLiteral();
    }
}
